-- $1 … $7: the record; $8: the city. The id is the sequence's next.
INSERT INTO inspections (city_code, id, community_id, at, agencies, kinds, problems_found, problems_solved, geom)
VALUES ($8, nextval('inspections_id_seq'), $1, to_timestamp($2), $3, $4, $5, $6, ST_GeomFromWKB($7, 4326))
RETURNING id
