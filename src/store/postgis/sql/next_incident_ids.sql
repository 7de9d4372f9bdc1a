-- $1: how many ids to reserve.
SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, $1)
