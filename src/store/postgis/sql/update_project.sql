-- $1: the id; $2 … $4: where it stands now; $5: the city.
UPDATE projects SET status = $2, closed_at = to_timestamp($3), households = $4
WHERE city_code = $5 AND id = $1
