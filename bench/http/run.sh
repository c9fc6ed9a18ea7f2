#!/usr/bin/env bash
# HTTP load benchmark: Gatehouse (WAF basic, strict, off) against node:http, Fastify and two bare
# `net` servers that answer without parsing (the ceilings): `bare-net` writes at once,
# `bare-net-turn-end` at the end of the event loop's turn, as Gatehouse does. Run by hand from the
# repository root:
#
#   bash bench/http/run.sh                 # ROUNDS=3 DURATION=8s WARMUP=2s CONNECTIONS=50
#   SERVERS="gatehouse node-http" ROUNDS=1 bash bench/http/run.sh
#   PROFILE_DIR=/tmp/prof SERVERS=gatehouse TESTS=plaintext:keepalive ROUNDS=1 bash bench/http/run.sh
#   PREVIOUS=551b076 SERVERS="gatehouse gatehouse-previous node-http" bash bench/http/run.sh
#
# With PREVIOUS (a commit), `gatehouse-previous` is the Gatehouse server built from that commit
# (checked out into .build/previous-<commit>), measured in the same rounds as the current code.
#
# Each measurement starts its own server pinned to CPU 0 (`taskset -c 0`), waits until it answers,
# warms it up for WARMUP, then runs wrk pinned to CPU 1 for DURATION with CONNECTIONS connections,
# plain keep-alive or 16 requests pipelined per round (pipeline.lua), then stops the server.
# Servers are interleaved inside each round, in an order rotated per round, because a shared
# machine drifts; the table reports medians over the rounds. Only 127.0.0.1 is ever targeted.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/.build/bench"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-50}
DEPTH=${DEPTH:-16}
PORT=${PORT:-18080}
SERVERS=${SERVERS:-"gatehouse gatehouse-strict gatehouse-off node-http fastify bare-net bare-net-turn-end"}
TESTS=${TESTS:-"plaintext:keepalive plaintext:pipelined json:keepalive json:pipelined"}
RESULTS=${RESULTS:-"$ROOT/.build/bench/http-results.tsv"}
# wrk's full output for every measurement, kept for checking the parsed numbers.
RAW_DIR=${RAW_DIR:-"$ROOT/.build/bench/http-raw"}
PROFILE_DIR=${PROFILE_DIR:-}
# wrk gets this much longer than DURATION before it is killed; a server this long to start is broken.
WRK_GRACE_S=20
source "$ROOT/bench/server-process.sh"
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

# start_server NAME: starts the named server on CPU 0 and waits until it answers.
start_server() {
  local name=$1 script=$1 waf="basic" flags=()
  local out=$OUT
  case $name in
    gatehouse-strict) script=gatehouse waf=strict ;;
    gatehouse-off) script=gatehouse waf=off ;;
    gatehouse-previous) script=gatehouse out=$PREVIOUS_OUT ;;
  esac
  if [[ -n "$PROFILE_DIR" && $script == gatehouse ]]; then flags=(--cpu-prof "--cpu-prof-dir=$PROFILE_DIR"); fi
  PORT=$PORT WAF_MODE=$waf taskset -c 0 node "${flags[@]}" "$out/bench/http/servers/$script.js" >/dev/null &
  server_pid=$!
  await_server "$name" "http://127.0.0.1:$PORT/plaintext" -f
}

# run_wrk PATH MODE DURATION: prints wrk's output for one measurement.
run_wrk() {
  local path=$1 mode=$2 duration=$3 target=()
  if [[ $mode == pipelined ]]; then
    target=(-s "$ROOT/bench/http/pipeline.lua" "http://127.0.0.1:$PORT" -- "/$path" "$DEPTH")
  else
    target=("http://127.0.0.1:$PORT/$path")
  fi
  timeout $(( $(seconds "$duration") + WRK_GRACE_S )) taskset -c 1 \
    wrk -t1 "-c$CONNECTIONS" "-d$duration" --latency "${target[@]}"
}

# to_ms VALUE: wrk prints latencies as 812.00us, 1.23ms or 1.01s.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'
}

echo "== building into $OUT"
(cd "$ROOT" && npx tsc -p tsconfig.json --outDir "$OUT" >/dev/null) || echo "(tsc reported errors; continuing with what was emitted)"
for s in gatehouse node-http fastify bare-net bare-net-turn-end; do
  [[ -f "$OUT/bench/http/servers/$s.js" ]] || { echo "missing $OUT/bench/http/servers/$s.js" >&2; exit 1; }
done

PREVIOUS=${PREVIOUS:-}
PREVIOUS_OUT=""
if [[ -n "$PREVIOUS" ]]; then
  previous_dir="$ROOT/.build/previous-$PREVIOUS"
  PREVIOUS_OUT="$previous_dir/.build/bench"
  if [[ ! -d "$previous_dir" ]]; then
    git -C "$ROOT" worktree add --detach "$previous_dir" "$PREVIOUS" >/dev/null
    ln -s "$ROOT/node_modules" "$previous_dir/node_modules"
  fi
  echo "== building $PREVIOUS into $PREVIOUS_OUT"
  (cd "$previous_dir" && npx tsc -p tsconfig.json --outDir "$PREVIOUS_OUT" >/dev/null) || echo "(tsc reported errors for $PREVIOUS)"
fi

echo "== node $(node --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nproc) cores"
mkdir -p "$RAW_DIR"
printf 'server\ttest\tround\trps\tp50_ms\tp99_ms\terrors\n' > "$RESULTS"
read -r -a server_list <<< "$SERVERS"
count=${#server_list[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  for test in $TESTS; do
    path=${test%%:*} mode=${test##*:}
    for ((i = 0; i < count; i++)); do
      name=${server_list[$(( (i + round - 1) % count ))]}
      start_server "$name"
      run_wrk "$path" "$mode" "$WARMUP" >/dev/null
      output=$(run_wrk "$path" "$mode" "$DURATION")
      stop_server
      printf '%s\n' "$output" > "$RAW_DIR/round$round-$name-${test/:/-}.txt"
      rps=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$output")
      p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<< "$output")")
      p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$output")")
      errors=$(awk '/Socket errors|Non-2xx/ { gsub(/^ +/, ""); printf "%s; ", $0 }' <<< "$output")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$test" "$round" "$rps" "$p50" "$p99" "${errors:--}" >> "$RESULTS"
      printf 'round %d  %-17s %-20s %10s req/s  p50 %8s ms  p99 %8s ms  %s\n' \
        "$round" "$name" "$test" "$rps" "$p50" "$p99" "${errors}"
    done
  done
done

echo
node "$OUT/bench/http/summarize.js" "$RESULTS"
