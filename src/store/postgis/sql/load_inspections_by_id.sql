-- $1: the city; $2: the ids.
SELECT id, community_id, extract(epoch FROM at)::bigint AS at, agencies, kinds, problems_found, problems_solved,
       ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM inspections WHERE city_code = $1 AND id = ANY($2) ORDER BY at, id
