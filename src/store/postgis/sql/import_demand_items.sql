-- Moves the COPYed rows of staging_demand_items into demand_items; a row whose (city, id)
-- exists replaces it.
INSERT INTO demand_items (city_code, id, community_id, building_id, category, households, raised_at, status, geom)
SELECT city_code, id, community_id, building_id, category, households, raised_at, status, geom FROM staging_demand_items
ON CONFLICT (city_code, id) DO UPDATE
  SET community_id = EXCLUDED.community_id, building_id = EXCLUDED.building_id, category = EXCLUDED.category,
      households = EXCLUDED.households, raised_at = EXCLUDED.raised_at, status = EXCLUDED.status, geom = EXCLUDED.geom
