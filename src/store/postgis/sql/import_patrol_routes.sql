-- Moves the COPYed rows of staging_patrol_routes into patrol_routes; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO patrol_routes (city_code, id, community_id, team, weekday, start_time, end_time, geom)
SELECT city_code, id, community_id, team, weekday, start_time, end_time, geom FROM staging_patrol_routes
ON CONFLICT (city_code, id) DO UPDATE
  SET community_id = EXCLUDED.community_id,
      team = EXCLUDED.team,
      weekday = EXCLUDED.weekday,
      start_time = EXCLUDED.start_time,
      end_time = EXCLUDED.end_time,
      geom = EXCLUDED.geom
