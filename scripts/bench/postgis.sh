#!/usr/bin/env bash
# Store and PostGIS benchmarks on a generated city with N incidents (default 1,000,000):
#   - `gridwatch import` into a throwaway PostGIS cluster, twice (the second is all upserts);
#   - start-up from PostGIS and from the embedded GeoPackage (created, then reopened);
#   - PostGIS answering the questions the engine answers (hexbins, point-in-polygon assignment,
#     bbox selections), each run 5 times after a warm-up, median reported. PostGIS has no H3
#     (h3-pg is not packaged for Debian 12), so each incident's res-9 hexagon is computed by the
#     reference library, `h3.latlng_to_cell(lat, lon, 9)`, and stored in a column `h3_9`, as an
#     SQL user would keep it; the hexbin queries group by that column;
#   - the engine's answer to the same hexbin question, to check the two agree.
# Usage: scripts/bench/postgis.sh [N]. Needs postgresql-15 and postgresql-15-postgis-3.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
cargo build --release -q
BIN=$PWD/target/release/gridwatch
DATA=/tmp/gridwatch-bench-$N
[ -f "$DATA/incidents.csv" ] || "$BIN" generate --out "$DATA" --scale "$N" 2>&1 | tail -1
PGDIR=/tmp/gridwatch-bench-pg
PORT=55439
scripts/pg-throwaway stop "$PGDIR" 2>/dev/null || true
URL=$(scripts/pg-throwaway start "$PGDIR" "$PORT")
GPKG=$DATA/bench.gpkg
# Only the servers this script started are stopped (by their PIDs), never another one.
SERVERS=()
cleanup() { for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/pg-throwaway stop "$PGDIR"; rm -f "$GPKG"*; }
trap cleanup EXIT
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)

echo "## import ($N incidents)"
for run in first second; do
  start=$(date +%s.%N)
  "$BIN" import --data "$DATA" --database-url "$URL" 2>&1 | tail -1
  echo "$run import: $(echo "$(date +%s.%N) - $start" | bc) s"
done
"${PSQL[@]}" -c "VACUUM ANALYZE"

# Starts `serve` with the given store arguments, prints its load line, stops it.
startup() {
  local port=$1; shift
  local log; log=$(mktemp)
  local start; start=$(date +%s.%N)
  RUST_LOG=gridwatch=info "$BIN" serve --listen "127.0.0.1:$port" --data "$DATA" "$@" >"$log" 2>&1 &
  local pid=$!
  SERVERS+=("$pid")
  until grep -q "serving" "$log"; do sleep 0.05; kill -0 $pid 2>/dev/null || { cat "$log"; return 1; }; done
  echo "  ready after $(echo "$(date +%s.%N) - $start" | bc) s: $(grep -o 'read_ms[^ ]* [^ ]*index_ms[^ ]*' "$log" | sed 's/\x1b\[[0-9;]*m//g' | tail -1)"
  if [ "${KEEP:-}" = 1 ]; then SERVER_PID=$pid; else kill $pid; wait $pid 2>/dev/null || true; fi
  rm -f "$log"
}
echo "## start-up"
echo "from PostGIS:"; startup 58181 --database-url "$URL"
rm -f "$GPKG"*
echo "GeoPackage, first start (creates the store from the files):"; startup 58182 --store "$GPKG"
echo "GeoPackage, second start (loads the store):"; startup 58182 --store "$GPKG"
ls -l "$GPKG" | awk '{print "  store size: " $5 " bytes"}'

echo "## the res-9 hexagon of every incident, from the h3 library, into incidents.h3_9"
python3 - "$DATA/incidents.csv" > "$DATA/h3_9.csv" <<'PY'
import csv, sys
import h3
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        print(f'{r["id"]},{int(h3.latlng_to_cell(float(r["lat"]), float(r["lon"]), 9), 16)}')
PY
"${PSQL[@]}" -c "ALTER TABLE incidents ADD COLUMN IF NOT EXISTS h3_9 bigint" \
  -c "CREATE TEMP TABLE cells (id bigint, h3_9 bigint)" \
  -c "\copy cells FROM '$DATA/h3_9.csv' CSV" \
  -c "UPDATE incidents i SET h3_9 = c.h3_9 FROM cells c WHERE c.id = i.id" \
  -c "VACUUM ANALYZE incidents"

