-- Moves the COPYed rows of staging_patrol_tracks into patrol_tracks; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO patrol_tracks (city_code, id, route_id, community_id, team, started_at, ended_at, times, geom)
SELECT city_code, id, route_id, community_id, team, started_at, ended_at, times, geom FROM staging_patrol_tracks
ON CONFLICT (city_code, id) DO UPDATE
  SET route_id = EXCLUDED.route_id,
      community_id = EXCLUDED.community_id,
      team = EXCLUDED.team,
      started_at = EXCLUDED.started_at,
      ended_at = EXCLUDED.ended_at,
      times = EXCLUDED.times,
      geom = EXCLUDED.geom
