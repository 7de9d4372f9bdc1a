#!/usr/bin/env bash
# CQL2 filters on a generated city with N incidents (default 1,000,000), answered three ways:
#   - PostGIS: the WHERE clause `gridwatch filter-sql` writes for the filter, on the imported
#     incidents table (GiST on geom, index on kind/reported_at), median of 5 after a warm-up;
#   - the server: the same filter on /ogc/collections/incidents/items (limit=1, so the time is
#     the selection, not the GeoJSON), median of 21 client-side times (curl);
#   - the HTML items page (100 features, table and map), median of 21.
# The engine's in-process figures are `cargo bench --bench engine -- cql2`. The script stops if
# the server's numberMatched differs from PostGIS's count.
# Usage: scripts/bench/cql2_postgis.sh [N]. Needs postgresql-15 and postgresql-15-postgis-3.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
cargo build --release -q
BIN=$PWD/target/release/gridwatch
DATA=/tmp/gridwatch-bench-$N
[ -f "$DATA/incidents.csv" ] || "$BIN" generate --out "$DATA" --scale "$N" 2>&1 | tail -1
PGDIR=/tmp/gridwatch-bench-cql2-pg
PORT=55441
scripts/pg-throwaway stop "$PGDIR" 2>/dev/null || true
URL=$(scripts/pg-throwaway start "$PGDIR" "$PORT")
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; scripts/pg-throwaway stop "$PGDIR"; }
trap cleanup EXIT
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
"$BIN" import --data "$DATA" --database-url "$URL" 2>&1 | tail -1
"${PSQL[@]}" -c "VACUUM ANALYZE"

LOG=$(mktemp)
"$BIN" serve --read-only --listen 127.0.0.1:58191 --data "$DATA" >"$LOG" 2>&1 &
SERVER=$!
until curl -sf http://127.0.0.1:58191/readyz >/dev/null; do sleep 0.2; done

median_ms() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pg_ms() {
  "${PSQL[@]}" -c "$1" >/dev/null
  for _ in 1 2 3 4 5; do
    "${PSQL[@]}" -c '\timing on' -c "$1" | grep -o 'Time: [0-9.]*' | awk '{print $2}'
  done | median_ms
}
http_ms() {
  for _ in $(seq 21); do
    curl -s -o /dev/null -w '%{time_total}\n' "$1" | awk '{print $1 * 1000}'
  done | median_ms
}

FILTERS=(
  "kind IN ('dispute', 'petition') AND S_INTERSECTS(geometry, POLYGON((112.17 31.00, 112.23 31.00, 112.23 31.06, 112.17 31.06, 112.17 31.00)))"
  "kind = 'dispute' AND S_INTERSECTS(geometry, BBOX(112.19, 31.02, 112.21, 31.04)) AND T_INTERSECTS(reported_at, INTERVAL('2020-01-01T00:00:00Z', '2020-12-31T23:59:59Z'))"
  "status = 'open' AND source IN ('patrol', 'hotline')"
)
echo "| filter | matched | PostGIS (ms) | server, limit=1 (ms) |"
echo "| --- | --- | --- | --- |"
for f in "${FILTERS[@]}"; do
  where=$("$BIN" filter-sql "$f")
  theirs=$("${PSQL[@]}" -At -c "SELECT count(*) FROM incidents WHERE $where")
  q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"filter": sys.argv[1], "limit": 1}))' "$f")
  ours=$(curl -s "http://127.0.0.1:58191/ogc/collections/incidents/items?$q" | python3 -c 'import json,sys; print(json.load(sys.stdin)["numberMatched"])')
  [ "$ours" = "$theirs" ] || { echo "MISMATCH on $f: server $ours, PostGIS $theirs" >&2; exit 1; }
  echo "| \`$f\` | $ours | $(pg_ms "SELECT id FROM incidents WHERE $where") | $(http_ms "http://127.0.0.1:58191/ogc/collections/incidents/items?$q") |"
done
echo
echo "HTML items page, 100 incidents of a filter, table and map: $(http_ms "http://127.0.0.1:58191/ogc/collections/incidents/items?f=html&limit=100&$(python3 -c 'import urllib.parse; print(urllib.parse.urlencode({"filter": "kind = '"'"'dispute'"'"'"}))')") ms"
echo "GeoJSON items page, the same 100: $(http_ms "http://127.0.0.1:58191/ogc/collections/incidents/items?limit=100&filter=kind%20%3D%20%27dispute%27") ms"
