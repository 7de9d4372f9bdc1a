-- Moves the COPYed rows of staging_patrol_tracks into patrol_tracks; a row whose id exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO patrol_tracks (id, route_id, community_id, team, started_at, ended_at, times, geom)
SELECT id, route_id, community_id, team, started_at, ended_at, times, geom FROM staging_patrol_tracks
ON CONFLICT (id) DO UPDATE
  SET route_id = EXCLUDED.route_id,
      community_id = EXCLUDED.community_id,
      team = EXCLUDED.team,
      started_at = EXCLUDED.started_at,
      ended_at = EXCLUDED.ended_at,
      times = EXCLUDED.times,
      geom = EXCLUDED.geom
