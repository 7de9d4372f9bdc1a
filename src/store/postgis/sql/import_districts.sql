-- Moves the COPYed rows of staging_districts into districts; a row whose id exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO districts (id, name, name_en, central_city, geom)
SELECT id, name, name_en, central_city, geom FROM staging_districts
ON CONFLICT (id) DO UPDATE
  SET name = EXCLUDED.name,
      name_en = EXCLUDED.name_en,
      central_city = EXCLUDED.central_city,
      geom = EXCLUDED.geom
