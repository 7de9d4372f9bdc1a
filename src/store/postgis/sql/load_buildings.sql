-- $1: the city.
SELECT id, households, floors, use, unmanaged, ST_AsBinary(geom) AS geom FROM buildings WHERE city_code = $1 ORDER BY id
