-- The governance lists (共建共治): units in a community's area (驻区单位), their resource-list
-- items (资源清单), residents' demand-list items (需求清单) and the projects that paired them
-- (项目清单). Every row is a city's; a project names its demand and resource items as arrays.
--
-- On Citus each table is distributed by city beside the others (colocated with districts); the
-- keys between them are added after distribution, each its own EXECUTE (see 0005, 0007).
CREATE TABLE units (
  city_code integer NOT NULL,
  id bigint NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('agency', 'state_enterprise', 'school', 'hospital', 'enterprise', 'social_organisation')),
  community_id bigint NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (city_code, id)
);

CREATE TABLE resource_items (
  city_code integer NOT NULL,
  id bigint NOT NULL,
  unit_id bigint NOT NULL,
  category text NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 0),
  hours integer NOT NULL CHECK (hours >= 0),
  from_quarter text NOT NULL CHECK (from_quarter ~ '^[0-9]{4}Q[1-4]$'),
  to_quarter text NOT NULL CHECK (to_quarter ~ '^[0-9]{4}Q[1-4]$' AND to_quarter >= from_quarter),
  PRIMARY KEY (city_code, id)
);

CREATE TABLE demand_items (
  city_code integer NOT NULL,
  id bigint NOT NULL,
  community_id bigint NOT NULL,
  building_id bigint,
  category text NOT NULL,
  households integer NOT NULL CHECK (households >= 0),
  raised_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'in_project', 'met')),
  geom geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (city_code, id)
);

CREATE TABLE projects (
  city_code integer NOT NULL,
  id bigint NOT NULL,
  community_id bigint NOT NULL,
  name text NOT NULL,
  category text NOT NULL,
  demand_ids bigint[] NOT NULL,
  resource_ids bigint[] NOT NULL,
  status text NOT NULL CHECK (status IN ('planned', 'in_progress', 'done')),
  opened_at timestamptz NOT NULL,
  closed_at timestamptz CHECK (closed_at IS NULL OR closed_at >= opened_at),
  households integer NOT NULL CHECK (households >= 0),
  PRIMARY KEY (city_code, id)
);

CREATE INDEX units_geom ON units USING gist (geom);
CREATE INDEX demand_items_geom ON demand_items USING gist (geom);

DO $$
DECLARE
  t text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    FOREACH t IN ARRAY ARRAY['units', 'resource_items', 'demand_items', 'projects'] LOOP
      PERFORM create_distributed_table(t, 'city_code', colocate_with => 'districts');
    END LOOP;
  END IF;
  EXECUTE 'ALTER TABLE units ADD CONSTRAINT units_community_fkey
             FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id)';
  EXECUTE 'ALTER TABLE resource_items ADD CONSTRAINT resource_items_unit_fkey
             FOREIGN KEY (city_code, unit_id) REFERENCES units (city_code, id) ON DELETE CASCADE';
  EXECUTE 'ALTER TABLE demand_items ADD CONSTRAINT demand_items_community_fkey
             FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id)';
  EXECUTE 'ALTER TABLE projects ADD CONSTRAINT projects_community_fkey
             FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id)';
END
$$;
