-- soak-mix.lua: the mixed request stream of tests/reliability/soak.sh for wrk.
--
-- Every wrk thread walks the same shuffled schedule of SLOTS requests
-- (reads of every kind, searches in both scripts, logins with the right
-- password, writes with a read-write token), each thread starting at a
-- different offset. Counts what it sent by kind and what came back by
-- status class; done() prints one "soak-mix:" line per figure for soak.sh.
--
-- Environment (set by soak.sh): SOAK_TOKEN (read-write API token),
-- SOAK_ORIGIN (http://127.0.0.1:PORT), SOAK_PASSWORD, SOAK_ACCOUNTS
-- (comma-separated e-mails, rotated so no account has more than a couple
-- of logins in flight: the throttle counts a login before it is checked).

local token = os.getenv("SOAK_TOKEN") or ""
local origin = os.getenv("SOAK_ORIGIN") or ""
local password = os.getenv("SOAK_PASSWORD") or ""
local accounts = {}
for e in string.gmatch(os.getenv("SOAK_ACCOUNTS") or "", "[^,]+") do accounts[#accounts + 1] = e end

local function urlenc(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- published entries of the demo data (scan init --demo)
local slugs = { "scan", "voict", "autocluster-serbia", "ict-network", "vmc", "facts", "nicat",
  "ict-cluster-central-serbia", "univerzitet-u-nisu", "ntp-beograd", "petrovaradin-softver",
  "backa-kod", "sava-cloud", "avala-softver", "livnica-lepenica", "temerin-metal",
  "novi-pazar-denim", "pirot-obuca", "nisava-elektronik", "rudnik-automatika" }
-- entries the writes change (a cluster member each, editable by the secretariat)
local patch_slugs = { "fruska-data", "begej-it", "zvezdara-labs", "morava-plastik",
  "gruza-kablovi", "temerin-metal", "leskovac-tekstil", "aleksinac-pcb" }
local prefixes = { "ni", "Ниш", "nis", "ict", "кла", "klast", "voj", "Војв", "beo", "софт",
  "metal", "đ", "dj", "auto", "Čačak", "cacak", "teh", "z", "ша", "sum" }
local org_filters = { "", "?kind=cluster", "?region=JI", "?region=VO&kind=company", "?sector=62",
  "?sort=name-desc", "?sort=updated", "?q=soft", "?kind=university", "?sector=26&region=JI",
  "?fos=2", "?district=NISAVSKI" }
local api_filters = { "", "?kind=cluster", "?limit=100", "?region=BG", "?q=ict", "?limit=5" }

-- the schedule: kind names with how many of SLOTS requests they get
local MIX = {
  { "home", 18 }, { "orgs", 36 }, { "profile", 40 }, { "figures", 14 }, { "search", 36 },
  { "api_search", 12 }, { "api_orgs", 24 }, { "api_org", 8 },
  { "login", 2 }, { "patch", 8 }, { "create", 2 },
}
local SLOTS = 0
for _, m in ipairs(MIX) do SLOTS = SLOTS + m[2] end -- 200

local threads = {}
local tid_next = 0

function setup(thread)
  tid_next = tid_next + 1
  thread:set("tid", tid_next)
  table.insert(threads, thread)
end

local schedule, pos, seq
sent = {}
st2, st3, st4, st5, st_other = 0, 0, 0, 0, 0
last_bad = ""

function init(args)
  tid = tonumber(rawget(_G, "tid")) or 1
  schedule = {}
  for _, m in ipairs(MIX) do
    for _ = 1, m[2] do schedule[#schedule + 1] = m[1] end
    sent[m[1]] = 0
  end
  math.randomseed(20261126) -- the same order in every thread and run
  for i = #schedule, 2, -1 do
    local j = math.random(i)
    schedule[i], schedule[j] = schedule[j], schedule[i]
  end
  pos = (tid * 37) % SLOTS
  seq = 0
end

local function pick(t) return t[(seq % #t) + 1] end

local json_h = function()
  return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

local builders = {
  home = function() return wrk.format("GET", "/") end,
  orgs = function() return wrk.format("GET", "/orgs" .. pick(org_filters)) end,
  profile = function() return wrk.format("GET", "/orgs/" .. pick(slugs)) end,
  figures = function() return wrk.format("GET", (seq % 3 == 0) and "/figures?year=2024" or "/figures") end,
  search = function() return wrk.format("GET", "/search?q=" .. urlenc(pick(prefixes))) end,
  api_search = function() return wrk.format("GET", "/api/v1/search?q=" .. urlenc(pick(prefixes))) end,
  api_orgs = function() return wrk.format("GET", "/api/v1/orgs" .. pick(api_filters)) end,
  api_org = function() return wrk.format("GET", "/api/v1/orgs/" .. pick(slugs)) end,
  login = function()
    local email = accounts[(math.floor(seq / 7) + tid) % math.max(#accounts, 1) + 1] or ""
    return wrk.format("POST", "/login", {
      ["Content-Type"] = "application/x-www-form-urlencoded", ["Origin"] = origin,
    }, "email=" .. urlenc(email) .. "&password=" .. urlenc(password))
  end,
  patch = function()
    return wrk.format("PATCH", "/api/v1/orgs/" .. pick(patch_slugs), json_h(),
      string.format('{"short_en":"Soak thread %d change %d"}', tid, seq))
  end,
  create = function()
    return wrk.format("POST", "/api/v1/orgs", json_h(),
      string.format('{"name":"Soak entry %d-%d","kind":"company","status":"draft"}', tid, seq))
  end,
}

function request()
  pos = pos % SLOTS + 1
  seq = seq + 1
  local kind = schedule[pos]
  sent[kind] = sent[kind] + 1
  return builders[kind]()
end

function response(status, headers, body)
  if status >= 200 and status < 300 then st2 = st2 + 1
  elseif status < 400 then st3 = st3 + 1
  elseif status < 500 then
    st4 = st4 + 1
    last_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
  elseif status < 600 then
    st5 = st5 + 1
    last_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
  else st_other = st_other + 1 end
end

function done(summary, latency, requests)
  local total = {}
  local c = { 0, 0, 0, 0, 0 }
  local bad = ""
  for _, t in ipairs(threads) do
    local s = t:get("sent")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
    c[1] = c[1] + t:get("st2"); c[2] = c[2] + t:get("st3"); c[3] = c[3] + t:get("st4")
    c[4] = c[4] + t:get("st5"); c[5] = c[5] + t:get("st_other")
    local lb = t:get("last_bad")
    if lb and lb ~= "" then bad = lb end
  end
  local kinds = {}
  for _, m in ipairs(MIX) do kinds[#kinds + 1] = m[1] .. "=" .. (total[m[1]] or 0) end
  local e = summary.errors
  io.write(string.format("soak-mix: requests %d in %.1f s = %.0f/s\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write("soak-mix: sent by kind " .. table.concat(kinds, " ") .. "\n")
  io.write(string.format("soak-mix: status 2xx=%d 3xx=%d 4xx=%d 5xx=%d other=%d\n", c[1], c[2], c[3], c[4], c[5]))
  io.write(string.format("soak-mix: socket errors connect=%d read=%d write=%d timeout=%d; non-2xx/3xx=%d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("soak-mix: latency p50=%.1fms p99=%.1fms max=%.1fms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  if bad ~= "" then io.write("soak-mix: last bad response: " .. string.gsub(bad, "\n", " ") .. "\n") end
end
