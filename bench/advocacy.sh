#!/usr/bin/env bash
# bench/advocacy.sh: advocacy positions at scale (issue 16): $POSITIONS
# positions with $SIGNATURES signatures over the generated clusters, whose
# weight is computed from the figures of $ORGS entries over $YEARS (100,000
# entries x 10 years: 1,000,000 figure rows), beside nginx serving the
# same bytes in the same run.
#
# Builds build-bench/ (release) unless SCAN_BIN names a binary, makes a
# fresh database, imports $ORGS entries and $CLUSTERS clusters from
# bench/gen.py (seed $SEED) with their memberships, their yearly figures
# (gen.py figures) and the positions (gen.py positions). Then `scan serve`
# and:
#
#   first       the position page of the public position with the most
#               signatures, after a new signature (written with sqlite3,
#               the directory version bumped as tx_write does, so the page
#               cache and the weight cache both miss): curl's time_total of
#               the first render, median of $AFTER signatures (target
#               <= 100 ms)
#   wrk         that page once cached (anonymous; target p99 <= 10 ms) and
#               the positions list (target >= 0.4x nginx), beside nginx
#               serving their bytes
#
# Environment: ORGS (100000), CLUSTERS (1000), YEARS (2015-2024),
# POSITIONS (2000), SIGNATURES (50000), AFTER (5), SEED (1), DURATION
# (10), CONNECTIONS (50), SCAN_PORT, NGINX_PORT, SCAN_BIN, RESULTS
# (empty: do not write).
#
# Usage: bench/advocacy.sh     ORGS=10000 CLUSTERS=200 DURATION=3 RESULTS= bench/advocacy.sh
set -euo pipefail

BENCH_NAME=advocacy.sh
BENCH_TOOLS="python3 sqlite3"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
ORGS=${ORGS:-100000}
CLUSTERS=${CLUSTERS:-1000}
YEARS=${YEARS:-2015-2024}
POSITIONS=${POSITIONS:-2000}
SIGNATURES=${SIGNATURES:-50000}
AFTER=${AFTER:-5}
SEED=${SEED:-1}
for v in ORGS CLUSTERS POSITIONS SIGNATURES AFTER; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v wants a positive whole number, got '${!v}'"
done
bench_build
bench_check_ports

# --- data -----------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
GEN=("python3" "$ROOT/bench/gen.py" --seed "$SEED")
WORLD=(--orgs "$ORGS" --clusters "$CLUSTERS" --national "$((ORGS / 10))")
echo "gen.py: $ORGS entries, $CLUSTERS clusters, memberships, figures $YEARS, $POSITIONS positions (seed $SEED) ..." >&2
"${GEN[@]}" orgs --count "$ORGS" --format csv >"$TMP/orgs.csv"
"${GEN[@]}" clusters --count "$CLUSTERS" --orgs "$ORGS" --format csv >"$TMP/clusters.csv"
"${GEN[@]}" members "${WORLD[@]}" >"$TMP/members.sql" 2>"$TMP/gen-members.log" ||
    { cat "$TMP/gen-members.log" >&2; die "gen.py members failed"; }
"${GEN[@]}" figures "${WORLD[@]}" --years "$YEARS" --format sql >"$TMP/figures.sql" 2>"$TMP/gen-figures.log" ||
    { cat "$TMP/gen-figures.log" >&2; die "gen.py figures failed"; }
"${GEN[@]}" positions --positions "$POSITIONS" --signatures "$SIGNATURES" --clusters "$CLUSTERS" \
    >"$TMP/positions.sql" 2>"$TMP/gen-positions.log" || { cat "$TMP/gen-positions.log" >&2; die "gen.py positions failed"; }
