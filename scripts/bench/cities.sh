#!/usr/bin/env bash
# Ten cities of Hubei, N incidents each (default 1,000,000: 10M in all), into a Citus cluster
# (a coordinator and two workers on this machine) and into one plain PostGIS, side by side:
# the import time of each city, the time of GET /api/v1/cities/stats (one SQL aggregate over
# every city), and the start-up time and resident memory of a process serving one city against
# one serving all ten (from Citus). Writes everything under OUT (default /tmp/gw-cities) and
# prints a Markdown table. Usage: scripts/bench/cities.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
OUT=${OUT:-/tmp/gw-cities}
GW=target/release/gridwatch
cargo build --release --quiet
rm -rf "$OUT" && mkdir -p "$OUT/data"

codes=(420100 420200 420300 420500 420600 420700 420800 420900 421000 421100)
names=(Wuhan Huangshi Shiyan Yichang Xiangyang Ezhou Jingmen Xiaogan Jingzhou Huanggang)
centres=(114.30,30.59 115.04,30.20 110.80,32.63 111.29,30.69 112.14,32.04 114.89,30.39 - 113.92,30.92 112.24,30.33 114.87,30.45)
for i in "${!codes[@]}"; do
  args=(--out "$OUT/data/${codes[$i]}" --scale "$N")
  if [ "${codes[$i]}" != 420800 ]; then
    args+=(--city-code "${codes[$i]}" --city-name "${names[$i]}" --centre "${centres[$i]}")
  fi
  "$GW" generate "${args[@]}" 2>/dev/null
done

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
psql_at() { PGCONNECT_TIMEOUT=5 psql -qAt "$1" -c "$2"; }
PLAIN_PORT=$(port); C0=$(port); C1=$(port); C2=$(port)
scripts/pg-throwaway start "$OUT/plain" "$PLAIN_PORT" >/dev/null
for p in $C0 $C1 $C2; do
  PG_OPTIONS="-c shared_preload_libraries=citus -c max_connections=200" \
    scripts/pg-throwaway start "$OUT/citus-$p" "$p" >/dev/null
done
trap 'scripts/pg-throwaway stop "$OUT/plain"; for p in $C0 $C1 $C2; do scripts/pg-throwaway stop "$OUT/citus-$p"; done' EXIT
psql_at "postgres://postgres@127.0.0.1:$PLAIN_PORT/postgres" "CREATE DATABASE gw"
for p in $C0 $C1 $C2; do
  psql_at "postgres://postgres@127.0.0.1:$p/postgres" "CREATE DATABASE gw"
  psql_at "postgres://postgres@127.0.0.1:$p/gw" "CREATE EXTENSION citus"
done
psql_at "postgres://postgres@127.0.0.1:$C0/gw" "SELECT citus_set_coordinator_host('127.0.0.1', $C0)" >/dev/null
psql_at "postgres://postgres@127.0.0.1:$C0/gw" "SELECT citus_add_node('127.0.0.1', $C1)" >/dev/null
psql_at "postgres://postgres@127.0.0.1:$C0/gw" "SELECT citus_add_node('127.0.0.1', $C2)" >/dev/null
PLAIN="postgres://postgres@127.0.0.1:$PLAIN_PORT/gw"
CITUS="postgres://postgres@127.0.0.1:$C0/gw"

declare -A import_s
for store in plain citus; do
  url=$PLAIN; [ $store = citus ] && url=$CITUS
  total=0
  for code in "${codes[@]}"; do
    # /usr/bin/time writes the seconds as the log's last line.
    /usr/bin/time -f %e "$GW" import --data "$OUT/data/$code" --database-url "$url" \
      >/dev/null 2>"$OUT/import-$store-$code.log"
    s=$(tail -1 "$OUT/import-$store-$code.log")
    import_s[$store-$code]=$s
    total=$(python3 -c "print(round($total + $s, 1))")
  done
  import_s[$store-total]=$total
done

# A server of one city (it answers the province from the database), its start-up and memory.
# Prints "seconds rss_MB"; leaves the server running, its pid and port in SERVER, SERVER_PORT
# (call it in this shell, not in a substitution).
serve_ready() { # url cities log
  local url=$1 cities=$2 log=$3 p
  p=$(port)
  local started; started=$(date +%s.%N)
  if [ -n "$cities" ]; then
    "$GW" serve --listen "127.0.0.1:$p" --database-url "$url" --cities "$cities" --data "$OUT/data/420800" >"$log" 2>&1 &
  else
    "$GW" serve --listen "127.0.0.1:$p" --database-url "$url" --data "$OUT/data/420800" >"$log" 2>&1 &
  fi
  SERVER=$! SERVER_PORT=$p
  until curl -sf "http://127.0.0.1:$p/readyz" >/dev/null 2>&1; do sleep 0.2; done
  local ready; ready=$(date +%s.%N)
  sleep 2 # the hexbin levels binned after start-up
  echo "$(python3 -c "print(round($ready - $started, 1))") $(( $(ps -o rss= -p $SERVER) / 1024 ))"
}
stats_ms() { # port by -> median of 5 (after one warm-up), milliseconds
  local p=$1 by=$2 t=()
  curl -sf "http://127.0.0.1:$p/api/v1/cities/stats?by=$by" >/dev/null
  for _ in 1 2 3 4 5; do
    t+=("$(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$p/api/v1/cities/stats?by=$by")")
  done
  python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:]))*1000))" "${t[@]}"
}
declare -A stats
for store in plain citus; do
  url=$PLAIN; [ $store = citus ] && url=$CITUS
  serve_ready "$url" 420800 "$OUT/serve-$store-one.log" >"$OUT/ready"
  read -r up rss <"$OUT/ready"
  stats[$store-up]=$up stats[$store-rss]=$rss
  for by in city district month; do stats[$store-$by]=$(stats_ms "$SERVER_PORT" "$by"); done
  curl -sf "http://127.0.0.1:$SERVER_PORT/api/v1/cities/stats?by=city" >"$OUT/stats-$store.json"
  kill $SERVER; wait $SERVER 2>/dev/null || true
done
serve_ready "$CITUS" "" "$OUT/serve-citus-all.log" >"$OUT/ready"
read -r all_up all_rss <"$OUT/ready"
kill $SERVER; wait $SERVER 2>/dev/null || true

echo "| | plain PostGIS | Citus (coordinator + 2 workers) |"
echo "| --- | --- | --- |"
for code in "${codes[@]}"; do
  echo "| import $code ($N incidents) | ${import_s[plain-$code]} s | ${import_s[citus-$code]} s |"
done
echo "| import, all ten | ${import_s[plain-total]} s | ${import_s[citus-total]} s |"
for by in city district month; do
  echo "| GET /api/v1/cities/stats?by=$by (median of 5) | ${stats[plain-$by]} ms | ${stats[citus-$by]} ms |"
done
echo "| serve --cities 420800: ready, RSS | ${stats[plain-up]} s, ${stats[plain-rss]} MB | ${stats[citus-up]} s, ${stats[citus-rss]} MB |"
echo "| serve, all ten cities: ready, RSS | | $all_up s, $all_rss MB |"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('cities counted:', len(d['summary']['cities']), 'incidents:', d['summary']['incidents'])" "$OUT/stats-citus.json"
