SELECT id, name, name_en, central_city, ST_AsBinary(geom) AS geom FROM districts ORDER BY id
