SELECT id, community_id, name, households, population, ST_AsBinary(geom) AS geom FROM grids ORDER BY id
