-- Province statistics per city: grouped by the distribution column, so on Citus each worker
-- aggregates its own cities' shards and the coordinator only concatenates.
-- $1: kinds (NULL: all); $2, $3: the period's first and last second (NULL: open).
SELECT i.city_code, NULL::bigint AS district_id, NULL::text AS month,
       count(*) AS incidents, count(i.resolved_at) AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.resolved_at - i.reported_at) / 3600.0) AS median_hours
FROM incidents i
WHERE ($1::text[] IS NULL OR i.kind = ANY ($1))
  AND ($2::bigint IS NULL OR i.reported_at >= to_timestamp($2))
  AND ($3::bigint IS NULL OR i.reported_at <= to_timestamp($3))
GROUP BY i.city_code
ORDER BY i.city_code
