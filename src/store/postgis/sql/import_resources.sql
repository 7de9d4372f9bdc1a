-- Moves the COPYed rows of staging_resources into resources; a row whose id exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO resources (id, kind, name, capacity, community_id, geom)
SELECT id, kind, name, capacity, community_id, geom FROM staging_resources
ON CONFLICT (id) DO UPDATE
  SET kind = EXCLUDED.kind,
      name = EXCLUDED.name,
      capacity = EXCLUDED.capacity,
      community_id = EXCLUDED.community_id,
      geom = EXCLUDED.geom
