-- $1: the city; $2: the incidents whose moves to load, or NULL for all.
SELECT incident_id, extract(epoch FROM at)::bigint AS at, from_state, to_state, department, by, note
FROM incident_moves
WHERE city_code = $1 AND ($2::bigint[] IS NULL OR incident_id = ANY ($2))
ORDER BY incident_id, seq
