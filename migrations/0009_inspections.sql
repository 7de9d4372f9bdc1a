-- Joint inspections done (联合执法): a team of two or more agencies at a place, the kinds of
-- problem it looked into, the problems it found and solved. Ids come from `inspections_id_seq`
-- (a plain sequence the INSERT calls, so it works the same on Citus, see 0005).
--
-- On Citus the table is distributed by city beside the others (colocated with districts), and
-- its key to communities is added after distribution, its own EXECUTE (see 0005, 0007, 0008).
CREATE TABLE inspections (
  city_code integer NOT NULL,
  id bigint NOT NULL,
  community_id bigint NOT NULL,
  at timestamptz NOT NULL,
  agencies text[] NOT NULL CHECK (cardinality(agencies) >= 2 AND agencies <@ ARRAY['police', 'city_management', 'market_supervision', 'housing', 'emergency_management']),
  kinds text[] NOT NULL CHECK (cardinality(kinds) >= 1),
  problems_found integer NOT NULL CHECK (problems_found >= 0),
  problems_solved integer NOT NULL CHECK (problems_solved >= 0 AND problems_solved <= problems_found),
  geom geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (city_code, id)
);

CREATE SEQUENCE inspections_id_seq;
CREATE INDEX inspections_geom ON inspections USING gist (geom);
CREATE INDEX inspections_at ON inspections (city_code, at);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    PERFORM create_distributed_table('inspections', 'city_code', colocate_with => 'districts');
  END IF;
  EXECUTE 'ALTER TABLE inspections ADD CONSTRAINT inspections_community_fkey
             FOREIGN KEY (city_code, community_id) REFERENCES communities (city_code, id)';
END
$$;
