-- Moves the COPYed rows of staging_resources into resources; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO resources (city_code, id, kind, name, capacity, community_id, geom)
SELECT city_code, id, kind, name, capacity, community_id, geom FROM staging_resources
ON CONFLICT (city_code, id) DO UPDATE
  SET kind = EXCLUDED.kind,
      name = EXCLUDED.name,
      capacity = EXCLUDED.capacity,
      community_id = EXCLUDED.community_id,
      geom = EXCLUDED.geom
