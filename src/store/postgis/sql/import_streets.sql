-- Moves the COPYed rows of staging_streets into streets; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO streets (city_code, id, class, name, walkable, geom)
SELECT city_code, id, class, name, walkable, geom FROM staging_streets
ON CONFLICT (city_code, id) DO UPDATE
  SET class = EXCLUDED.class,
      name = EXCLUDED.name,
      walkable = EXCLUDED.walkable,
      geom = EXCLUDED.geom
