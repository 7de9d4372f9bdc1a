-- Moves the COPYed rows of staging_resource_items into resource_items; a row whose (city, id)
-- exists replaces it.
INSERT INTO resource_items (city_code, id, unit_id, category, capacity, hours, from_quarter, to_quarter)
SELECT city_code, id, unit_id, category, capacity, hours, from_quarter, to_quarter FROM staging_resource_items
ON CONFLICT (city_code, id) DO UPDATE
  SET unit_id = EXCLUDED.unit_id, category = EXCLUDED.category, capacity = EXCLUDED.capacity,
      hours = EXCLUDED.hours, from_quarter = EXCLUDED.from_quarter, to_quarter = EXCLUDED.to_quarter
