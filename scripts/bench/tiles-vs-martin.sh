#!/usr/bin/env bash
# gridwatch and Martin (the Rust PostGIS tile server) serving the same layer of the same 1M-incident
# city from the same machine: gridwatch from memory, Martin from the project's PostGIS tables
# (imported by `gridwatch import`). Same tile lists, same load tool: wrk -t2 -c32, 20 s a run.
#   - cached: every tile requested once first, then served from each server's cache;
#   - uncached: gridwatch with --tile-cache-mb 0, Martin with its cache off;
#   - lists: 224 z14 building tiles over the central city, and the densest one alone.
# Usage: scripts/bench/tiles-vs-martin.sh [N]. Needs wrk (Debian package), postgresql-15-postgis-3
# and Martin as a benchmark tool, never a dependency:
#   cargo install martin@1.14.0 --locked --no-default-features --features postgres
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
MARTIN=${MARTIN:-$HOME/.cargo/bin/martin}
cargo build --release -q
BIN=$PWD/target/release/gridwatch
DATA=/tmp/gridwatch-bench-$N
[ -f "$DATA/incidents.csv" ] || "$BIN" generate --out "$DATA" --scale "$N" 2>&1 | tail -1
PGDIR=/tmp/gridwatch-martin-pg
PORT=55440
scripts/pg-throwaway stop "$PGDIR" 2>/dev/null || true
URL=$(scripts/pg-throwaway start "$PGDIR" "$PORT")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/pg-throwaway stop "$PGDIR"; }
trap cleanup EXIT
"$BIN" import --data "$DATA" --database-url "$URL" 2>&1 | tail -1
psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -c "VACUUM ANALYZE"

LIST=$(mktemp); DENSE=$(mktemp); MLIST=$(mktemp); MDENSE=$(mktemp)
for x in $(seq 13290 13305); do for y in $(seq 6698 6711); do
  echo "/tiles/buildings/14/$x/$y.mvt" >> "$LIST"; echo "/buildings/14/$x/$y" >> "$MLIST"
done; done
echo "/tiles/buildings/14/13298/6705.mvt" > "$DENSE"; echo "/buildings/14/13298/6705" > "$MDENSE"

wait_for() { until curl -s -o /dev/null "$1"; do sleep 0.2; done; }
warm() { while read -r p; do curl -s -o /dev/null "$1$p"; done < "$2"; }
load() { # name base list
  local out; out=$(PATHS="$3" wrk -t2 -c32 -d20s -s scripts/bench/cycle.lua "$2" | grep -E "Requests/sec|Latency|Non-2xx")
  echo "$1: $(echo "$out" | tr -s ' ' | tr '\n' ' ')"
}

run_gridwatch() { # cache-mb port
  RUST_LOG=warn "$BIN" serve --database-url "$URL" --tile-cache-mb "$1" --listen "127.0.0.1:$2" &
  PIDS+=($!); wait_for "http://127.0.0.1:$2/readyz"
}
run_martin() { # cache-mb port
  RUST_LOG=warn "$MARTIN" --listen-addresses "127.0.0.1:$2" --cache-size "$1" --workers 2 "$URL" &
  PIDS+=($!); wait_for "http://127.0.0.1:$2/catalog"
}

echo "## tiles per second (wrk -t2 -c32 -d20s), z14 buildings, $N incidents in the database"
run_gridwatch 256 58201; warm http://127.0.0.1:58201 "$LIST"
load "gridwatch cached, 224 tiles" http://127.0.0.1:58201 "$LIST"
load "gridwatch cached, dense tile" http://127.0.0.1:58201 "$DENSE"
run_gridwatch 0 58202
load "gridwatch uncached, 224 tiles" http://127.0.0.1:58202 "$LIST"
load "gridwatch uncached, dense tile" http://127.0.0.1:58202 "$DENSE"
OURS=$(curl -s http://127.0.0.1:58202/tiles/buildings/14/13298/6705.mvt | wc -c)
for p in "${PIDS[@]}"; do kill "$p"; done; PIDS=()
run_martin 512 58203; warm http://127.0.0.1:58203 "$MLIST"
load "martin cached, 224 tiles" http://127.0.0.1:58203 "$MLIST"
load "martin cached, dense tile" http://127.0.0.1:58203 "$MDENSE"
run_martin 0 58204
load "martin uncached, 224 tiles" http://127.0.0.1:58204 "$MLIST"
load "martin uncached, dense tile" http://127.0.0.1:58204 "$MDENSE"
echo "## sizes of the dense tile: gridwatch $OURS B, martin $(curl -s http://127.0.0.1:58204/buildings/14/13298/6705 | wc -c) B"
