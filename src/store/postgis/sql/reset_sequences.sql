-- After an import with explicit ids, new rows continue after the largest id.
SELECT setval(pg_get_serial_sequence('incidents', 'id'), GREATEST((SELECT max(id) FROM incidents), 1)),
       setval(pg_get_serial_sequence('resources', 'id'), GREATEST((SELECT max(id) FROM resources), 1)),
       setval(pg_get_serial_sequence('patrol_tracks', 'id'), GREATEST((SELECT max(id) FROM patrol_tracks), 1)),
       setval('inspections_id_seq', GREATEST((SELECT max(id) FROM inspections), 1)),
       setval('demand_items_id_seq', GREATEST((SELECT max(id) FROM demand_items), 1)),
       setval('projects_id_seq', GREATEST((SELECT max(id) FROM projects), 1))
