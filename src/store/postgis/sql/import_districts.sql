-- Moves the COPYed rows of staging_districts into districts; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO districts (city_code, id, name, name_en, central_city, geom)
SELECT city_code, id, name, name_en, central_city, geom FROM staging_districts
ON CONFLICT (city_code, id) DO UPDATE
  SET name = EXCLUDED.name,
      name_en = EXCLUDED.name_en,
      central_city = EXCLUDED.central_city,
      geom = EXCLUDED.geom
