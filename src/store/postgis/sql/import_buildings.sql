-- Moves the COPYed rows of staging_buildings into buildings; a row whose (city, id) exists replaces it, so
-- importing the same dataset twice leaves one copy.
INSERT INTO buildings (city_code, id, households, floors, use, unmanaged, grid_id, community_id, geom)
SELECT city_code, id, households, floors, use, unmanaged, grid_id, community_id, geom FROM staging_buildings
ON CONFLICT (city_code, id) DO UPDATE
  SET households = EXCLUDED.households,
      floors = EXCLUDED.floors,
      use = EXCLUDED.use,
      unmanaged = EXCLUDED.unmanaged,
      grid_id = EXCLUDED.grid_id,
      community_id = EXCLUDED.community_id,
      geom = EXCLUDED.geom
