-- Many cities in one database: every row carries its city's administrative division code, and
-- every key and foreign key includes it, so two cities' ids never meet and one city's rows (and
-- joins) stay together: the distribution key when the database is a Citus cluster (0005). The
-- closed vocabularies become tables, which Citus keeps on every node.
--
-- Rows written before cities existed are Jingmen's (420800).

CREATE TABLE cities (
  code integer PRIMARY KEY CHECK (code BETWEEN 110000 AND 829900 AND code % 100 = 0 AND code % 10000 <> 0),
  name text NOT NULL
);
INSERT INTO cities (code, name) SELECT 420800, 'Jingmen' WHERE EXISTS (SELECT 1 FROM districts);

-- Foreign keys go first: they hang on the keys being replaced.
ALTER TABLE incident_personal DROP CONSTRAINT incident_personal_incident_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT incidents_grid_id_fkey, DROP CONSTRAINT incidents_community_id_fkey;
ALTER TABLE patrol_tracks DROP CONSTRAINT patrol_tracks_route_id_fkey, DROP CONSTRAINT patrol_tracks_community_id_fkey;
ALTER TABLE patrol_routes DROP CONSTRAINT patrol_routes_community_id_fkey;
ALTER TABLE resources DROP CONSTRAINT resources_community_id_fkey;
ALTER TABLE buildings DROP CONSTRAINT buildings_grid_id_fkey, DROP CONSTRAINT buildings_community_id_fkey;
ALTER TABLE grids DROP CONSTRAINT grids_community_id_fkey;
ALTER TABLE communities DROP CONSTRAINT communities_district_id_fkey;

-- The city of every row, then keys of (city, id).
ALTER TABLE districts ADD COLUMN city_code integer NOT NULL DEFAULT 420800 REFERENCES cities (code);
ALTER TABLE communities ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE grids ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE buildings ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE resources ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE streets ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE patrol_routes ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE patrol_tracks ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE incidents ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE incident_personal ADD COLUMN city_code integer NOT NULL DEFAULT 420800;
ALTER TABLE districts ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE communities ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE grids ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE buildings ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE resources ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE streets ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE patrol_routes ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE patrol_tracks ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE incidents ALTER COLUMN city_code DROP DEFAULT;
ALTER TABLE incident_personal ALTER COLUMN city_code DROP DEFAULT;

ALTER TABLE districts DROP CONSTRAINT districts_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE communities DROP CONSTRAINT communities_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE grids DROP CONSTRAINT grids_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE buildings DROP CONSTRAINT buildings_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE resources DROP CONSTRAINT resources_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE streets DROP CONSTRAINT streets_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE patrol_routes DROP CONSTRAINT patrol_routes_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE patrol_tracks DROP CONSTRAINT patrol_tracks_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE incidents DROP CONSTRAINT incidents_pkey, ADD PRIMARY KEY (city_code, id);
ALTER TABLE incident_personal DROP CONSTRAINT incident_personal_pkey, ADD PRIMARY KEY (city_code, incident_id);

ALTER TABLE communities ADD FOREIGN KEY (city_code, district_id) REFERENCES districts (city_code, id);
ALTER TABLE grids ADD FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id);
ALTER TABLE buildings ADD FOREIGN KEY (city_code, grid_id) REFERENCES grids (city_code, id),
                      ADD FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id);
ALTER TABLE resources ADD FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id);
ALTER TABLE patrol_routes ADD FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id);
ALTER TABLE patrol_tracks ADD FOREIGN KEY (city_code, route_id) REFERENCES patrol_routes (city_code, id),
                          ADD FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id);
ALTER TABLE incidents ADD FOREIGN KEY (city_code, grid_id) REFERENCES grids (city_code, id),
                      ADD FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id);
ALTER TABLE incident_personal ADD FOREIGN KEY (city_code, incident_id) REFERENCES incidents (city_code, id) ON DELETE CASCADE;

CREATE INDEX incidents_city_reported_at ON incidents (city_code, reported_at);

-- The closed vocabularies as tables (the CHECKs stay: they name the values where they are used).
CREATE TABLE incident_kinds (name text PRIMARY KEY);
INSERT INTO incident_kinds VALUES ('dispute'), ('safety_hazard'), ('police_call'), ('criminal_case'),
  ('property_dispute'), ('illegal_construction'), ('street_vending'), ('school_surroundings'),
  ('market_sanitation'), ('drainage'), ('petition');
CREATE TABLE incident_statuses (name text PRIMARY KEY);
INSERT INTO incident_statuses VALUES ('open'), ('assigned'), ('resolved');
CREATE TABLE incident_sources (name text PRIMARY KEY);
INSERT INTO incident_sources VALUES ('patrol'), ('hotline'), ('police'), ('grid_worker'), ('party_member');
CREATE TABLE resource_kinds (name text PRIMARY KEY);
INSERT INTO resource_kinds VALUES ('service_complex'), ('police_station'), ('police_post'), ('community_office'),
  ('school'), ('market'), ('clinic'), ('party_household');
CREATE TABLE building_uses (name text PRIMARY KEY);
INSERT INTO building_uses VALUES ('residential'), ('commercial'), ('school'), ('market'), ('office'), ('other');
CREATE TABLE street_classes (name text PRIMARY KEY);
INSERT INTO street_classes VALUES ('arterial'), ('secondary'), ('local'), ('footpath');

ALTER TABLE incidents ADD FOREIGN KEY (kind) REFERENCES incident_kinds (name),
                      ADD FOREIGN KEY (status) REFERENCES incident_statuses (name),
                      ADD FOREIGN KEY (source) REFERENCES incident_sources (name);
ALTER TABLE resources ADD FOREIGN KEY (kind) REFERENCES resource_kinds (name);
ALTER TABLE buildings ADD FOREIGN KEY (use) REFERENCES building_uses (name);
ALTER TABLE streets ADD FOREIGN KEY (class) REFERENCES street_classes (name);
