#!/usr/bin/env bash
# The realistic route under load: a browser-like `POST /api/todos` (ten request fields, three
# cookies, a 300-byte JSON body; `servers/todo-route.ts`) answered with CORS, a cookie read, the
# body validated, one pino line and 201 with a Set-Cookie, by Gatehouse, Fastify, Hono and Express,
# each with its own helpers. Run by hand from the repository root:
#
#   bash bench/app/run.sh                        # ROUNDS=5 DURATION=8s WARMUP=2s CONNECTIONS=50
#   SERVERS="gatehouse fastify" ROUNDS=3 bash bench/app/run.sh
#   PROFILE_DIR=/tmp/prof SERVERS=gatehouse ROUNDS=1 bash bench/app/run.sh
#   PREVIOUS=cf7c651 SERVERS="gatehouse gatehouse-previous fastify" bash bench/app/run.sh
#
# With PREVIOUS (a commit that has bench/app), `gatehouse-previous` is the Gatehouse server built
# from that commit (its files exported into $TMPDIR/gatehouse-previous-<commit>, outside the
# repository so that eslint never meets a second tsconfig), measured in the same rounds.
#
# First `check.js` makes sure every server answers the same (status, fields, body, one log line).
# Then each measurement starts its own server pinned to CPU 0, warms it up for WARMUP, runs wrk
# pinned to CPU 1 with the generated Lua script for DURATION, and stops the server. Servers are
# interleaved in every round, in an order rotated per round, because a shared machine drifts; the
# summary gives each server's median and the median of its per-round ratios to Fastify (a ratio
# of two measurements minutes apart would carry the drift). Only 127.0.0.1 is ever targeted.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/.build/bench"
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-18090}
SERVERS=${SERVERS:-"gatehouse fastify hono express"}
PEER=${PEER:-fastify}
RESULTS=${RESULTS:-"$OUT/app-results.tsv"}
RAW_DIR=${RAW_DIR:-"$OUT/app-raw"}
PROFILE_DIR=${PROFILE_DIR:-}
WRK_GRACE_S=20
source "$ROOT/bench/server-process.sh"
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

# start_server NAME: starts the named server on CPU 0 and waits until it answers.
start_server() {
  local name=$1 script=$1 out=$OUT flags=()
  if [[ $name == gatehouse-previous ]]; then script=gatehouse out=$PREVIOUS_OUT; fi
  if [[ -n "$PROFILE_DIR" ]]; then flags=(--cpu-prof "--cpu-prof-dir=$PROFILE_DIR/$name"); fi
  PORT=$PORT taskset -c 0 node "${flags[@]}" "$out/bench/app/servers/$script.js" >/dev/null 2>&1 &
  server_pid=$!
  # Any answer will do (a GET of the route is 404 or 405): the server is up.
  await_server "$name" "http://127.0.0.1:$PORT/api/todos"
}

run_wrk() {
  timeout $(( $(seconds "$1") + WRK_GRACE_S )) taskset -c 1 \
    wrk -t1 "-c$CONNECTIONS" "-d$1" --latency -s "$OUT/app-post-todo.lua" "http://127.0.0.1:$PORT"
}

echo "== building into $OUT"
(cd "$ROOT" && npx tsc -p tsconfig.json --outDir "$OUT" >/dev/null) || echo "(tsc reported errors; continuing with what was emitted)"
node "$OUT/bench/app/wrk-script.js" "127.0.0.1:$PORT" > "$OUT/app-post-todo.lua"

PREVIOUS=${PREVIOUS:-}
PREVIOUS_OUT=""
if [[ -n "$PREVIOUS" ]]; then
  previous_dir="${TMPDIR:-/tmp}/gatehouse-previous-$PREVIOUS"
  PREVIOUS_OUT="$previous_dir/.build/bench"
  if [[ ! -d "$previous_dir" ]]; then
    mkdir -p "$previous_dir"
    git -C "$ROOT" archive "$PREVIOUS" | tar -x -C "$previous_dir"
    ln -s "$ROOT/node_modules" "$previous_dir/node_modules"
  fi
  echo "== building $PREVIOUS into $PREVIOUS_OUT"
  (cd "$previous_dir" && npx tsc -p tsconfig.json --outDir "$PREVIOUS_OUT" >/dev/null) || echo "(tsc reported errors for $PREVIOUS)"
fi

read -r -a server_list <<< "$SERVERS"
checked=()
for s in "${server_list[@]}"; do [[ $s == gatehouse-previous ]] || checked+=("$s"); done
echo "== checking that every server answers the same"
PORT=$PORT node "$OUT/bench/app/check.js" "${checked[@]}"

echo "== node $(node --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nproc) cores, $(date -u +%F)"
mkdir -p "$RAW_DIR"
printf 'server\tround\trps\tp50\tp99\terrors\n' > "$RESULTS"
count=${#server_list[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < count; i++)); do
    name=${server_list[$(( (i + round - 1) % count ))]}
    start_server "$name"
    run_wrk "$WARMUP" >/dev/null
    output=$(run_wrk "$DURATION")
    stop_server
    printf '%s\n' "$output" > "$RAW_DIR/round$round-$name.txt"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$output")
    p50=$(awk '$1 == "50%" { print $2 }' <<< "$output")
    p99=$(awk '$1 == "99%" { print $2 }' <<< "$output")
    errors=$(awk '/Socket errors|Non-2xx/ { gsub(/^ +/, ""); printf "%s; ", $0 }' <<< "$output")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$rps" "$p50" "$p99" "${errors:--}" >> "$RESULTS"
    printf 'round %d  %-10s %10s req/s  p50 %8s  p99 %8s  %s\n' "$round" "$name" "$rps" "$p50" "$p99" "$errors"
  done
done

echo
echo "== medians over $ROUNDS rounds; ratio = median of the per-round ratios to $PEER"
awk -F'\t' -v peer="$PEER" '
  NR == 1 { next }
  { rps[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 } if ($2 > rounds) rounds = $2 }
  function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (s = 1; s <= names; s++) {
      name = order[s]; delete v; delete r; n = 0; m = 0
      for (k = 1; k <= rounds; k++) if ((name, k) in rps) {
        v[++n] = rps[name, k]
        if (((peer, k) in rps) && rps[peer, k] > 0) r[++m] = rps[name, k] / rps[peer, k]
      }
      if (m > 0) printf "%-10s median %9.0f req/s   %.2fx %s\n", name, median(v, n), median(r, m), peer
      else printf "%-10s median %9.0f req/s\n", name, median(v, n)
    }
  }' "$RESULTS"
