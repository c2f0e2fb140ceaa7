#!/usr/bin/env bash
# bench/figures.sh: the clusters and figures pages at scale, beside nginx
# serving the same bytes as static files, with the time of a 100,000-row
# figures import and the cold latency of /figures after it.
#
# Waits until src/web/routes.c has the /figures route (checks every 60 s,
# up to $WAIT_ROUTE seconds), then builds build-bench/ (release) unless
# SCAN_BIN names a binary. Makes a fresh database in a temp folder from
# bench/gen.py (seed $SEED): $ORGS entries (`orgs`) and $CLUSTERS clusters
# (`clusters`), both through `scan org import`; memberships, SCAN
# membership histories, stages, labels and profiles (`members`, SQL through
# sqlite3: there is no import command for them); and the figures of years
# $YEARS of every entry except the members of the national cluster (the
# first, with $NATIONAL current members) as SQL into org_figure. With the
# defaults: 1,000 clusters, 100,000 member organisations, 900,000 figure
# rows loaded and 100,000 imported = 1,000,000.
#
# Then starts `scan serve` (anonymous requests; one admin account for the
# import) and:
#   import  the national cluster's members' figures ($NATIONAL x years rows)
#           as CSV through POST /orgs/{national}/figures/import, as a
#           logged-in admin: the check (dry run) and the import itself,
#           each timed (hyperfine --runs 1 if installed, else bash `time`;
#           there is no `scan figures import` command yet)
#   cold    the first GET /figures after that write (curl %{time_total}),
#           and the first GET of the cluster page
#   wrk     keep-alive, $CONNECTIONS connections, $DURATION s, --latency:
#           /figures (SCAN-wide, latest year) and /orgs/{cluster} (a SCAN
#           member cluster of median size, or $CLUSTER_SLUG), and nginx
#           serving each page's bytes with scan's Content-Type
# Targets (the issue): /figures p99 <= 20 ms, the cluster page p99 <=
# 10 ms, the import <= 10 s. Prints one table and appends it, with the
# setup, timings and verdicts, to bench/RESULTS.md. Exits 1 when a run saw
# socket errors or non-2xx answers (a missed target is reported, not an
# error). Everything it starts is stopped on exit; the temp folder goes.
#
# Then WRITES (5) one-row imports, each followed by a cold GET /figures,
# anonymous and logged in: "cold /figures after a write" (median).
#
# Environment: ORGS (100000), CLUSTERS (1000), NATIONAL (10000), YEARS
# (2015-2024), SEED (1), WRITES (5), CLUSTER_SLUG (median SCAN member cluster),
# WAIT_ROUTE (1800), DURATION (10), WARMUP (1), CONNECTIONS (50),
# WRK_THREADS (2), SCAN_PORT (18181), NGINX_PORT (18182), SCAN_BIN (build
# it), RESULTS (bench/RESULTS.md; empty: do not write), KEEP_DB (a path:
# copy the database there after the runs, for profiling).
#
# Usage: bench/figures.sh     ORGS=10000 CLUSTERS=100 NATIONAL=1000 DURATION=3 bench/figures.sh
set -euo pipefail

BENCH_NAME=figures.sh
BENCH_TOOLS="python3 sqlite3"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
ORGS=${ORGS:-100000}
CLUSTERS=${CLUSTERS:-1000}
NATIONAL=${NATIONAL:-10000}
YEARS=${YEARS:-2015-2024}
SEED=${SEED:-1}
WAIT_ROUTE=${WAIT_ROUTE:-1800}
for v in ORGS CLUSTERS NATIONAL SEED WAIT_ROUTE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v wants a whole number, got '${!v}'"
done
((ORGS > 0 && CLUSTERS >= 2 && NATIONAL > 0 && NATIONAL <= ORGS)) ||
    die "want ORGS > 0, CLUSTERS >= 2, 0 < NATIONAL <= ORGS"
