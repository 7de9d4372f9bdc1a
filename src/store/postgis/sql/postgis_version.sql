-- The PostGIS library version, or NULL when the extension is not installed in this database.
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')
            THEN (SELECT extversion FROM pg_extension WHERE extname = 'postgis') END AS installed,
       (SELECT default_version FROM pg_available_extensions WHERE name = 'postgis') AS available
