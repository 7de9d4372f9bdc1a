-- $8: the city.
INSERT INTO patrol_tracks (city_code, route_id, community_id, team, started_at, ended_at, times, geom)
VALUES ($8, $1, $2, $3, to_timestamp($4), to_timestamp($5),
        ARRAY(SELECT to_timestamp(t) FROM unnest($6::bigint[]) AS t), ST_GeomFromWKB($7, 4326))
RETURNING id