[[ $YEARS =~ ^[0-9]{4}-[0-9]{4}$ ]] || die "YEARS wants FIRST-LAST, got '$YEARS'"
N_YEARS=$((10#${YEARS#*-} - 10#${YEARS%-*} + 1))
((N_YEARS > 0)) || die "YEARS: the first year is after the last"
[[ -z ${CLUSTER_SLUG:-} || $CLUSTER_SLUG =~ ^[a-z0-9-]+$ ]] || die "CLUSTER_SLUG: not a slug"

# --- the /figures route -----------------------------------------------------------
# Another engineer is writing the page: wait for its route before building.
waited=0
until grep -q '"/figures"' "$ROOT/src/web/routes.c"; do
    ((waited < WAIT_ROUTE)) || die "no /figures route in src/web/routes.c after ${WAIT_ROUTE}s"
    echo "bench/figures.sh: no /figures route in src/web/routes.c yet; checking again in 60 s" >&2
    sleep 60
    waited=$((waited + 60))
done
bench_build
bench_check_ports

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
mb() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.0f", b / 1048576 }'; }
GEN=("python3" "$ROOT/bench/gen.py" --seed "$SEED")
WORLD=(--orgs "$ORGS" --clusters "$CLUSTERS" --national "$NATIONAL")

# --- data ---------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
echo "gen.py: $ORGS entries, $CLUSTERS clusters, memberships, figures $YEARS (seed $SEED) ..." >&2
start=$(now_ms)
"${GEN[@]}" orgs --count "$ORGS" >"$TMP/orgs.csv"
"${GEN[@]}" clusters --count "$CLUSTERS" --orgs "$ORGS" >"$TMP/clusters.csv"
"${GEN[@]}" members "${WORLD[@]}" >"$TMP/members.sql" 2>"$TMP/gen-members.log" ||
    { cat "$TMP/gen-members.log" >&2; die "gen.py members failed"; }
"${GEN[@]}" figures "${WORLD[@]}" --years "$YEARS" --part rest --format sql \
    >"$TMP/figures.sql" 2>"$TMP/gen-figures.log" || { cat "$TMP/gen-figures.log" >&2; die "gen.py figures failed"; }
"${GEN[@]}" figures "${WORLD[@]}" --years "$YEARS" --part national --format csv \
    >"$TMP/national.csv" 2>>"$TMP/gen-figures.log" || { cat "$TMP/gen-figures.log" >&2; die "gen.py figures failed"; }
GEN_S=$(secs_since "$start")
MEMBERS_SUMMARY=$(sed 's/^gen.py members: //' "$TMP/gen-members.log")
IMPORT_ROWS=$(($(wc -l <"$TMP/national.csv") - 1))

load() { # WHAT COMMAND...: runs it, dies with its output on failure; prints seconds
    local what=$1 t
    shift
    t=$(now_ms)
    "$@" >"$TMP/load.out" 2>&1 || { tail -20 "$TMP/load.out" >&2; die "$what failed"; }
    secs_since "$t"
}
# shellcheck disable=SC2317  # called through load
sql_load() { sqlite3 "$1" <"$2"; }
echo "loading ..." >&2
ORGS_S=$(load "scan org import (orgs)" "$SCAN_BIN" org import "$TMP/orgs.csv" --db "$DB")
CLUSTERS_S=$(load "scan org import (clusters)" "$SCAN_BIN" org import "$TMP/clusters.csv" --db "$DB")
MEMBERS_S=$(load "sqlite3 < members.sql" sql_load "$DB" "$TMP/members.sql")
FIGURES_S=$(load "sqlite3 < figures.sql" sql_load "$DB" "$TMP/figures.sql")
# the admin who imports (the password is only for this run)
PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
EMAIL=bench-figures@scan.example
printf '%s\n' "$PASSWORD" | "$SCAN_BIN" user add "$EMAIL" --name "Bench Admin" --admin \
    --password-stdin --db "$DB" >"$TMP/user.log" 2>&1 || { cat "$TMP/user.log" >&2; die "scan user add failed"; }

q() { sqlite3 -batch -noheader "$DB" "$1"; }
LOADED_ROWS=$(q "SELECT count(*) FROM org_figure")
N_MEMBERSHIPS=$(q "SELECT count(*) FROM cluster_member")
# the national cluster: the first of clusters.csv
NATIONAL_SLUG=$(awk -F, 'NR == 2 { print $1; exit }' "$TMP/clusters.csv")
# a SCAN member cluster (status in force today) of median current size
if [[ -z ${CLUSTER_SLUG:-} ]]; then
    CLUSTER_SLUG=$(q "WITH c AS (SELECT o.slug, count(*) AS n FROM cluster_member m
        JOIN org o ON o.id = m.cluster_id
        WHERE m.left_on IS NULL AND o.slug <> '$NATIONAL_SLUG'
          AND (SELECT s.status FROM scan_membership s WHERE s.org_id = o.id
               ORDER BY s.since DESC, s.id DESC LIMIT 1) = 'member'
        GROUP BY o.id), r AS (SELECT slug, n, row_number() OVER (ORDER BY n, slug) AS i,
        count(*) OVER () AS k FROM c) SELECT slug FROM r WHERE i = (k + 1) / 2")
    [[ -n $CLUSTER_SLUG ]] || die "no SCAN member cluster to show"
fi
CLUSTER_MEMBERS=$(q "SELECT count(*) FROM cluster_member m JOIN org o ON o.id = m.cluster_id
    WHERE o.slug = '$CLUSTER_SLUG' AND m.left_on IS NULL")
SCAN_CLUSTERS=$(q "SELECT count(*) FROM org o WHERE (SELECT s.status FROM scan_membership s
    WHERE s.org_id = o.id ORDER BY s.since DESC, s.id DESC LIMIT 1) IN ('member', 'founder')")

# --- scan; the import -------------------------------------------------------------
bench_start_scan "$DB"
IMPORT_PATH="/orgs/$NATIONAL_SLUG/figures/import"
JAR=$TMP/cookies
code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -H "Origin: $SCAN_URL" \
    --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$SCAN_URL/login")
[[ $code == 303 ]] || die "logging in answered $code"
CSRF=$(curl -fsS -b "$JAR" "$SCAN_URL$IMPORT_PATH" | grep -o 'name="_csrf" value="[^"]*"' | head -1 |
    sed 's/.*value="//; s/"$//')
[[ -n $CSRF ]] || die "no CSRF token on $IMPORT_PATH"

# post_cmd CONFIRM OUT: the command line of one POST of national.csv (confirm
# 0: the check, 1: the import); OUT gets "CODE REDIRECT"
post_cmd() {
    printf 'curl -sS -b %q -H %q -F %q -F %q -F %q -o %q -w %q %q >%q' "$JAR" "Origin: $SCAN_URL" \
        "_csrf=$CSRF" "confirm=$1" "file=@$TMP/national.csv;type=text/csv" "$TMP/import.html" \
        '%{http_code} %{redirect_url}\n' "$SCAN_URL$IMPORT_PATH" "$2"
}
if command -v hyperfine >/dev/null; then
    TIMER="hyperfine --runs 1"
    timed() { # COMMAND: runs it once; prints the seconds
        hyperfine --runs 1 --shell bash --style none --export-json "$TMP/hf.json" "$1" >/dev/null 2>"$TMP/hf.err" ||
            { cat "$TMP/hf.err" >&2; die "hyperfine failed"; }
        python3 -c 'import json, sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$TMP/hf.json"
    }
else
    TIMER="bash time"
    timed() {
        local TIMEFORMAT=%R
        { time bash -c "$1" 2>&1 >/dev/null; } 2>&1 | tail -1
    }
fi
# the first /figures on this fresh database computes and stores every
# total it shows (migration 0009); from then on writes keep them exact
read -r code FIRST_FIGURES < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' "$SCAN_URL/figures")
[[ $code == 200 ]] || die "GET /figures answered $code"
echo "import: $IMPORT_ROWS rows through POST $IMPORT_PATH (check, then import) ..." >&2
CHECK_S=$(timed "$(post_cmd 0 "$TMP/check.code")") || die "the check (dry run) request failed"
read -r code _ <"$TMP/check.code"
[[ $code == 200 ]] || { grep -o 'class="problem[^<]*<[^<]*' "$TMP/import.html" | head >&2 || true; die "the check answered $code"; }
IMPORT_S=$(timed "$(post_cmd 1 "$TMP/import.code")") || die "the import request failed"
read -r code redirect <"$TMP/import.code"
[[ $code == 303 && $redirect == *"created=$IMPORT_ROWS&"* ]] ||
    { sed 's/<[^>]*>/ /g' "$TMP/import.html" | tr -s ' \n' | head -c 2000 >&2; die "the import answered $code $redirect"; }
IMPORT_SUMMARY=$(sed 's/.*?//; s/&/, /g; s/=/ /g' <<<"$redirect")
TOTAL_ROWS=$(q "SELECT count(*) FROM org_figure")
DB_MB=$(mb "$DB")

# --- cold after the write, then the pages for nginx ------------------------------------
FIGURES_PATH=/figures
CLUSTER_PATH=/orgs/$CLUSTER_SLUG
WWW=$TMP/www
mkdir -p "$WWW"
cold() { # FILE PATH: the first GET after the write; prints "CODE SECONDS CONTENT-TYPE"
    curl -sS -o "$WWW/$1" -w '%{http_code} %{time_total} %{content_type}\n' "$SCAN_URL$2"
}
read -r code COLD_FIGURES CT_FIGURES < <(cold figures.html "$FIGURES_PATH")
[[ $code == 200 ]] || die "GET $FIGURES_PATH answered $code"
read -r code COLD_CLUSTER CT_CLUSTER < <(cold cluster.html "$CLUSTER_PATH")
[[ $code == 200 ]] || die "GET $CLUSTER_PATH answered $code"
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
COLD_FIGURES=$(ms "$COLD_FIGURES")
COLD_CLUSTER=$(ms "$COLD_CLUSTER")
FIRST_FIGURES=$(ms "$FIRST_FIGURES")

# --- one-row writes: the cold page right after each, median of $WRITES --------------------
# each a one-row import of a national member's figures with another
# headcount (a real figures write: a new figures_version, so the cached
# page is stale), then GET /figures anonymous and logged in (never cached)
WRITES=${WRITES:-5}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$TMP/after-anon" && : >"$TMP/after-user"
for ((i = 1; i <= WRITES; i++)); do
    awk -F, -v OFS=, -v k="$i" 'NR == 1 { print; next } NR == 2 { $3 = $3 + k; print; exit }' \
        "$TMP/national.csv" >"$TMP/one.csv"
    code=$(curl -sS -b "$JAR" -H "Origin: $SCAN_URL" -F "_csrf=$CSRF" -F confirm=1 \
        -F "file=@$TMP/one.csv;type=text/csv" -o /dev/null -w '%{http_code}' "$SCAN_URL$IMPORT_PATH")
    [[ $code == 303 ]] || die "the one-row import answered $code"
    ms "$(curl -sS -o /dev/null -w '%{time_total}' "$SCAN_URL/figures")" >>"$TMP/after-anon"
    echo >>"$TMP/after-anon"
    ms "$(curl -sS -b "$JAR" -o /dev/null -w '%{time_total}' "$SCAN_URL/figures")" >>"$TMP/after-user"
    echo >>"$TMP/after-user"
done
AFTER_WRITE=$(median <"$TMP/after-anon")
AFTER_WRITE_USER=$(median <"$TMP/after-user")
# what nginx serves: the next (cached) answers, which wrk will get too
curl -fsS -o "$WWW/figures.html" "$SCAN_URL$FIGURES_PATH"
curl -fsS -o "$WWW/cluster.html" "$SCAN_URL$CLUSTER_PATH"
bench_start_nginx "$WWW" "figures.html:$CT_FIGURES" "cluster.html:$CT_CLUSTER"

# --- wrk --------------------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
bench_wrk "scan /figures" "$SCAN_URL$FIGURES_PATH"
bench_wrk "nginx figures.html" "$NGINX_URL/figures.html"
bench_wrk "scan cluster page" "$SCAN_URL$CLUSTER_PATH"
bench_wrk "nginx cluster.html" "$NGINX_URL/cluster.html"
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
if [[ -n ${KEEP_DB:-} ]]; then
    cp "$DB" "$KEEP_DB"
fi

# --- table and verdicts -------------------------------------------------------------------
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 <= t + 0 ? "meets" : "misses") }'; }
V_FIGURES=$(verdict "${P99[scan /figures]}" 20)
V_CLUSTER=$(verdict "${P99[scan cluster page]}" 10)
V_IMPORT=$(verdict "$IMPORT_S" 10)
TABLE=$(
    bench_table_head
    bench_row "scan /figures" "$(ratio "${RPS[scan /figures]}" "${RPS[nginx figures.html]}")"
    bench_row "nginx figures.html" "1.00x"
    bench_row "scan cluster page" "$(ratio "${RPS[scan cluster page]}" "${RPS[nginx cluster.html]}")"
    bench_row "nginx cluster.html" "1.00x"
)
SUMMARY=$(
    printf -- '- /figures p99 %s ms: %s the 20 ms target\n' "${P99[scan /figures]}" "$V_FIGURES"
    printf -- '- cluster page p99 %s ms: %s the 10 ms target\n' "${P99[scan cluster page]}" "$V_CLUSTER"
    printf -- '- import of %s rows: %ss (%s): %s the 10 s target; its check (dry run) %ss\n' \
        "$IMPORT_ROWS" "$IMPORT_S" "$IMPORT_SUMMARY" "$V_IMPORT" "$CHECK_S"
    printf -- '- cold, the first request after the import: /figures %s ms, cluster page %s ms\n' \
        "$COLD_FIGURES" "$COLD_CLUSTER"
    printf -- '- cold /figures after a write (one-row import, median of %s): %s ms anonymous, %s ms logged in (target 100 ms); the first /figures on the fresh database, storing every total, %s ms\n' \
        "$WRITES" "$AFTER_WRITE" "$AFTER_WRITE_USER" "$FIRST_FIGURES"
)
echo
echo "$TABLE"
echo
bench_errors
echo "$SUMMARY"

if [[ -n $RESULTS ]]; then
    {
        bench_results_header "figures, $CLUSTERS clusters, $ORGS members, $TOTAL_ROWS figure rows"
        # shellcheck disable=SC2016  # backticks are Markdown here
        printf -- '- data: bench/gen.py --seed %s orgs/clusters/members/figures (--orgs %s --clusters %s --national %s --years %s), %ss; %s\n' \
            "$SEED" "$ORGS" "$CLUSTERS" "$NATIONAL" "$YEARS" "$GEN_S" "$MEMBERS_SUMMARY"
        # shellcheck disable=SC2016
        printf -- '- load: `scan org import` of the entries %ss and of the clusters %ss; memberships (SQL, %s rows) %ss; %s figure rows (SQL) %ss; database %s MB after the import; %s clusters are SCAN members or founders today\n' \
            "$ORGS_S" "$CLUSTERS_S" "$N_MEMBERSHIPS" "$MEMBERS_S" "$LOADED_ROWS" "$FIGURES_S" "$DB_MB" "$SCAN_CLUSTERS"
        # shellcheck disable=SC2016
        printf -- '- import: %s rows (%s MB of CSV, the national cluster `%s`'"'"'s %s members x %s years) through POST %s as an admin, timed with %s: check (dry run) %ss, import %ss (%s) - %s the 10 s target\n' \
            "$IMPORT_ROWS" "$(mb "$TMP/national.csv")" "$NATIONAL_SLUG" "$NATIONAL" "$N_YEARS" "$IMPORT_PATH" "$TIMER" "$CHECK_S" "$IMPORT_S" "$IMPORT_SUMMARY" "$V_IMPORT"
        printf -- '- cold (first request after the import, curl time_total): /figures %s ms, cluster page %s ms; wrk then measures the cached pages\n' \
            "$COLD_FIGURES" "$COLD_CLUSTER"
        printf -- '- cold /figures after a one-row figures write (curl time_total, median of %s writes): anonymous %s ms, logged in %s ms; the first /figures on the fresh database (computes and stores the totals) %s ms\n' \
            "$WRITES" "$AFTER_WRITE" "$AFTER_WRITE_USER" "$FIRST_FIGURES"
        # shellcheck disable=SC2016
        printf -- '- pages (anonymous): `%s` (%s bytes; p99 %s ms, %s the 20 ms target), `%s` (%s bytes, %s current members; p99 %s ms, %s the 10 ms target); nginx serves the same bytes\n' \
            "$FIGURES_PATH" "$(wc -c <"$WWW/figures.html")" "${P99[scan /figures]}" "$V_FIGURES" \
            "$CLUSTER_PATH" "$(wc -c <"$WWW/cluster.html")" "$CLUSTER_MEMBERS" "${P99[scan cluster page]}" "$V_CLUSTER"
        printf -- '- load average (1 min) before / after the runs: %s / %s (wrk and both servers share these CPUs)\n' \
            "$LOAD_BEFORE" "$LOAD_AFTER"
        if ((FAILED)); then
            printf -- '- WARNING: some runs had socket errors or non-2xx responses:\n'
            bench_errors | sed 's/^/  /'
        fi
        printf '\n%s\n' "$TABLE"
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi

exit "$FAILED"
