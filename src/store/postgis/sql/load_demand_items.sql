-- $1: the city.
SELECT id, community_id, building_id, category, households, extract(epoch FROM raised_at)::bigint AS raised_at, status, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM demand_items WHERE city_code = $1 ORDER BY id
