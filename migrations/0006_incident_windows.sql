-- The window an incident happened in, when only that is known (a burglary found on return from a
-- trip): both ends or neither, and no later than the report. Older rows happened when reported.
ALTER TABLE incidents
  ADD COLUMN occurred_from timestamptz,
  ADD COLUMN occurred_to timestamptz,
  ADD CONSTRAINT incidents_occurred_both CHECK ((occurred_from IS NULL) = (occurred_to IS NULL)),
  ADD CONSTRAINT incidents_occurred_order
    CHECK (occurred_to IS NULL OR (occurred_from <= occurred_to AND occurred_to <= reported_at));
