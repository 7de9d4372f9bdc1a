-- $1: the id; $2: its status; $3: the city.
UPDATE demand_items SET status = $2 WHERE city_code = $3 AND id = $1
