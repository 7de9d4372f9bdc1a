#!/usr/bin/env bash
# Patrol coverage, PostGIS against the engine on the same routes: the bundled dataset imported
# into a throwaway PostGIS cluster; every patrol route buffered by 50 m on the spheroid
# (`ST_Buffer(geog, 50)`), intersected with each grid of its community (`ST_Intersection`),
# and the share of each grid's area (`ST_Area` on geography) in one query; the median
# execution time of 5 runs. Buildings, hot spots and incidents are left out, so PostGIS does
# less than the engine's figure (cargo bench --bench patrol -- coverage).
# Usage: scripts/bench/postgis_coverage.sh. Needs postgresql-15 and -postgis-3.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q
BIN=$PWD/target/release/gridwatch
PGDIR=/tmp/gridwatch-bench-coverage
PORT=55444
scripts/pg-throwaway stop "$PGDIR" 2>/dev/null || true
URL=$(scripts/pg-throwaway start "$PGDIR" "$PORT")
trap 'scripts/pg-throwaway stop "$PGDIR"' EXIT
PSQL=(psql -X -q -t -A -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
"$BIN" import --data geodata --database-url "$URL" 2>&1 | tail -1
"${PSQL[@]}" -c "VACUUM ANALYZE grids"
"${PSQL[@]}" -c "VACUUM ANALYZE patrol_routes"
QUERY="
SELECT count(*), avg(share) FROM (
  SELECT r.id, g.id,
         ST_Area(ST_Intersection(b.buffer, g.geom)::geography) / ST_Area(g.geom::geography) AS share
  FROM patrol_routes r
  CROSS JOIN LATERAL (SELECT ST_Buffer(r.geom::geography, 50)::geometry AS buffer) b
  JOIN grids g ON g.community_id = r.community_id
) s"
"${PSQL[@]}" -c "$QUERY"
times=()
for _ in $(seq 5); do
  ms=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, FORMAT JSON) $QUERY" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['Execution Time'])")
  times+=("$ms")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "PostGIS coverage of all routes (buffer, intersection, area share per grid): median ${median} ms of 5"
