#!/usr/bin/env bash
# bench/awareness.sh: the public face of Serbian clusters (issue 17) at
# scale: the home page and the district map over $ORGS generated entries
# with their clusters, memberships and yearly figures, beside nginx
# serving the same bytes in the same run.
#
# Builds build-bench/ (release) unless SCAN_BIN names a binary, makes a
# fresh database from bench/gen.py (seed $SEED: orgs, clusters, members,
# figures $YEARS), starts `scan serve`, then:
#
#   wrk     keep-alive, $CONNECTIONS connections, $DURATION s, --latency:
#           / (the home: at a glance, the map, events; target >= 0.5x
#           nginx), /map?measure=employees once cached (target p99 <=
#           10 ms), $NEWS_PATH (/news over $NEWS published items; target
#           >= 0.5x nginx), each beside nginx serving its bytes with scan's
#           Content-Type
#   seq     $SEQ sequential GETs of the cached map (curl %{time_total}):
#           p50 and p99 (target p99 <= 10 ms)
#   first   $WRITES times: a write (one figures row of the newest year
#           changed, its stored totals kept by the triggers, and
#           figures_version bumped, as every figures write does), the
#           version TTL let pass, then one
#           GET /map?measure=employees: the first render after a write
#           (curl %{time_total}; target <= 100 ms): median and max
#
# Prints one table and appends it, with the setup and verdicts, to
# bench/RESULTS.md. Exits 1 when a run saw socket errors or non-2xx
# answers (a missed target is reported, not an error).
#
# Environment: ORGS (100000), CLUSTERS (1000), NATIONAL (10000), YEARS
# (2020-2024), SEED (1), WRITES (10), SEQ (200), NEWS_PATH (/news; empty:
# skipped), NEWS (200 published news items, SCAN's and the clusters'),
# DURATION (10), WARMUP (1), CONNECTIONS (50), WRK_THREADS (2), SCAN_PORT,
# NGINX_PORT, SCAN_BIN, RESULTS (bench/RESULTS.md; empty: do not write).
#
# Usage: bench/awareness.sh     ORGS=10000 CLUSTERS=100 NATIONAL=1000 DURATION=3 bench/awareness.sh
set -euo pipefail

BENCH_NAME=awareness.sh
BENCH_TOOLS="python3 sqlite3"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
ORGS=${ORGS:-100000}
CLUSTERS=${CLUSTERS:-1000}
NATIONAL=${NATIONAL:-10000}
YEARS=${YEARS:-2020-2024}
SEED=${SEED:-1}
WRITES=${WRITES:-10}
SEQ=${SEQ:-200}
NEWS_PATH=${NEWS_PATH-/news}
NEWS=${NEWS:-200}
for v in ORGS CLUSTERS NATIONAL SEED WRITES SEQ NEWS; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v wants a positive whole number, got '${!v}'"
done
((CLUSTERS >= 2 && NATIONAL <= ORGS)) || die "want CLUSTERS >= 2 and NATIONAL <= ORGS"
[[ $YEARS =~ ^[0-9]{4}-[0-9]{4}$ ]] || die "YEARS wants FIRST-LAST, got '$YEARS'"
[[ -z $NEWS_PATH || $NEWS_PATH =~ ^/[A-Za-z0-9/?=\&_.-]*$ ]] || die "NEWS_PATH: a path such as /news"
bench_build
bench_check_ports

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# --- data -----------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
GEN=("python3" "$ROOT/bench/gen.py" --seed "$SEED")
WORLD=(--orgs "$ORGS" --clusters "$CLUSTERS" --national "$NATIONAL")
echo "gen.py: $ORGS entries, $CLUSTERS clusters, memberships, figures $YEARS (seed $SEED) ..." >&2
start=$(now_ms)
"${GEN[@]}" orgs --count "$ORGS" >"$TMP/orgs.csv"
"${GEN[@]}" clusters --count "$CLUSTERS" --orgs "$ORGS" >"$TMP/clusters.csv"
"${GEN[@]}" members "${WORLD[@]}" >"$TMP/members.sql" 2>"$TMP/gen-members.log" ||
    { cat "$TMP/gen-members.log" >&2; die "gen.py members failed"; }
"${GEN[@]}" figures "${WORLD[@]}" --years "$YEARS" --part all --format sql \
    >"$TMP/figures.sql" 2>"$TMP/gen-figures.log" || { cat "$TMP/gen-figures.log" >&2; die "gen.py figures failed"; }
