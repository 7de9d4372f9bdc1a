-- $1: the id, or NULL to take the next one; $7: the city.
INSERT INTO resources (city_code, id, kind, name, capacity, community_id, geom)
VALUES ($7, COALESCE($1, nextval(pg_get_serial_sequence('resources', 'id'))), $2, $3, $4, $5, ST_GeomFromWKB($6, 4326))
ON CONFLICT (city_code, id) DO UPDATE
  SET kind = EXCLUDED.kind, name = EXCLUDED.name, capacity = EXCLUDED.capacity,
      community_id = EXCLUDED.community_id, geom = EXCLUDED.geom
RETURNING id
