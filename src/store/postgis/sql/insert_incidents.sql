-- One batch of incidents as parallel arrays, of city $12; ids were reserved from the sequence.
INSERT INTO incidents (city_code, id, kind, reported_at, status, resolved_at, source, grid_id, community_id, h3, geom,
                       occurred_from, occurred_to)
SELECT $12, id, kind, to_timestamp(reported_at), status, to_timestamp(resolved_at), source, grid_id, community_id, h3,
       ST_SetSRID(ST_MakePoint(lon, lat), 4326), to_timestamp(occurred_from), to_timestamp(occurred_to)
FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[],
            $9::bigint[], $10::float8[], $11::float8[], $13::bigint[], $14::bigint[])
     AS t (id, kind, reported_at, status, resolved_at, source, grid_id, community_id, h3, lon, lat, occurred_from, occurred_to)