"$SCAN_BIN" org import "$TMP/orgs.csv" --db "$DB" >/dev/null 2>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import failed"; }
"$SCAN_BIN" org import "$TMP/clusters.csv" --db "$DB" >/dev/null 2>>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import (clusters) failed"; }
sqlite3 "$DB" <"$TMP/members.sql" || die "loading the memberships failed"
sqlite3 "$DB" <"$TMP/figures.sql" || die "loading the figures failed"
# $NEWS published news items, one in four SCAN's, the others the first
# clusters' (the list pages through them 20 at a time)
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $NEWS),
c(id, k) AS (SELECT id, row_number() OVER (ORDER BY id) - 1 FROM org WHERE kind = 'cluster' LIMIT 50)
INSERT INTO news(org_id, slug, title_sr, lead_sr, body_sr, title_en, lead_en, body_en, topic,
                 status, publish_at, created_at, updated_at)
SELECT CASE WHEN i % 4 = 0 THEN NULL ELSE (SELECT id FROM c WHERE k = i % (SELECT count(*) FROM c)) END,
       'vest-' || i, 'Вест број ' || i || ' о кластерима Србије',
       'Кратак увод у вест ' || i || ': шта се десило и зашто је важно чланицама.',
       'Тело вести ' || i || '.', 'News item ' || i || ' about Serbian clusters',
       'A short lead of item ' || i || ': what happened and why it matters to members.',
       'Body of item ' || i || '.', 'cluster', 'published',
       strftime('%s', 'now') - i * 3600, strftime('%s', 'now') - i * 3600,
       strftime('%s', 'now') - i * 3600 FROM n" || die "loading the news failed"
# a reference employment table (illustrative: every district and section
# of the newest figures year), so that the map's first render includes the
# members' location quotients (panorama_lq_members)
REF_YEAR=${YEARS#*-}
sqlite3 "$DB" "INSERT INTO ref_employment(district, nace, year, employees, source, is_demo, imported_at)
SELECT d.code, n.code, $REF_YEAR, 100 + (abs(random()) % 5000), 'bench: illustrative', 1, 0
FROM ref_district d CROSS JOIN ref_nace n WHERE n.parent IS NULL" || die "loading the reference employment failed"
LOAD_S=$(secs_since "$start")
q() { sqlite3 -batch -noheader "$DB" "$1"; }
N_FIGURES=$(q "SELECT count(*) FROM org_figure")
DB_MB=$(awk -v b="$(wc -c <"$DB")" 'BEGIN { printf "%.0f", b / 1048576 }')

# --- pages ------------------------------------------------------------------------------
bench_start_scan "$DB"
HOME_PATH="/"
MAP_PATH="/map?measure=employees"

# the first render after a write, $WRITES times
echo "first render of $MAP_PATH after a write ($WRITES) ..." >&2
curl -fsS -o /dev/null "$SCAN_URL$MAP_PATH" || die "GET $MAP_PATH failed"
for _ in $(seq "$WRITES"); do
    # a figures row of the newest year changed (the stored totals' triggers
    # run, as for every figures write) and figures_version bumped, in one
    # transaction as figures.c writes
    q "BEGIN; UPDATE org_figure SET employees = coalesce(employees, 0) + 1 WHERE id =
         (SELECT id FROM org_figure WHERE year = $REF_YEAR AND id >= abs(random()) %
           (SELECT max(id) FROM org_figure) ORDER BY id LIMIT 1);
       UPDATE data_version SET n = n + 1 WHERE kind = 'figures' AND shard = 0; COMMIT"
    sleep 0.3 # past the versions' 100 ms TTL: the server sees the write (a bench, not a test)
    curl -fsS -o /dev/null -w '%{time_total} ' -D "$TMP/first.h" "$SCAN_URL$MAP_PATH"
    grep -qi '^x-scan-cache: miss' "$TMP/first.h" && echo miss || echo "not-a-miss"
done >"$TMP/first"
grep -q not-a-miss "$TMP/first" && die "a render after a write came from the cache: $(cat "$TMP/first")"
awk '{ printf "%.2f\n", $1 * 1000 }' "$TMP/first" | sort -n >"$TMP/first.ms"
FIRST_P50=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' "$TMP/first.ms")
FIRST_MAX=$(tail -1 "$TMP/first.ms")

# the cached map, one request at a time: its latency without wrk's queueing
echo "cached $MAP_PATH, $SEQ sequential requests ..." >&2
curl -fsS -o /dev/null "$SCAN_URL$MAP_PATH"
for _ in $(seq "$SEQ"); do curl -fsS -o /dev/null -w '%{time_total}\n' "$SCAN_URL$MAP_PATH"; done |
    awk '{ printf "%.3f\n", $1 * 1000 }' | sort -n >"$TMP/seq.ms"
SEQ_P50=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' "$TMP/seq.ms")
SEQ_P99=$(awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] }' "$TMP/seq.ms")

