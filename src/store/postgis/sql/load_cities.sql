-- Every city with rows here, by code (a subquery Citus plans on its own: no correlation).
SELECT code, name FROM cities WHERE code IN (SELECT DISTINCT city_code FROM districts) ORDER BY code
