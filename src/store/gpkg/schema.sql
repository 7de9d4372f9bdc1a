-- The embedded store: an OGC GeoPackage 1.3 (SQLite) that QGIS, GDAL and ogrinfo open as is.
-- Geometries are GeoPackage binary in EPSG:4326; times are UTC ISO 8601 text (GeoPackage
-- DATETIME). Derived columns (grid_id, community_id, h3) are written for the file's readers;
-- gridwatch recomputes them on load.
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;

CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326,
   'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id)
);

CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL REFERENCES gpkg_contents(table_name),
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL REFERENCES gpkg_spatial_ref_sys(srs_id),
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  PRIMARY KEY (table_name, column_name)
);

CREATE TABLE districts (
  id INTEGER PRIMARY KEY, geom MULTIPOLYGON NOT NULL,
  name TEXT NOT NULL, name_en TEXT NOT NULL, central_city BOOLEAN NOT NULL
);
CREATE TABLE communities (
  id INTEGER PRIMARY KEY, geom MULTIPOLYGON NOT NULL,
  name TEXT NOT NULL, code TEXT, district_id INTEGER NOT NULL REFERENCES districts(id),
  households INTEGER NOT NULL CHECK (households >= 0), population INTEGER NOT NULL CHECK (population >= 0)
);
CREATE TABLE grids (
  id INTEGER PRIMARY KEY, geom POLYGON NOT NULL,
  community_id INTEGER NOT NULL REFERENCES communities(id), name TEXT NOT NULL,
  households INTEGER NOT NULL CHECK (households >= 0), population INTEGER NOT NULL CHECK (population >= 0)
);
CREATE TABLE buildings (
  id INTEGER PRIMARY KEY, geom POLYGON NOT NULL,
  households INTEGER NOT NULL, floors INTEGER NOT NULL, use TEXT NOT NULL, unmanaged BOOLEAN NOT NULL,
  grid_id INTEGER, community_id INTEGER
);
CREATE TABLE resources (
  id INTEGER PRIMARY KEY, geom POINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('service_complex', 'police_station', 'police_post', 'community_office',
                                     'school', 'market', 'clinic', 'party_household')), name TEXT NOT NULL, capacity INTEGER NOT NULL, community_id INTEGER
);
CREATE TABLE patrol_routes (
  id INTEGER PRIMARY KEY, geom MULTILINESTRING NOT NULL,
  community_id INTEGER NOT NULL REFERENCES communities(id), team TEXT NOT NULL,
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7), start_time TEXT NOT NULL, end_time TEXT NOT NULL
);
CREATE TABLE patrol_tracks (
  id INTEGER PRIMARY KEY, geom LINESTRING NOT NULL,
  route_id INTEGER REFERENCES patrol_routes(id), community_id INTEGER NOT NULL REFERENCES communities(id),
  team TEXT NOT NULL, started_at DATETIME NOT NULL, ended_at DATETIME NOT NULL CHECK (ended_at >= started_at),
  -- Unix seconds of each vertex, a JSON array.
  times TEXT NOT NULL
);
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY, geom POINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('dispute', 'safety_hazard', 'police_call', 'criminal_case', 'property_dispute',
                                     'illegal_construction', 'street_vending', 'school_surroundings',
                                     'market_sanitation', 'drainage', 'petition')),
  reported_at DATETIME NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'resolved')),
  resolved_at DATETIME,
  source TEXT NOT NULL CHECK (source IN ('patrol', 'hotline', 'police', 'grid_worker', 'party_member')),
  grid_id INTEGER, community_id INTEGER,
  -- The res-11 H3 cell, as its hexadecimal index.
  h3 TEXT,
  -- The window it happened in, when only that is known.
  occurred_from DATETIME, occurred_to DATETIME,
  CHECK ((occurred_from IS NULL) = (occurred_to IS NULL)),
  CHECK (occurred_to IS NULL OR (occurred_from <= occurred_to AND occurred_to <= reported_at)),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  CHECK (resolved_at IS NULL OR resolved_at >= reported_at)
);
CREATE INDEX incidents_reported_at ON incidents(reported_at);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('districts', 'features', 'districts', 'county-level districts', 4326),
  ('communities', 'features', 'communities', 'urban communities', 4326),
  ('grids', 'features', 'grids', 'grids (网格) within communities', 4326),
  ('buildings', 'features', 'buildings', 'building footprints', 4326),
  ('resources', 'features', 'resources', 'service complexes, police posts, schools, markets, ...', 4326),
  ('patrol_routes', 'features', 'patrol_routes', 'weekly patrol routes', 4326),
  ('patrol_tracks', 'features', 'patrol_tracks', 'patrol GPS tracks', 4326),
  ('incidents', 'features', 'incidents', 'reported incidents', 4326);
INSERT INTO gpkg_geometry_columns VALUES
  ('districts', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
  ('communities', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
  ('grids', 'geom', 'POLYGON', 4326, 0, 0),
  ('buildings', 'geom', 'POLYGON', 4326, 0, 0),
  ('resources', 'geom', 'POINT', 4326, 0, 0),
  ('patrol_routes', 'geom', 'MULTILINESTRING', 4326, 0, 0),
  ('patrol_tracks', 'geom', 'LINESTRING', 4326, 0, 0),
  ('incidents', 'geom', 'POINT', 4326, 0, 0);
