-- $1 … $9: the project; $10: the city. The id is the sequence's next.
INSERT INTO projects (city_code, id, community_id, name, category, demand_ids, resource_ids, status, opened_at, closed_at, households)
VALUES ($10, nextval('projects_id_seq'), $1, $2, $3, $4, $5, $6, to_timestamp($7), to_timestamp($8), $9)
RETURNING id
