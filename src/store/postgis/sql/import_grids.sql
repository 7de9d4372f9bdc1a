-- Moves the COPYed rows of staging_grids into grids; a row whose id exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO grids (id, community_id, name, households, population, geom)
SELECT id, community_id, name, households, population, geom FROM staging_grids
ON CONFLICT (id) DO UPDATE
  SET community_id = EXCLUDED.community_id,
      name = EXCLUDED.name,
      households = EXCLUDED.households,
      population = EXCLUDED.population,
      geom = EXCLUDED.geom
