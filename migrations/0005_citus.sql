-- On a Citus coordinator (the `citus` extension is installed here), the tables are distributed
-- by city: hash on city_code, all colocated with districts so one city's rows, and its joins,
-- live on one worker; the cities and the closed vocabularies become reference tables, copied to
-- every node. On plain PostGIS this does nothing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  PERFORM create_reference_table('cities');
  PERFORM create_reference_table('incident_kinds');
  PERFORM create_reference_table('incident_statuses');
  PERFORM create_reference_table('incident_sources');
  PERFORM create_reference_table('resource_kinds');
  PERFORM create_reference_table('building_uses');
  PERFORM create_reference_table('street_classes');
  PERFORM create_distributed_table('districts', 'city_code');
  PERFORM create_distributed_table('communities', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('grids', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('buildings', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('resources', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('streets', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('patrol_routes', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('patrol_tracks', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('incidents', 'city_code', colocate_with => 'districts');
  PERFORM create_distributed_table('incident_personal', 'city_code', colocate_with => 'districts');
END
$$;
