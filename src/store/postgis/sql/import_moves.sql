-- Replaces the imported incidents' moves with the staged ones, so importing the same dataset
-- twice leaves one history each. Two statements, run one after the other by the importer.
DELETE FROM incident_moves
WHERE (city_code, incident_id) IN (SELECT DISTINCT city_code, incident_id FROM staging_incident_moves);
INSERT INTO incident_moves (city_code, incident_id, seq, at, from_state, to_state, department, by, note)
SELECT city_code, incident_id, seq, at, from_state, to_state, department, by, note
FROM staging_incident_moves
