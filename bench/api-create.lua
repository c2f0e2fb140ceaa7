-- bench/api-create.lua: wrk script for bench/cluster.sh: each request
-- creates a new directory entry through the API (POST /api/v1/orgs, a
-- Bearer token from $BENCH_TOKEN), its name unique per thread and request.
local token = os.getenv("BENCH_TOKEN")
local n = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  n = n + 1
  local body = string.format('{"name":"Bench write %d %d %d","kind":"company","status":"published"}',
    tid or 0, n, math.random(1000000000))
  return wrk.format("POST", "/api/v1/orgs",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
