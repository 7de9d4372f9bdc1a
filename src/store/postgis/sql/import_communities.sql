-- Moves the COPYed rows of staging_communities into communities; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO communities (city_code, id, name, code, district_id, households, population, geom)
SELECT city_code, id, name, code, district_id, households, population, geom FROM staging_communities
ON CONFLICT (city_code, id) DO UPDATE
  SET name = EXCLUDED.name,
      code = EXCLUDED.code,
      district_id = EXCLUDED.district_id,
      households = EXCLUDED.households,
      population = EXCLUDED.population,
      geom = EXCLUDED.geom
