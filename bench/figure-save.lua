-- bench/figure-save.lua: wrk script for bench/cluster.sh: each request
-- saves one year's figures of an organisation through its form (POST
-- /orgs/{slug}/figures, as a person does: the session cookie $BENCH_SID,
-- the form's _csrf $BENCH_CSRF), rotating over the organisations in
-- $BENCH_SLUGS (space-separated) picked at random (as people's saves
-- come; in list order, one thread's connections would save neighbours,
-- whose rows share index pages), with a new head count each time so every
-- save writes. The answer is a 303 to the figures page.
local sid = os.getenv("BENCH_SID")
local csrf = os.getenv("BENCH_CSRF")
local year = os.getenv("BENCH_YEAR") or "2024"
local slugs = {}
for s in string.gmatch(os.getenv("BENCH_SLUGS") or "", "%S+") do slugs[#slugs + 1] = s end
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end

request = function()
  local slug = slugs[math.random(#slugs)]
  local body = string.format(
    "_csrf=%s&year=%s&employees=%d&revenue=%d&exports=&rnd=&currency=EUR&source=self_reported",
    csrf, year, math.random(1, 100000), math.random(1, 1000000))
  local origin = "http://" .. wrk.host .. ":" .. wrk.port
  return wrk.format("POST", "/orgs/" .. slug .. "/figures",
    { ["Cookie"] = "sid=" .. sid, ["Origin"] = origin,
      ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
