SELECT id, name, code, district_id, households, population, ST_AsBinary(geom) AS geom FROM communities ORDER BY id