# Median of 5 timed runs (after one warm-up) of a query, client-side (\timing), in ms.
median_ms() {
  local sql=$1
  "${PSQL[@]}" -c "$sql" >/dev/null
  for _ in 1 2 3 4 5; do
    "${PSQL[@]}" -c '\timing on' -c "$sql" | grep -o 'Time: [0-9.]*' | awk '{print $2}'
  done | sort -n | sed -n 3p
}
YEAR2020="reported_at >= '2020-01-01 00:00:00+08' AND reported_at <= '2020-12-31 23:59:59+08'"
BOX="ST_MakeEnvelope(112.18, 30.98, 112.22, 31.02, 4326)"
echo "## PostGIS answering the engine's questions (median of 5, ms)"
echo "hexbins res 9, disputes in 2020:        $(median_ms "SELECT h3_9 AS cell, count(*) FROM incidents WHERE kind = 'dispute' AND $YEAR2020 GROUP BY 1")"
echo "hexbins res 9, everything:              $(median_ms "SELECT h3_9 AS cell, count(*) FROM incidents GROUP BY 1")"
echo "point-in-polygon, every incident:       $(median_ms "SELECT g.id, count(*) FROM incidents i JOIN grids g ON ST_Intersects(g.geom, i.geom) GROUP BY g.id")"
echo "incidents, 2 kinds, 2020, 4 km box:     $(median_ms "SELECT id FROM incidents WHERE kind IN ('dispute', 'police_call') AND $YEAR2020 AND geom && $BOX")"
echo "buildings meeting a 500 m box:          $(median_ms "SELECT id FROM buildings WHERE geom && ST_MakeEnvelope(112.195, 31.02, 112.2, 31.025, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(112.195, 31.02, 112.2, 31.025, 4326))")"

echo "## the engine and PostGIS agree"
KEEP=1 startup 58183 --database-url "$URL" >/dev/null
ours=$(curl -s 'http://127.0.0.1:58183/api/v1/hexbins?res=9&kind=dispute&from=2020-01-01&to=2020-12-31' | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["cells"], s["total"])')
theirs=$("${PSQL[@]}" -At -F ' ' -c "SELECT count(*), sum(n) FROM (SELECT h3_9, count(*) AS n FROM incidents WHERE kind = 'dispute' AND $YEAR2020 GROUP BY 1) t")
echo "hexbins res 9 disputes 2020 (cells, incidents): engine $ours, PostGIS $theirs"
[ "$ours" = "$theirs" ] || { echo "MISMATCH" >&2; exit 1; }

echo "## replication: a write on one server, seen by another"
FIRST=$SERVER_PID
KEEP=1 GRIDWATCH_TOKENS=operator:bench startup 58184 --database-url "$URL" >/dev/null
SECOND=$SERVER_PID
for i in 1 2 3 4 5; do
  start=$(date +%s.%N)
  id=$(curl -s -X POST http://127.0.0.1:58184/api/v1/incidents -H 'Authorization: Bearer bench' -H 'Content-Type: application/geo+json' \
    -d '{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,31.03]},"properties":{"kind":"dispute","reported_at":"2021-12-31T12:00:00+08:00","source":"hotline"}}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["ids"][0])')
  acked=$(date +%s.%N)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:58183/ogc/collections/incidents/items/$id")" = 200 ]; do sleep 0.005; done
  seen=$(date +%s.%N)
  echo "write $i: acknowledged after $(echo "($acked - $start) * 1000" | bc | cut -d. -f1) ms, visible on the other server $(echo "($seen - $acked) * 1000" | bc | cut -d. -f1) ms later"
done
kill "$FIRST" "$SECOND"
