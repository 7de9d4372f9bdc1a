-- Moves the COPYed rows of staging_projects into projects; a row whose (city, id) exists
-- replaces it.
INSERT INTO projects (city_code, id, community_id, name, category, demand_ids, resource_ids, status, opened_at, closed_at, households)
SELECT city_code, id, community_id, name, category, demand_ids, resource_ids, status, opened_at, closed_at, households
FROM staging_projects
ON CONFLICT (city_code, id) DO UPDATE
  SET community_id = EXCLUDED.community_id, name = EXCLUDED.name, category = EXCLUDED.category,
      demand_ids = EXCLUDED.demand_ids, resource_ids = EXCLUDED.resource_ids, status = EXCLUDED.status,
      opened_at = EXCLUDED.opened_at, closed_at = EXCLUDED.closed_at, households = EXCLUDED.households
