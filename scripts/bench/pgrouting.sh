#!/usr/bin/env bash
# One shortest walk across the central city, the engine against pgRouting on the same streets:
# the bundled dataset is imported into a throwaway PostGIS cluster, scripts/sql/walk_graph.sql
# makes the segment graph, and `pgr_dijkstra` walks from the south-west to the north-east of the
# central city (the points of benches/network.rs `route_across_central_city`), 10 times after a
# warm-up; the median is reported with the length, next to the engine's answer over HTTP.
# Usage: scripts/bench/pgrouting.sh. Needs postgresql-15, -postgis-3 and -pgrouting.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q
BIN=$PWD/target/release/gridwatch
PGDIR=/tmp/gridwatch-bench-pgr
PORT=55441
scripts/pg-throwaway stop "$PGDIR" 2>/dev/null || true
URL=$(scripts/pg-throwaway start "$PGDIR" "$PORT")
# Only the server this script started is stopped (by its PID), never another on that port.
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; scripts/pg-throwaway stop "$PGDIR"; }
trap cleanup EXIT
PSQL=(psql -X -q -t -A -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
"$BIN" import --data geodata --database-url "$URL" 2>&1 | tail -1
"${PSQL[@]}" -f scripts/sql/walk_graph.sql >/dev/null
"${PSQL[@]}" -c "VACUUM ANALYZE walk_edges"

# The walk's end points: the nearest graph vertex to each end.
vertex() { "${PSQL[@]}" -c "SELECT id FROM walk_nodes ORDER BY (x - round($1 * 1e7))^2 + (y - round($2 * 1e7))^2 LIMIT 1"; }
FROM=$(vertex 112.165 30.965)
TO=$(vertex 112.24 31.06)
QUERY="SELECT max(agg_cost) FROM pgr_dijkstra('SELECT id, source, target, cost, cost AS reverse_cost FROM walk_edges', $FROM, $TO, directed => false)"
"${PSQL[@]}" -c "$QUERY" >/dev/null
times=()
for _ in $(seq 10); do
  ms=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, FORMAT JSON) $QUERY" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['Execution Time'])")
  times+=("$ms")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 5p)
length=$("${PSQL[@]}" -c "$QUERY")
echo "pgr_dijkstra: median ${median} ms of 10, length ${length} m (graph: $("${PSQL[@]}" -c 'SELECT count(*) FROM walk_edges') edges)"

"$BIN" serve --read-only --listen 127.0.0.1:5819 >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 60); do curl -sf 127.0.0.1:5819/readyz >/dev/null && break; sleep 0.5; done
curl -s "127.0.0.1:5819/api/v1/route?from=112.165,30.965&to=112.24,31.06" |
  python3 -c "import json,sys; p=json.load(sys.stdin)['properties']; print(f\"engine: length {p['length_m']} m (the engine's time per route: cargo bench --bench network -- route)\")"
