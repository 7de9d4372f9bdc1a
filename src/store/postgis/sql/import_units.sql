-- Moves the COPYed rows of staging_units into units; a row whose (city, id) exists replaces it.
INSERT INTO units (city_code, id, name, kind, community_id, geom)
SELECT city_code, id, name, kind, community_id, geom FROM staging_units
ON CONFLICT (city_code, id) DO UPDATE
  SET name = EXCLUDED.name, kind = EXCLUDED.kind, community_id = EXCLUDED.community_id, geom = EXCLUDED.geom
