-- The incidents' handling moves (立案, 派遣, 处置, 核查结案, 回退, 重办, 挂账): one row a move, an
-- incident's in `seq` order. `status` and `resolved_at` of the incident follow from the last move
-- and are written in the same transaction as it.
--
-- On Citus the table is distributed by city beside the incidents (colocated with districts), and
-- its key to incidents is added after distribution, each change its own EXECUTE (see 0005, 0006).
CREATE TABLE incident_moves (
  city_code integer NOT NULL,
  incident_id bigint NOT NULL,
  seq integer NOT NULL CHECK (seq >= 0),
  at timestamptz NOT NULL,
  from_state text NOT NULL CHECK (from_state IN ('reported', 'filed', 'dispatched', 'handled', 'closed', 'returned', 'redo', 'parked')),
  to_state text NOT NULL CHECK (to_state IN ('filed', 'dispatched', 'handled', 'closed', 'returned', 'redo', 'parked')),
  department text CHECK (to_state <> 'dispatched' OR department IS NOT NULL),
  by text,
  note text,
  PRIMARY KEY (city_code, incident_id, seq)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    PERFORM create_distributed_table('incident_moves', 'city_code', colocate_with => 'districts');
  END IF;
  EXECUTE 'ALTER TABLE incident_moves ADD CONSTRAINT incident_moves_incident_fkey
             FOREIGN KEY (city_code, incident_id) REFERENCES incidents (city_code, id) ON DELETE CASCADE';
END
$$;
