# Sourced by the load benchmarks: the one server process a measurement runs, started in the
# background by the caller (which sets server_pid), awaited until it answers, and stopped.

server_pid=""

# seconds DURATION: a wrk duration (`8s`, `2m`) in seconds.
seconds() { local d=$1; case $d in *m) echo $(( ${d%m} * 60 ));; *s) echo "${d%s}";; *) echo "$d";; esac; }

# stop_server: SIGTERM (the servers exit through process.exit, so --cpu-prof writes), then
# SIGKILL after 5 s.
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    timeout 5 tail --pid="$server_pid" -f /dev/null || kill -KILL "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

# await_server NAME URL [CURL_FLAGS…]: returns once URL answers, or fails when the server exited
# or did not answer after 100 tries (10 s).
await_server() {
  local name=$1 url=$2
  shift 2
  for ((try = 0; try < 100; try++)); do
    if curl -s "$@" -o /dev/null --max-time 1 "$url"; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "server $name exited before answering" >&2; return 1; }
    sleep 0.1
  done
  echo "server $name did not answer after 100 tries" >&2
  return 1
}
