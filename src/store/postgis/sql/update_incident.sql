-- $4: the city.
UPDATE incidents SET status = $2, resolved_at = to_timestamp($3) WHERE city_code = $4 AND id = $1
