-- $1: the city.
SELECT id, community_id, name, category, demand_ids, resource_ids, status, extract(epoch FROM opened_at)::bigint AS opened_at,
       extract(epoch FROM closed_at)::bigint AS closed_at, households
FROM projects WHERE city_code = $1 ORDER BY id
