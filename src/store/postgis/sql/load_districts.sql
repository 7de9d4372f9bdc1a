-- $1: the city.
SELECT id, name, name_en, central_city, ST_AsBinary(geom) AS geom FROM districts WHERE city_code = $1 ORDER BY id
