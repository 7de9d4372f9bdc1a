-- The window an incident happened in, when only that is known (a burglary found on return from a
-- trip): both ends or neither, and no later than the report. Older rows happened when reported.
--
-- On Citus each change must be its own command: a distributed table takes ADD CONSTRAINT only
-- alone, and the coordinator forwards a DDL statement's whole query string to the workers, so
-- several statements in one string fail there ("cannot insert multiple commands into a prepared
-- statement"). EXECUTE gives each its own string (as 0005 does).
DO $$
BEGIN
  EXECUTE 'ALTER TABLE incidents ADD COLUMN occurred_from timestamptz';
  EXECUTE 'ALTER TABLE incidents ADD COLUMN occurred_to timestamptz';
  EXECUTE 'ALTER TABLE incidents ADD CONSTRAINT incidents_occurred_both
             CHECK ((occurred_from IS NULL) = (occurred_to IS NULL))';
  EXECUTE 'ALTER TABLE incidents ADD CONSTRAINT incidents_occurred_order
             CHECK (occurred_to IS NULL OR (occurred_from <= occurred_to AND occurred_to <= reported_at))';
END
$$;
