-- Moves the COPYed rows of staging_inspections into inspections; a row whose (city, id) exists
-- replaces it.
INSERT INTO inspections (city_code, id, community_id, at, agencies, kinds, problems_found, problems_solved, geom)
SELECT city_code, id, community_id, at, agencies, kinds, problems_found, problems_solved, geom FROM staging_inspections
ON CONFLICT (city_code, id) DO UPDATE
  SET community_id = EXCLUDED.community_id, at = EXCLUDED.at, agencies = EXCLUDED.agencies, kinds = EXCLUDED.kinds,
      problems_found = EXCLUDED.problems_found, problems_solved = EXCLUDED.problems_solved, geom = EXCLUDED.geom
