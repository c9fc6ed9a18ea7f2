-- wrk script: sends DEPTH pipelined GET requests per round on each connection.
-- Usage: wrk ... -s bench/http/pipeline.lua http://127.0.0.1:PORT -- /plaintext [depth]
-- wrk counts every response, so Requests/sec is requests answered, not rounds.
-- The Host header comes from wrk.headers, which wrk fills from the URL before init runs.

local batch

function init(args)
  local path = args[1] or "/plaintext"
  local depth = tonumber(args[2] or "16")
  batch = string.rep(wrk.format("GET", path), depth)
end

function request()
  return batch
end
