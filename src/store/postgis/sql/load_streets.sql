SELECT id, class, name, walkable, ST_AsBinary(geom) AS geom FROM streets ORDER BY id
