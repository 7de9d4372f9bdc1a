-- $1: the city.
SELECT id, community_id, team, weekday, start_time, end_time, ST_AsBinary(geom) AS geom FROM patrol_routes WHERE city_code = $1 ORDER BY id
