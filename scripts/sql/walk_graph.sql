-- The walkable streets as a pgRouting graph: every segment of every walkable street is an
-- edge (ST_DumpSegments), segments meet where they share a vertex (coordinates to 1e-7 degree),
-- and each costs its length on the WGS 84 spheroid. Used by tests/pgrouting.rs and
-- scripts/bench/pgrouting.sh on a database `gridwatch import` filled.
CREATE EXTENSION IF NOT EXISTS pgrouting;
CREATE TABLE walk_edges AS
  SELECT row_number() OVER () AS id, (d).geom AS geom
  FROM (SELECT ST_DumpSegments(geom) AS d FROM streets WHERE walkable) s;
ALTER TABLE walk_edges
  ADD COLUMN sx bigint, ADD COLUMN sy bigint, ADD COLUMN tx bigint, ADD COLUMN ty bigint,
  ADD COLUMN source bigint, ADD COLUMN target bigint, ADD COLUMN cost float8;
UPDATE walk_edges SET
  sx = round(ST_X(ST_StartPoint(geom)) * 1e7), sy = round(ST_Y(ST_StartPoint(geom)) * 1e7),
  tx = round(ST_X(ST_EndPoint(geom)) * 1e7), ty = round(ST_Y(ST_EndPoint(geom)) * 1e7),
  cost = ST_Length(geom::geography);
CREATE TABLE walk_nodes AS
  SELECT row_number() OVER (ORDER BY x, y) AS id, x, y
  FROM (SELECT sx AS x, sy AS y FROM walk_edges UNION SELECT tx, ty FROM walk_edges) n;
CREATE UNIQUE INDEX ON walk_nodes (x, y);
UPDATE walk_edges e SET source = n.id FROM walk_nodes n WHERE n.x = e.sx AND n.y = e.sy;
UPDATE walk_edges e SET target = n.id FROM walk_nodes n WHERE n.x = e.tx AND n.y = e.ty;
