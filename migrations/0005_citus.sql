-- On a Citus coordinator (the `citus` extension is installed here), the tables are distributed
-- by city: hash on city_code, all colocated with districts so one city's rows, and its joins,
-- live on one worker; the cities and the closed vocabularies become reference tables, copied to
-- every node. On plain PostGIS this does nothing.
--
-- Citus refuses a foreign key between a local and a distributed table, so the keys between the
-- tables being distributed are set aside, the tables distributed, and the keys put back (now
-- between colocated tables, each checked on its worker). Citus also refuses some changes to a
-- table with an identity column, so the three that had one (incidents, resources, tracks) take
-- their ids from an owned sequence instead, continuing where the identity was.
DO $$
DECLARE
  tables text[] := ARRAY['districts', 'communities', 'grids', 'buildings', 'resources', 'streets',
                         'patrol_routes', 'patrol_tracks', 'incidents', 'incident_personal'];
  vocabularies text[] := ARRAY['cities', 'incident_kinds', 'incident_statuses', 'incident_sources',
                               'resource_kinds', 'building_uses', 'street_classes'];
  t text;
  k record;
  kept text[] := '{}';
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  FOREACH t IN ARRAY ARRAY['incidents', 'resources', 'patrol_tracks'] LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', t);
    EXECUTE format('CREATE SEQUENCE %I OWNED BY %I.id', t || '_id_seq', t);
    EXECUTE format('SELECT setval(%L, GREATEST((SELECT max(id) FROM %I), 1))', t || '_id_seq', t);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id SET DEFAULT nextval(%L)', t, t || '_id_seq');
  END LOOP;
  FOREACH t IN ARRAY vocabularies LOOP
    PERFORM create_reference_table(t);
  END LOOP;
  FOR k IN
    SELECT c.conrelid::regclass::text AS on_table, c.conname, pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c
    WHERE c.contype = 'f'
      AND c.conrelid::regclass::text = ANY (tables)
      AND c.confrelid::regclass::text = ANY (tables)
  LOOP
    kept := kept || format('ALTER TABLE %I ADD CONSTRAINT %I %s', k.on_table, k.conname, k.def);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', k.on_table, k.conname);
  END LOOP;
  PERFORM create_distributed_table('districts', 'city_code');
  FOREACH t IN ARRAY tables[2:] LOOP
    PERFORM create_distributed_table(t, 'city_code', colocate_with => 'districts');
  END LOOP;
  FOREACH t IN ARRAY kept LOOP
    EXECUTE t;
  END LOOP;
END
$$;
