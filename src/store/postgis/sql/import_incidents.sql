-- Moves the COPYed rows of staging_incidents into incidents; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO incidents (city_code, id, kind, reported_at, status, resolved_at, source, grid_id, community_id, h3, geom,
                       occurred_from, occurred_to)
SELECT city_code, id, kind, reported_at, status, resolved_at, source, grid_id, community_id, h3, geom,
       occurred_from, occurred_to
FROM staging_incidents
ON CONFLICT (city_code, id) DO UPDATE
  SET kind = EXCLUDED.kind,
      reported_at = EXCLUDED.reported_at,
      status = EXCLUDED.status,
      resolved_at = EXCLUDED.resolved_at,
      source = EXCLUDED.source,
      grid_id = EXCLUDED.grid_id,
      community_id = EXCLUDED.community_id,
      h3 = EXCLUDED.h3,
      geom = EXCLUDED.geom,
      occurred_from = EXCLUDED.occurred_from,
      occurred_to = EXCLUDED.occurred_to
