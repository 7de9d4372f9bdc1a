-- Province statistics per district: the incidents joined to their communities on (city, id),
-- colocated, and grouped by city first, so on Citus the join and the aggregate run on the
-- workers. Incidents outside every community form their city's row without a district.
SELECT i.city_code, c.district_id, NULL::text AS month,
       count(*) AS incidents, count(i.resolved_at) AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.resolved_at - i.reported_at) / 3600.0) AS median_hours
FROM incidents i
LEFT JOIN communities c ON c.city_code = i.city_code AND c.id = i.community_id
WHERE ($1::text[] IS NULL OR i.kind = ANY ($1))
  AND ($2::bigint IS NULL OR i.reported_at >= to_timestamp($2))
  AND ($3::bigint IS NULL OR i.reported_at <= to_timestamp($3))
GROUP BY i.city_code, c.district_id
ORDER BY i.city_code, c.district_id NULLS FIRST