"$SCAN_BIN" org import "$TMP/orgs.csv" --db "$DB" >/dev/null 2>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import failed"; }
"$SCAN_BIN" org import "$TMP/clusters.csv" --db "$DB" >/dev/null 2>>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import (clusters) failed"; }
sqlite3 "$DB" <"$TMP/members.sql" || die "loading the memberships failed"
sqlite3 "$DB" <"$TMP/figures.sql" || die "loading the figures failed"
sqlite3 "$DB" <"$TMP/positions.sql" || die "loading the positions failed"
FIGURE_ROWS=$(sqlite3 "$DB" 'SELECT count(*) FROM org_figure')
N_SIG=$(sqlite3 "$DB" 'SELECT count(*) FROM position_signature')
PID=$(sqlite3 "$DB" "SELECT p.id FROM position p WHERE p.stage IN ('submitted', 'answered', 'closed')
    ORDER BY (SELECT count(*) FROM position_signature g WHERE g.position_id = p.id) DESC, p.id LIMIT 1")
PSIG=$(sqlite3 "$DB" "SELECT count(*) FROM position_signature WHERE position_id = $PID")

# --- pages ------------------------------------------------------------------------------
bench_start_scan "$DB"
PAGE="/positions/$PID?lang=en"
curl -fsS -o /dev/null "$SCAN_URL$PAGE" || die "GET $PAGE failed"
# the first render after a new signature: a cluster that has not signed yet
mapfile -t NEW < <(sqlite3 "$DB" "SELECT id FROM org WHERE kind IN ('cluster', 'cluster_initiative')
    AND id NOT IN (SELECT org_id FROM position_signature WHERE position_id = $PID) ORDER BY id LIMIT $AFTER")
for org in "${NEW[@]}"; do
    sqlite3 -cmd '.timeout 5000' "$DB" "INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)
        VALUES ($PID, $org, CAST(strftime('%s', 'now') AS INTEGER), (SELECT max(id) FROM person));
      UPDATE data_version SET n = n + 1 WHERE kind = 'directory' AND shard = 0"
    curl -sS -o /dev/null -w '%{time_total}\n' "$SCAN_URL$PAGE"
done | awk '{ printf "%.2f\n", $1 * 1000 }' | sort -n >"$TMP/first"
FIRST_MED=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' "$TMP/first")
FIRST_MAX=$(tail -1 "$TMP/first")
WEIGHT=$(curl -fsS "$SCAN_URL$PAGE" | grep -o 'Behind it stand [0-9]* organisations[^<]*' | head -1 || echo '?')

WWW=$TMP/www
mkdir -p "$WWW"
fetch() { curl -fsS -o "$WWW/$1" -w '%{content_type}' "$SCAN_URL$2" || die "GET $2 failed"; }
CT_POS=$(fetch position.html "$PAGE")
CT_LIST=$(fetch list.html "/positions?lang=en")
bench_start_nginx "$WWW" "position.html:$CT_POS" "list.html:$CT_LIST"

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
bench_wrk "scan position page" "$SCAN_URL$PAGE"
bench_wrk "nginx position.html" "$NGINX_URL/position.html"
bench_wrk "scan positions list" "$SCAN_URL/positions?lang=en"
bench_wrk "nginx list.html" "$NGINX_URL/list.html"

TABLE=$(
    bench_table_head
    bench_row "scan position page" "$(ratio "${RPS[scan position page]}" "${RPS[nginx position.html]}")"
    bench_row "nginx position.html" "1.00x"
    bench_row "scan positions list" "$(ratio "${RPS[scan positions list]}" "${RPS[nginx list.html]}")"
    bench_row "nginx list.html" "1.00x"
)
ok() { awk -v p="$1" -v t="$2" 'BEGIN { print (p <= t ? "meets" : "misses") }'; }
okr() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { print (a / b >= t ? "meets" : "misses") }'; }
SUMMARY="- the position page ($PSIG signatures, weight from $FIGURE_ROWS figure rows; \"$WEIGHT\"): first render after a new signature median $FIRST_MED ms, max $FIRST_MAX ms of ${#NEW[@]} ($(ok "$FIRST_MED" 100) the 100 ms target); cached p99 ${P99[scan position page]} ms ($(ok "${P99[scan position page]}" 10) the 10 ms target)
- the positions list: $(ratio "${RPS[scan positions list]}" "${RPS[nginx list.html]}") of nginx ($(okr "${RPS[scan positions list]}" "${RPS[nginx list.html]}" 0.4) the 0.4x target)"
echo
echo "$TABLE"
echo
bench_errors
echo "$SUMMARY"
if [[ -n $RESULTS ]]; then
    {
        bench_results_header "advocacy, $POSITIONS positions and $N_SIG signatures over $ORGS entries, $CLUSTERS clusters, $FIGURE_ROWS figure rows"
        echo "$SUMMARY"
        printf -- '- load average (1 min) before / after the runs: %s / %s\n' "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)"
        printf '\n%s\n' "$TABLE"
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi
exit "$FAILED"
