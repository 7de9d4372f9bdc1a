#!/usr/bin/env bash
# gridwatch and Martin (the Rust PostGIS tile server) serving the same layer of the same 1M-incident
# city from the same machine: gridwatch from memory, Martin from the project's PostGIS tables
# (imported by `gridwatch import`). Same tile lists, same load tool: wrk -t2 -c32, 10 s a run, ROUNDS (3) interleaved.
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
rps() { # base list -> requests per second
  PATHS="$2" wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" -s scripts/bench/cycle.lua "$1" \
    | awk '/Requests\/sec/ {print int($2)}'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

run_gridwatch() { # cache-mb port
  RUST_LOG=warn "$BIN" serve --database-url "$URL" --tile-cache-mb "$1" --listen "127.0.0.1:$2" &
  PIDS+=($!); wait_for "http://127.0.0.1:$2/readyz"
}
run_martin() { # cache-mb port
  RUST_LOG=warn "$MARTIN" --listen-addresses "127.0.0.1:$2" --cache-size "$1" --workers 2 "$URL" &
  PIDS+=($!); wait_for "http://127.0.0.1:$2/catalog"
}

# All four servers run at once (an idle one costs nothing) and the runs are interleaved, ROUNDS
# times, each figure the median: this shared machine's speed drifts by 10-20 % over minutes,
# and interleaving spreads the drift over both servers alike.
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
run_gridwatch 256 58201; run_gridwatch 0 58202; run_martin 512 58203; run_martin 0 58204
warm http://127.0.0.1:58201 "$LIST"; warm http://127.0.0.1:58203 "$MLIST"
CASES=(
  "gridwatch cached, 224 tiles|http://127.0.0.1:58201|$LIST"
  "martin cached, 224 tiles|http://127.0.0.1:58203|$MLIST"
  "gridwatch cached, dense tile|http://127.0.0.1:58201|$DENSE"
  "martin cached, dense tile|http://127.0.0.1:58203|$MDENSE"
  "gridwatch uncached, 224 tiles|http://127.0.0.1:58202|$LIST"
  "martin uncached, 224 tiles|http://127.0.0.1:58204|$MLIST"
  "gridwatch uncached, dense tile|http://127.0.0.1:58202|$DENSE"
  "martin uncached, dense tile|http://127.0.0.1:58204|$MDENSE"
)
declare -A RUNS
for round in $(seq "$ROUNDS"); do
  for c in "${CASES[@]}"; do
    IFS='|' read -r name base list <<< "$c"
    RUNS[$name]+="$(rps "$base" "$list") "
  done
  echo "round $round done" >&2
done
echo "## tiles per second (wrk -t2 -c32 -d${SECONDS_PER_RUN}s, median of $ROUNDS interleaved runs), z14 buildings, $N incidents in the database"
for c in "${CASES[@]}"; do
  name=${c%%|*}
  echo "$name: $(echo "${RUNS[$name]}" | median) req/s (runs: ${RUNS[$name]% })"
done
echo "## sizes of the dense tile: gridwatch $(curl -s http://127.0.0.1:58202/tiles/buildings/14/13298/6705.mvt | wc -c) B, martin $(curl -s http://127.0.0.1:58204/buildings/14/13298/6705 | wc -c) B"
