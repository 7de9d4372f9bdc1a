-- $1: the city.
SELECT id, unit_id, category, capacity, hours, from_quarter, to_quarter
FROM resource_items WHERE city_code = $1 ORDER BY id
