-- $1: the city.
SELECT id, name, kind, community_id, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM units WHERE city_code = $1 ORDER BY id
