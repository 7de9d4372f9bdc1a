-- The city the GeoPackage holds (one per file): its division code and name. A store
-- without this table predates cities and holds Jingmen (420800).
CREATE TABLE IF NOT EXISTS gridwatch_city (code TEXT NOT NULL, name TEXT NOT NULL);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
VALUES ('gridwatch_city', 'attributes', 'gridwatch_city', 'The city of every feature here');
