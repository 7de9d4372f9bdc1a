-- Who reported an incident and what they said: shown only to operator and admin tokens
-- reading one incident, never in tiles, lists, exports or the events stream.
CREATE TABLE incident_personal (
    incident_id bigint PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    reporter_name text,
    reporter_phone text,
    note text
);
