-- Delivered to every listener when the transaction commits.
SELECT pg_notify('gridwatch_changes', $1)
