#!/usr/bin/env bash
# Session read-write benchmark: a cookie-carried session whose counter one GET increments and
# answers as JSON, Gatehouse's client sessions against express-session (MemoryStore) under Express
# and @fastify/session (memory store) under Fastify, in the same rounds. Run by hand from the
# repository root, after `npm run build`:
#
#   bash bench/sessions/run.sh             # ROUNDS=3 DURATION=8s WARMUP=2s CONNECTIONS=50
#   ROUNDS=1 DURATION=2s WARMUP=1s bash bench/sessions/run.sh    # a smoke run
#
# Each measurement starts its server pinned to CPU 0, logs in once with curl (one session, its
# cookie kept), warms up, then runs wrk pinned to CPU 1 with that cookie on every request: every
# request reads and writes the same session, the case one-at-a-time per session is built for.
# Servers are interleaved inside each round, rotated per round; only 127.0.0.1 is targeted.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST="$ROOT/dist/bench/sessions/servers"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-18090}
SERVERS=${SERVERS:-"gatehouse fastify express"}

source "$ROOT/bench/server-process.sh"
source "$ROOT/bench/median.sh"
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

start_server() {
  PORT=$PORT taskset -c 0 node "$DIST/$1.js" >/dev/null &
  server_pid=$!
  await_server "$1" "http://127.0.0.1:$PORT/"
}

declare -A results
servers=($SERVERS)
for ((round = 0; round < ROUNDS; round++)); do
  for ((i = 0; i < ${#servers[@]}; i++)); do
    name=${servers[$(((i + round) % ${#servers[@]}))]}
    start_server "$name"
    cookie=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
    [[ -n "$cookie" ]] || { echo "$name: /login set no cookie" >&2; exit 1; }
    check=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/count")
    [[ $check == '{"count":1}' ]] || { echo "$name: /count answered $check" >&2; exit 1; }
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -H "Cookie: $cookie" "http://127.0.0.1:$PORT/count" >/dev/null
    rps=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: $cookie" "http://127.0.0.1:$PORT/count" | awk '/Requests\/sec/ {print $2}')
    final=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/count")
    stop_server
    results[$name]+="$rps "
    printf 'round %d  %-10s %10s req/s   (counter after: %s)\n' "$round" "$name" "$rps" "$final"
  done
done

echo
echo "median req/s over $ROUNDS round(s), $CONNECTIONS connections, $DURATION each:"
for name in "${servers[@]}"; do
  median=$(median ${results[$name]})
  printf '  %-10s %10s\n' "$name" "$median"
done
