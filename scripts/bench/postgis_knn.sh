#!/usr/bin/env bash
# The k nearest police (posts and stations, k = 3) in a straight line, PostGIS against the
# engine on the same resources: the bundled dataset is imported into a throwaway PostGIS
# cluster with a GiST index on the resources' geography, and the 1,000 points of
# benches/access.rs (a 40 × 25 lattice over the central city) are asked with KNN `<->` on
# geography (and, the fastest PostGIS way, on the planar geometry index), 8 candidates ordered by the exact `ST_Distance` of the candidates (as the PostGIS manual
# advises for exact answers), in one LATERAL query; its median execution time of 5 runs is
# divided by the points. The engine's figure: cargo bench --bench network -- nearest_straight.
# Usage: scripts/bench/postgis_knn.sh. Needs postgresql-15 and -postgis-3.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q
BIN=$PWD/target/release/gridwatch
PGDIR=/tmp/gridwatch-bench-knn
PORT=55442
scripts/pg-throwaway stop "$PGDIR" 2>/dev/null || true
URL=$(scripts/pg-throwaway start "$PGDIR" "$PORT")
trap 'scripts/pg-throwaway stop "$PGDIR"' EXIT
PSQL=(psql -X -q -t -A -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
"$BIN" import --data geodata --database-url "$URL" 2>&1 | tail -1
"${PSQL[@]}" -c "CREATE INDEX resources_geog ON resources USING gist ((geom::geography))"
"${PSQL[@]}" -c "CREATE INDEX IF NOT EXISTS resources_geom_knn ON resources USING gist (geom)"
"${PSQL[@]}" -c "VACUUM ANALYZE resources"
# $1: the KNN ordering (geography, or planar degrees on the plain geometry index).
query() {
  echo "
WITH points AS (
  SELECT i, ST_SetSRID(ST_MakePoint(112.16 + (i % 40) / 40.0 * 0.08, 30.99 + (i / 40) / 25.0 * 0.06), 4326) AS g
  FROM generate_series(0, 999) AS i
)
SELECT count(*) FROM points p CROSS JOIN LATERAL (
  SELECT id FROM (
    SELECT id, geom FROM resources
    WHERE kind IN ('police_post', 'police_station')
    ORDER BY $1 LIMIT 8
  ) c ORDER BY ST_Distance(c.geom::geography, p.g::geography) LIMIT 3
) n"
}
for order in "geom::geography <-> p.g::geography" "geom <-> p.g"; do
  QUERY=$(query "$order")
  "${PSQL[@]}" -c "$QUERY" >/dev/null
  times=()
  for _ in $(seq 5); do
    ms=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, FORMAT JSON) $QUERY" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['Execution Time'])")
    times+=("$ms")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  python3 -c "print(f'PostGIS KNN k=3 police, ORDER BY $order: {float(\"$median\"):.1f} ms for 1,000 points, {float(\"$median\"):.1f} µs per point (median of 5)')"
done
