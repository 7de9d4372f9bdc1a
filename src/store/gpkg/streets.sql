-- The streets layer, added after the first schema: created with a new store, and added (empty)
-- to a store made before it existed.
CREATE TABLE streets (
  id INTEGER PRIMARY KEY, geom LINESTRING NOT NULL,
  class TEXT NOT NULL CHECK (class IN ('arterial', 'secondary', 'local', 'footpath')),
  name TEXT NOT NULL DEFAULT '', walkable INTEGER NOT NULL DEFAULT 1 CHECK (walkable IN (0, 1))
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('streets', 'features', 'streets', 'street centre-lines (the walking network)', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('streets', 'geom', 'LINESTRING', 4326, 0, 0);
