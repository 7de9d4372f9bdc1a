-- Every city with rows here, by code.
SELECT code, name FROM cities WHERE EXISTS (SELECT 1 FROM districts WHERE districts.city_code = cities.code) ORDER BY code
