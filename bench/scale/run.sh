#!/usr/bin/env bash
# Scale-out benchmark: throughput with 1 and 2 worker processes (WORKER_COUNTS) on plaintext and
# on a session read-write route, Gatehouse with its memory store and with its Redis store, against
# Express + express-session + connect-redis on the same Redis, all in the same rounds; then the
# lease cost per run in one process (lease-cost.ts). Run by hand from the repository root, after
# `npm run build`:
#
#   bash bench/scale/run.sh                # ROUNDS=3 DURATION=8s WARMUP=2s CONNECTIONS=50
#   ROUNDS=1 DURATION=2s WARMUP=1s bash bench/scale/run.sh       # a smoke run
#   WORKER_COUNTS="1 2 $(nproc)" bash bench/scale/run.sh         # and the machine's core count
#
# One redis-server (no persistence, in a temporary directory, on REDIS_PORT) serves every Redis
# case. CPUs: wrk gets the last CPU, redis-server the one before it (with 3 or more CPUs), the
# servers the rest (all of CPU 0 on a 2-CPU machine, where 2 workers share a core: numbers there
# say little). `gatehouse-memory` with more than one worker has no shared sessions, so only its
# plaintext is measured. Each measurement logs in once with curl (one session, its cookie kept),
# warms up, then runs wrk with that cookie on every request: every request reads and writes the
# same session. Cases are interleaved inside each round, rotated per round; the table reports
# medians. Only 127.0.0.1 is targeted.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST="$ROOT/dist/bench/scale"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-18095}
REDIS_PORT=${REDIS_PORT:-18379}
WORKER_COUNTS=${WORKER_COUNTS:-"1 2"}
SERVERS=${SERVERS:-"gatehouse-memory gatehouse-redis express-redis"}
TESTS=${TESTS:-"plaintext count"}

CPUS=$(nproc)
WRK_CPU=$((CPUS - 1))
if ((CPUS >= 3)); then REDIS_CPUS=$((CPUS - 2)) SERVER_CPUS="0-$((CPUS - 3))"; else REDIS_CPUS="0-$((CPUS - 1))" SERVER_CPUS=0; fi

source "$ROOT/bench/server-process.sh"
source "$ROOT/bench/median.sh"
redis_dir=$(mktemp -d)
redis_pid=""
stop_all() {
  stop_server
  if [[ -n "$redis_pid" ]]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$redis_dir"
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

command -v redis-server >/dev/null || { echo "redis-server is not on the PATH (apt-get install redis-server)" >&2; exit 1; }
taskset -c "$REDIS_CPUS" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$redis_dir" --save '' --appendonly no >/dev/null &
redis_pid=$!
for ((try = 0; try < 50; try++)); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
echo "machine: $CPUS CPU(s), $(node --version), $(redis-server --version | awk '{print $3}'); servers on CPU $SERVER_CPUS, redis on $REDIS_CPUS, wrk on $WRK_CPU"

# start_server NAME WORKERS: gatehouse-memory, gatehouse-redis or express-redis.
start_server() {
  local name=$1 workers=$2 script store=memory
  case $name in
    gatehouse-memory) script=gatehouse ;;
    gatehouse-redis) script=gatehouse store=redis ;;
    express-redis) script=express store=redis ;;
    *) echo "unknown server $name" >&2; exit 1 ;;
  esac
  PORT=$PORT WORKERS=$workers STORE=$store REDIS_URL=$REDIS_URL taskset -c "$SERVER_CPUS" node "$DIST/servers/$script.js" >/dev/null &
  server_pid=$!
  await_server "$name" "http://127.0.0.1:$PORT/plaintext" -f
  # Every worker listens before the first is measured: the primary says so only in its own way.
  for ((try = 0; try < 50; try++)); do
    (($(pgrep -c -P "$server_pid" || true) >= (workers > 1 ? workers : 0))) && break
    sleep 0.1
  done
}

wrk_rps() {
  local duration=$1 path=$2
  shift 2
  taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d"$duration" "$@" "http://127.0.0.1:$PORT$path" | awk '/Requests\/sec/ {print $2}'
}

declare -A results
cases=()
for workers in $WORKER_COUNTS; do
  for server in $SERVERS; do
    for test in $TESTS; do
      [[ $server == gatehouse-memory && $test == count && $workers -gt 1 ]] && continue
      cases+=("$server:$workers:$test")
    done
  done
done

for ((round = 0; round < ROUNDS; round++)); do
  for ((i = 0; i < ${#cases[@]}; i++)); do
    IFS=: read -r server workers test <<<"${cases[$(((i + round) % ${#cases[@]}))]}"
    start_server "$server" "$workers"
    headers=()
    if [[ $test == count ]]; then
      cookie=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
      [[ -n "$cookie" ]] || { echo "$server: /login set no cookie" >&2; exit 1; }
      check=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/count")
      [[ $check == '{"count":1}' ]] || { echo "$server ($workers): /count answered $check" >&2; exit 1; }
      headers=(-H "Cookie: $cookie")
      path=/count
    else
      path=/plaintext
    fi
    wrk_rps "$WARMUP" "$path" "${headers[@]}" >/dev/null
    rps=$(wrk_rps "$DURATION" "$path" "${headers[@]}")
    final=""
    [[ $test == count ]] && final="(counter after: $(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/count"))"
    stop_server
    results["$server:$workers:$test"]+="$rps "
    printf 'round %d  %-17s %d worker(s)  %-9s %10s req/s %s\n' "$round" "$server" "$workers" "$test" "$rps" "$final"
  done
done

echo
echo "median req/s over $ROUNDS round(s), $CONNECTIONS connections, $DURATION each:"
printf '  %-17s %-8s %12s %12s\n' server workers plaintext count
for workers in $WORKER_COUNTS; do
  for server in $SERVERS; do
    line=""
    for test in plaintext count; do
      values=${results["$server:$workers:$test"]:-}
      if [[ -z $values ]]; then line+=$(printf ' %12s' '-'); continue; fi
      median=$(median $values)
      line+=$(printf ' %12s' "$median")
    done
    printf '  %-17s %-8s%s\n' "$server" "$workers" "$line"
  done
done

echo
echo "== lease cost per run, in one process, Redis on loopback"
REDIS_URL=$REDIS_URL taskset -c "$SERVER_CPUS" node "$DIST/lease-cost.js"
