-- $1: the id, or NULL to take the next one.
INSERT INTO resources (id, kind, name, capacity, community_id, geom)
VALUES (COALESCE($1, nextval(pg_get_serial_sequence('resources', 'id'))), $2, $3, $4, $5, ST_GeomFromWKB($6, 4326))
ON CONFLICT (id) DO UPDATE
  SET kind = EXCLUDED.kind, name = EXCLUDED.name, capacity = EXCLUDED.capacity,
      community_id = EXCLUDED.community_id, geom = EXCLUDED.geom
RETURNING id
