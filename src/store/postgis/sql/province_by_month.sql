-- Province statistics per local month (UTC+08:00), across cities: the workers filter their
-- shards in parallel; a median over several cities' rows is taken on the coordinator.
SELECT NULL::integer AS city_code, NULL::bigint AS district_id,
       to_char((i.reported_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM') AS month,
       count(*) AS incidents, count(i.resolved_at) AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.resolved_at - i.reported_at) / 3600.0) AS median_hours
FROM incidents i
WHERE ($1::text[] IS NULL OR i.kind = ANY ($1))
  AND ($2::bigint IS NULL OR i.reported_at >= to_timestamp($2))
  AND ($3::bigint IS NULL OR i.reported_at <= to_timestamp($3))
GROUP BY 3
ORDER BY 3
