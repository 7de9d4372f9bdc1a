SELECT id, community_id, team, weekday, start_time, end_time, ST_AsBinary(geom) AS geom FROM patrol_routes ORDER BY id
