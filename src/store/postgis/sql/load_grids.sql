-- $1: the city.
SELECT id, community_id, name, households, population, ST_AsBinary(geom) AS geom FROM grids WHERE city_code = $1 ORDER BY id
