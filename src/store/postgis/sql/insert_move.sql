-- $1: the incident; $2: the city; $3..$8: the move. Numbered after the incident's last move.
INSERT INTO incident_moves (city_code, incident_id, seq, at, from_state, to_state, department, by, note)
SELECT $2, $1, COALESCE(max(seq) + 1, 0), to_timestamp($3), $4, $5, $6, $7, $8
FROM incident_moves
WHERE city_code = $2 AND incident_id = $1
