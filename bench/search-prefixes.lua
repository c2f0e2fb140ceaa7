-- bench/search-prefixes.lua: wrk script for bench/directory.sh: each
-- request searches for the next prefix of a fixed list (Latin, ASCII and
-- Cyrillic, one and two words), so the measurement is not one query
-- answered again and again.
local prefixes = {
  "tehn", "agro", "klaster", "nis", "%D0%BD%D0%B8%D1%88", "metal", "beo", "inst",
  "novi", "soft", "elektro", "cacak", "%D1%82%D0%B5%D1%85", "kragu", "drvo", "info+sistem",
  "fakultet", "pekara", "inkubator", "zren",
}
local i = 0

request = function()
  i = i % #prefixes + 1
  return wrk.format("GET", "/search?q=" .. prefixes[i])
end
