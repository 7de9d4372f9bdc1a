-- Street centre-lines: the walking network. Lines join where they share a vertex (the
-- OpenStreetMap convention); `walkable` is false for an expressway, a rail line or a wall.
CREATE TABLE streets (
  id bigint PRIMARY KEY,
  class text NOT NULL CHECK (class IN ('arterial', 'secondary', 'local', 'footpath')),
  name text NOT NULL DEFAULT '',
  walkable boolean NOT NULL DEFAULT true,
  geom geometry(LineString, 4326) NOT NULL
);

CREATE INDEX streets_geom ON streets USING gist (geom);
