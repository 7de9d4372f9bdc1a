-- $1: the city; $2: the ids to load, or NULL for all.
SELECT id, kind, name, capacity, ST_AsBinary(geom) AS geom
FROM resources
WHERE city_code = $1 AND ($2::bigint[] IS NULL OR id = ANY ($2))
ORDER BY id
