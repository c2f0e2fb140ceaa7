#!/usr/bin/env bash
# bench/network.sh: joint projects, the portfolio and the partner network
# at scale (issue 14), beside nginx serving the same bytes in the same run.
#
# Builds build-bench/ (release) unless SCAN_BIN names a binary, makes a
# fresh database, imports $ORGS entries and $CLUSTERS clusters from
# bench/gen.py (seed $SEED) with their memberships, then `gen.py projects`:
# $PARTNERS partner entries, $PROJECTS projects with about $PARTS
# participations, $AGREEMENTS agreements. Then `scan serve` and, with wrk
# (anonymous, keep-alive, $CONNECTIONS connections, $DURATION s each):
#
#   /projects              the list (500 newest public projects), target
#                          at least 0.4x nginx serving its bytes
#   /projects/portfolio    target p99 <= 20 ms
#   /network               target p99 <= 50 ms (partners grouped by kind)
#
# Prints one table and appends it to bench/RESULTS.md.
#
# Environment: ORGS (100000), CLUSTERS (1000), PARTNERS (5000), PROJECTS
# (20000), PARTS (100000), AGREEMENTS (2000), SEED (1), DURATION (10),
# CONNECTIONS (50), SCAN_PORT, NGINX_PORT, SCAN_BIN, RESULTS (empty: do not
# write).
#
# Usage: bench/network.sh     ORGS=10000 CLUSTERS=100 PARTNERS=500 PROJECTS=2000 PARTS=10000 DURATION=3 bench/network.sh
set -euo pipefail

BENCH_NAME=network.sh
BENCH_TOOLS="python3 sqlite3"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
ORGS=${ORGS:-100000}
CLUSTERS=${CLUSTERS:-1000}
PARTNERS=${PARTNERS:-5000}
PROJECTS=${PROJECTS:-20000}
PARTS=${PARTS:-100000}
AGREEMENTS=${AGREEMENTS:-2000}
SEED=${SEED:-1}
for v in ORGS CLUSTERS PARTNERS PROJECTS PARTS AGREEMENTS; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v wants a positive whole number, got '${!v}'"
done
bench_build
bench_check_ports

# --- data -----------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
GEN=("python3" "$ROOT/bench/gen.py" --seed "$SEED")
echo "gen.py: $ORGS entries, $CLUSTERS clusters, memberships (seed $SEED) ..." >&2
"${GEN[@]}" orgs --count "$ORGS" --format csv >"$TMP/orgs.csv"
"${GEN[@]}" clusters --count "$CLUSTERS" --orgs "$ORGS" --format csv >"$TMP/clusters.csv"
"${GEN[@]}" members --orgs "$ORGS" --clusters "$CLUSTERS" --national "$((ORGS / 10))" >"$TMP/members.sql" 2>"$TMP/gen-members.log" ||
    { cat "$TMP/gen-members.log" >&2; die "gen.py members failed"; }
"$SCAN_BIN" org import "$TMP/orgs.csv" --db "$DB" >/dev/null 2>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import failed"; }
"$SCAN_BIN" org import "$TMP/clusters.csv" --db "$DB" >/dev/null 2>>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import (clusters) failed"; }
sqlite3 "$DB" <"$TMP/members.sql" || die "loading the memberships failed"
echo "gen.py projects: $PARTNERS partners, $PROJECTS projects, ~$PARTS participations, $AGREEMENTS agreements ..." >&2
"${GEN[@]}" projects --orgs "$ORGS" --clusters "$CLUSTERS" --partners "$PARTNERS" --projects "$PROJECTS" \
    --participations "$PARTS" --agreements "$AGREEMENTS" >"$TMP/projects.sql" || die "gen.py projects failed"
sqlite3 "$DB" <"$TMP/projects.sql" || die "loading the projects failed"
N_PROJECTS=$(sqlite3 "$DB" 'SELECT count(*) FROM project')
N_PARTS=$(sqlite3 "$DB" 'SELECT count(*) FROM project_participant')
N_TIES=$(sqlite3 "$DB" 'SELECT count(*) FROM agreement_party')

# --- pages ------------------------------------------------------------------------------
bench_start_scan "$DB"
WWW=$TMP/www
mkdir -p "$WWW"
fetch() {
    local ct
    ct=$(curl -fsS -o "$WWW/$1" -w '%{content_type}' "$SCAN_URL$2") || die "GET $2 failed"
    echo "$ct"
}
CT_LIST=$(fetch list.html /projects)
CT_PF=$(fetch portfolio.html /projects/portfolio)
CT_NET=$(fetch network.html /network)
bench_start_nginx "$WWW" "list.html:$CT_LIST" "portfolio.html:$CT_PF" "network.html:$CT_NET"

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
bench_wrk "scan /projects" "$SCAN_URL/projects"
bench_wrk "nginx list.html" "$NGINX_URL/list.html"
bench_wrk "scan /projects/portfolio" "$SCAN_URL/projects/portfolio"
bench_wrk "nginx portfolio.html" "$NGINX_URL/portfolio.html"
bench_wrk "scan /network" "$SCAN_URL/network"
bench_wrk "nginx network.html" "$NGINX_URL/network.html"

TABLE=$(
    bench_table_head
    bench_row "scan /projects" "$(ratio "${RPS[scan /projects]}" "${RPS[nginx list.html]}")"
    bench_row "nginx list.html" "1.00x"
    bench_row "scan /projects/portfolio" "$(ratio "${RPS[scan /projects/portfolio]}" "${RPS[nginx portfolio.html]}")"
    bench_row "nginx portfolio.html" "1.00x"
    bench_row "scan /network" "$(ratio "${RPS[scan /network]}" "${RPS[nginx network.html]}")"
    bench_row "nginx network.html" "1.00x"
)
ok() { awk -v p="$1" -v t="$2" 'BEGIN { print (p <= t ? "meets" : "misses") }'; }
SUMMARY="- /projects: $(ratio "${RPS[scan /projects]}" "${RPS[nginx list.html]}") of nginx (target 0.4x)
- /projects/portfolio: p99 ${P99[scan /projects/portfolio]} ms ($(ok "${P99[scan /projects/portfolio]}" 20) the 20 ms target)
- /network: p99 ${P99[scan /network]} ms ($(ok "${P99[scan /network]}" 50) the 50 ms target)"
echo
echo "$TABLE"
echo
bench_errors
echo "$SUMMARY"

if [[ -n $RESULTS ]]; then
    {
        bench_results_header "joint projects and the partner network, $N_PROJECTS projects over $ORGS entries"
        printf -- '- data: bench/gen.py --seed %s orgs %s, clusters %s, members, projects (%s partners, %s projects, %s participations, %s agreement parties)\n' \
            "$SEED" "$ORGS" "$CLUSTERS" "$PARTNERS" "$N_PROJECTS" "$N_PARTS" "$N_TIES"
        printf -- '- pages (anonymous): /projects (%s bytes), /projects/portfolio (%s bytes), /network (%s bytes); nginx serves the same bytes\n' \
            "$(wc -c <"$WWW/list.html")" "$(wc -c <"$WWW/portfolio.html")" "$(wc -c <"$WWW/network.html")"
        echo "$SUMMARY"
        printf -- '- load average (1 min) before / after the runs: %s / %s\n' "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)"
        printf '\n%s\n' "$TABLE"
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi
exit "$FAILED"
