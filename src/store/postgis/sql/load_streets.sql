-- $1: the city.
SELECT id, class, name, walkable, ST_AsBinary(geom) AS geom FROM streets WHERE city_code = $1 ORDER BY id
