-- Moves the COPYed rows of staging_grids into grids; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO grids (city_code, id, community_id, name, households, population, geom)
SELECT city_code, id, community_id, name, households, population, geom FROM staging_grids
ON CONFLICT (city_code, id) DO UPDATE
  SET community_id = EXCLUDED.community_id,
      name = EXCLUDED.name,
      households = EXCLUDED.households,
      population = EXCLUDED.population,
      geom = EXCLUDED.geom
