-- Whether no dataset has been imported yet.
SELECT NOT EXISTS (SELECT 1 FROM districts)
