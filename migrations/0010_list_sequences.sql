-- Ids for the needs and projects the committee adds through the API: plain sequences the
-- INSERTs call (as for inspections, 0009), continuing after what the import wrote.
CREATE SEQUENCE demand_items_id_seq;
CREATE SEQUENCE projects_id_seq;
SELECT setval('demand_items_id_seq', GREATEST((SELECT max(id) FROM demand_items), 1)),
       setval('projects_id_seq', GREATEST((SELECT max(id) FROM projects), 1));
