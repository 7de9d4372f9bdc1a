-- Moves the COPYed rows of staging_streets into streets; a row whose id exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO streets (id, class, name, walkable, geom)
SELECT id, class, name, walkable, geom FROM staging_streets
ON CONFLICT (id) DO UPDATE
  SET class = EXCLUDED.class,
      name = EXCLUDED.name,
      walkable = EXCLUDED.walkable,
      geom = EXCLUDED.geom
