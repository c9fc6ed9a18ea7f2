#!/usr/bin/env bash
# HTTPS keep-alive benchmark: Gatehouse against node:https and a bare `tls` server that answers
# canned responses without parsing (the ceiling), all on one development certificate (EC P-256)
# generated into a temporary folder. Run by hand from the repository root:
#
#   bash bench/https/run.sh                  # ROUNDS=3 DURATION=8s WARMUP=2s CONNECTIONS=50
#   SERVERS="gatehouse-https node-https" ROUNDS=5 bash bench/https/run.sh
#
# Each measurement starts its server pinned to CPU 0 (`taskset -c 0`), waits until it answers,
# warms it up for WARMUP (so handshakes are done before measuring), then runs wrk pinned to CPU 1:
# `wrk -t1 -c$CONNECTIONS -d$DURATION https://127.0.0.1:$PORT/plaintext`. Servers are interleaved
# in an order rotated per round; the summary gives medians over rounds and same-run ratios to
# node:https. Before each measurement it waits (up to LOAD_WAIT_S) for the 1-minute load average to
# drop below LOAD_MAX, since other jobs may share the machine; the load seen is recorded.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/.build/bench-https"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-18443}
SERVERS=${SERVERS:-"gatehouse-https node-https bare-tls"}
LOAD_MAX=${LOAD_MAX:-1.5}
LOAD_WAIT_S=${LOAD_WAIT_S:-90}
RESULTS="$OUT/https-results.tsv"

source "$ROOT/bench/server-process.sh"
cert_dir=$(mktemp -d)
trap 'stop_server; rm -rf "$cert_dir"' EXIT
trap 'exit 130' INT TERM

load1() { cut -d' ' -f1 /proc/loadavg; }

# wait_for_quiet: returns once the 1-minute load is below LOAD_MAX, or after LOAD_WAIT_S regardless.
wait_for_quiet() {
  local waited=0
  while awk -v l="$(load1)" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }' && (( waited < LOAD_WAIT_S )); do
    sleep 5
    waited=$(( waited + 5 ))
  done
}

# start_server NAME: starts the named server on CPU 0 and waits until it answers over HTTPS.
start_server() {
  local name=$1
  CERT="$cert_dir/localhost.crt" KEY="$cert_dir/localhost.key" PORT=$PORT \
    taskset -c 0 node "$OUT/bench/https/servers/$name.js" >/dev/null &
  server_pid=$!
  await_server "$name" "https://127.0.0.1:$PORT/plaintext" -kf
}

run_wrk() {
  taskset -c 1 wrk -t1 "-c$CONNECTIONS" "-d$1" "https://127.0.0.1:$PORT/plaintext"
}

echo "== building into $OUT"
(cd "$ROOT" && npx tsc -p tsconfig.json --outDir "$OUT" >/dev/null) || echo "(tsc reported errors; continuing with what was emitted)"
node "$OUT/bench/https/make-cert.js" "$cert_dir" >/dev/null

echo "== node $(node --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nproc) cores, $(date -u +%F)"
printf 'server\tround\trps\tload1\terrors\n' > "$RESULTS"
read -r -a server_list <<< "$SERVERS"
count=${#server_list[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < count; i++)); do
    name=${server_list[$(( (i + round - 1) % count ))]}
    wait_for_quiet
    load=$(load1)
    start_server "$name"
    run_wrk "$WARMUP" >/dev/null
    output=$(run_wrk "$DURATION")
    stop_server
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<< "$output")
    errors=$(awk '/Socket errors|Non-2xx/ { gsub(/^ +/, ""); printf "%s; ", $0 }' <<< "$output")
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$rps" "$load" "${errors:--}" >> "$RESULTS"
    printf 'round %d  %-16s %10s req/s  (load %s)  %s\n' "$round" "$name" "$rps" "$load" "$errors"
  done
done

echo
echo "== medians over $ROUNDS rounds; ratio = median of per-round ratios to node-https"
awk -F'\t' '
  NR == 1 { next }
  { rps[$1, $2] = $3; names[$1] = 1; if ($2 > rounds) rounds = $2 }
  function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (name in names) {
      delete v; delete r; n = 0
      for (k = 1; k <= rounds; k++) if ((name, k) in rps) {
        n++; v[n] = rps[name, k]
        r[n] = ((("node-https", k) in rps) && rps["node-https", k] > 0) ? rps[name, k] / rps["node-https", k] : 0
      }
      printf "%-16s median %10.0f req/s   ratio %.2fx\n", name, median(v, n), median(r, n)
    }
  }' "$RESULTS"
