SELECT id, households, floors, use, unmanaged, ST_AsBinary(geom) AS geom FROM buildings ORDER BY id
