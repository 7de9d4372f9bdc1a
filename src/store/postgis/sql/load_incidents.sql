-- $1: the city; $2: the ids to load, or NULL for all.
SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, kind,
       extract(epoch FROM reported_at)::bigint AS reported_at, status,
       extract(epoch FROM resolved_at)::bigint AS resolved_at, source,
       extract(epoch FROM occurred_from)::bigint AS occurred_from,
       extract(epoch FROM occurred_to)::bigint AS occurred_to
FROM incidents
WHERE city_code = $1 AND ($2::bigint[] IS NULL OR id = ANY ($2))
