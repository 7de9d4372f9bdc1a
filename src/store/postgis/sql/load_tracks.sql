-- $1: the city; $2: the ids to load, or NULL for all.
SELECT id, route_id, community_id, team,
       extract(epoch FROM started_at)::bigint AS started_at,
       extract(epoch FROM ended_at)::bigint AS ended_at,
       ARRAY(SELECT extract(epoch FROM t)::bigint FROM unnest(times) AS t) AS times,
       ST_AsBinary(geom) AS geom
FROM patrol_tracks
WHERE city_code = $1 AND ($2::bigint[] IS NULL OR id = ANY ($2))
ORDER BY id
