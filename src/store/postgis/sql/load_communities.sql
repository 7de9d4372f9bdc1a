-- $1: the city.
SELECT id, name, code, district_id, households, population, ST_AsBinary(geom) AS geom FROM communities WHERE city_code = $1 ORDER BY id
