-- Moves the COPYed rows of staging_communities into communities; a row whose id exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO communities (id, name, code, district_id, households, population, geom)
SELECT id, name, code, district_id, households, population, geom FROM staging_communities
ON CONFLICT (id) DO UPDATE
  SET name = EXCLUDED.name,
      code = EXCLUDED.code,
      district_id = EXCLUDED.district_id,
      households = EXCLUDED.households,
      population = EXCLUDED.population,
      geom = EXCLUDED.geom
