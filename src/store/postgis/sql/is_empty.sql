-- Whether no dataset of city $1 has been imported yet.
SELECT NOT EXISTS (SELECT 1 FROM districts WHERE city_code = $1)
