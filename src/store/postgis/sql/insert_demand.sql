-- $1 … $7: the need; $8: the city. The id is the sequence's next.
INSERT INTO demand_items (city_code, id, community_id, building_id, category, households, raised_at, status, geom)
VALUES ($8, nextval('demand_items_id_seq'), $1, $2, $3, $4, to_timestamp($5), $6, ST_GeomFromWKB($7, 4326))
RETURNING id
