-- $1: the ids to load, or NULL for all.
SELECT id, kind, name, capacity, ST_AsBinary(geom) AS geom
FROM resources
WHERE $1::bigint[] IS NULL OR id = ANY ($1)
ORDER BY id