WWW=$TMP/www
mkdir -p "$WWW"
fetch() {
    local ct
    ct=$(curl -fsS -o "$WWW/$1" -w '%{content_type}' "$SCAN_URL$2") || die "GET $2 failed"
    echo "$ct"
}
CT_HOME=$(fetch home.html "$HOME_PATH")
CT_MAP=$(fetch map.html "$MAP_PATH")
PAIRS=("home.html:$CT_HOME" "map.html:$CT_MAP")
if [[ -n $NEWS_PATH ]]; then
    CT_NEWS=$(fetch news.html "$NEWS_PATH")
    PAIRS+=("news.html:$CT_NEWS")
fi
bench_start_nginx "$WWW" "${PAIRS[@]}"

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
bench_wrk "scan home" "$SCAN_URL$HOME_PATH"
bench_wrk "nginx home.html" "$NGINX_URL/home.html"
bench_wrk "scan map (cached)" "$SCAN_URL$MAP_PATH"
bench_wrk "nginx map.html" "$NGINX_URL/map.html"
if [[ -n $NEWS_PATH ]]; then
    bench_wrk "scan news" "$SCAN_URL$NEWS_PATH"
    bench_wrk "nginx news.html" "$NGINX_URL/news.html"
fi

TABLE=$(
    bench_table_head
    bench_row "scan home" "$(ratio "${RPS[scan home]}" "${RPS[nginx home.html]}")"
    bench_row "nginx home.html" "1.00x"
    bench_row "scan map (cached)" "$(ratio "${RPS[scan map (cached)]}" "${RPS[nginx map.html]}")"
    bench_row "nginx map.html" "1.00x"
    if [[ -n $NEWS_PATH ]]; then
        bench_row "scan news" "$(ratio "${RPS[scan news]}" "${RPS[nginx news.html]}")"
        bench_row "nginx news.html" "1.00x"
    fi
)
meets_max() { awk -v p="$1" -v t="$2" 'BEGIN { print (p <= t ? "meets" : "misses") }'; }
meets_min() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { print (a / b >= t ? "meets" : "misses") }'; }
SUMMARY="- home page: $(ratio "${RPS[scan home]}" "${RPS[nginx home.html]}") of nginx ($(meets_min "${RPS[scan home]}" "${RPS[nginx home.html]}" 0.5) the 0.5x target)
- map once cached, one request at a time ($SEQ): p50 $SEQ_P50 ms, p99 $SEQ_P99 ms ($(meets_max "$SEQ_P99" 10) the 10 ms target); under $CONNECTIONS connections (wrk) p99 ${P99[scan map (cached)]} ms
- map, first render after a write ($WRITES writes): median $FIRST_P50 ms, max $FIRST_MAX ms ($(meets_max "$FIRST_MAX" 100) the 100 ms target)"
if [[ -n $NEWS_PATH ]]; then
    SUMMARY+="
- $NEWS_PATH: $(ratio "${RPS[scan news]}" "${RPS[nginx news.html]}") of nginx ($(meets_min "${RPS[scan news]}" "${RPS[nginx news.html]}" 0.5) the 0.5x target)"
fi
echo
echo "$TABLE"
echo
bench_errors
echo "$SUMMARY"

if [[ -n $RESULTS ]]; then
    {
        bench_results_header "awareness: home page and district map over $ORGS entries"
        printf -- '- data: bench/gen.py --seed %s orgs %s, clusters %s, members (national %s), figures %s (%s rows) loaded in %ss; database %s MB\n' \
            "$SEED" "$ORGS" "$CLUSTERS" "$NATIONAL" "$YEARS" "$N_FIGURES" "$LOAD_S" "$DB_MB"
        printf -- '- pages (anonymous): `%s` (%s bytes), `%s` (%s bytes); nginx serves the same bytes\n' \
            "$HOME_PATH" "$(wc -c <"$WWW/home.html")" "$MAP_PATH" "$(wc -c <"$WWW/map.html")"
        [[ -z $NEWS_PATH ]] || printf -- '- news: `%s` (%s bytes) over %s published items\n' \
            "$NEWS_PATH" "$(wc -c <"$WWW/news.html")" "$NEWS"
        echo "$SUMMARY"
        printf -- '- load average (1 min) before / after the runs: %s / %s\n' "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)"
        printf '\n%s\n' "$TABLE"
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi
exit "$FAILED"
