#!/usr/bin/env bash
# bench/development.sh: cluster development at scale (issue 15): /events
# over 10,000 events with 300,000 registrations beside nginx serving the
# same bytes in the same run, and 200 concurrent registrations for the
# last 50 places of one event.
#
# Builds build-bench/ (release) unless SCAN_BIN names a binary, makes a
# fresh database, imports $CLUSTERS clusters from bench/gen.py (seed $SEED),
# and loads `gen.py events`: $EVENTS events of those clusters with
# $REGS registrations by $PEOPLE people, plus $RACERS people with a write
# API token who are registered nowhere; event 1 (the race event) has
# $RACE_CAP places of which all but the last $RACE_LEFT are taken. Then
# `scan serve` and:
#
#   /events  wrk (anonymous, keep-alive, $CONNECTIONS connections,
#            $DURATION s) against scan and against nginx serving the bytes
#            scan sent (target: at least 0.4x nginx)
#   race     $RACERS clients, each with its own account and token, start
#            together (a barrier) and POST /api/v1/events/1/registrations
#            once; the script then checks in the database: exactly
#            $RACE_LEFT of them confirmed (the event holds $RACE_CAP
#            confirmed, never more), the rest waiting, nobody registered
#            twice, every request answered 201. Any miss fails the script.
#
# Prints one table and the race's lines and appends them to
# bench/RESULTS.md (RESULTS empty: do not write).
#
# Then it runs bench/assessment.sh (its own database of clusters'
# assessments, on ports SCAN_PORT+10 and NGINX_PORT+10): a cluster's
# results page with peer percentiles (target p99 <= 10 ms). ASSESSMENT=0
# leaves it out.
#
# Environment: CLUSTERS (1000), EVENTS (10000), REGS (300000), PEOPLE
# (20000), RACERS (200), RACE_CAP (300), RACE_LEFT (50), SEED (1),
# DURATION (10), CONNECTIONS (50), SCAN_PORT, NGINX_PORT, SCAN_BIN, RESULTS.
#
# Usage: bench/development.sh     EVENTS=1000 REGS=30000 DURATION=3 bench/development.sh
set -euo pipefail

BENCH_NAME=development.sh
BENCH_TOOLS="python3 sqlite3"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
CLUSTERS=${CLUSTERS:-1000}
EVENTS=${EVENTS:-10000}
REGS=${REGS:-300000}
PEOPLE=${PEOPLE:-20000}
RACERS=${RACERS:-200}
RACE_CAP=${RACE_CAP:-300}
RACE_LEFT=${RACE_LEFT:-50}
SEED=${SEED:-1}
for v in CLUSTERS EVENTS REGS PEOPLE RACERS RACE_CAP RACE_LEFT; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v wants a positive whole number, got '${!v}'"
done
((RACE_LEFT <= RACE_CAP)) || die "RACE_LEFT ($RACE_LEFT) must not exceed RACE_CAP ($RACE_CAP)"
bench_build
bench_check_ports

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# --- data -----------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
GEN=("python3" "$ROOT/bench/gen.py" --seed "$SEED")
ORGS=1000 # gen.py's clusters avoid the slugs of this many `orgs` entries (none imported)
echo "gen.py: $CLUSTERS clusters, $EVENTS events, $REGS registrations (seed $SEED) ..." >&2
"${GEN[@]}" clusters --count "$CLUSTERS" --orgs "$ORGS" --format csv >"$TMP/clusters.csv"
"$SCAN_BIN" org import "$TMP/clusters.csv" --db "$DB" >/dev/null 2>"$TMP/import.err" ||
    { tail -5 "$TMP/import.err" >&2; die "scan org import (clusters) failed"; }
start=$(now_ms)
"${GEN[@]}" events --orgs "$ORGS" --clusters "$CLUSTERS" --events "$EVENTS" --registrations "$REGS" \
    --people "$PEOPLE" --tokens "$RACERS" --tokens-out "$TMP/tokens" --race-capacity "$RACE_CAP" \
    --race-left "$RACE_LEFT" >"$TMP/events.sql" 2>"$TMP/gen-events.log" ||
    { cat "$TMP/gen-events.log" >&2; die "gen.py events failed"; }
sqlite3 "$DB" <"$TMP/events.sql" || die "loading the events failed"
LOAD_S=$(secs_since "$start")
N_EVENTS=$(sqlite3 "$DB" 'SELECT count(*) FROM event')
N_REGS=$(sqlite3 "$DB" 'SELECT count(*) FROM event_registration')
RACE_ID=$(sqlite3 "$DB" "SELECT min(id) FROM event")
DB_MB=$(awk -v b="$(wc -c <"$DB")" 'BEGIN { printf "%.0f", b / 1048576 }')

# --- /events beside nginx ------------------------------------------------------------------
bench_start_scan "$DB"
LIST_PATH=/events
WWW=$TMP/www
mkdir -p "$WWW"
CT_LIST=$(curl -fsS -o "$WWW/events.html" -w '%{content_type}' "$SCAN_URL$LIST_PATH") || die "GET $LIST_PATH failed"
bench_start_nginx "$WWW" "events.html:$CT_LIST"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
bench_wrk "scan events" "$SCAN_URL$LIST_PATH"
bench_wrk "nginx events.html" "$NGINX_URL/events.html"


# --- the race for the last places -------------------------------------------------------
echo "race: $RACERS concurrent registrations for the last $RACE_LEFT of $RACE_CAP places ..." >&2
BEFORE_CONFIRMED=$(sqlite3 "$DB" "SELECT count(*) FROM event_registration WHERE event_id = $RACE_ID AND state = 'confirmed'")
python3 - "$SCAN_URL" "$RACE_ID" "$TMP/tokens" >"$TMP/race.out" <<'PY' || die "the race client failed"
import http.client, json, sys, threading, time, urllib.parse
url, event, tokens = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().split()
u = urllib.parse.urlsplit(url)
barrier = threading.Barrier(len(tokens))
codes, times = [None] * len(tokens), [0.0] * len(tokens)
def run(i):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    c.connect()
    barrier.wait()
    t = time.monotonic()
    c.request("POST", "/api/v1/events/%s/registrations" % event, body="{}",
              headers={"Authorization": "Bearer " + tokens[i], "Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    times[i] = (time.monotonic() - t) * 1000
    codes[i] = (r.status, json.loads(body).get("state") if r.status == 201 else body[:200])
    c.close()
ts = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
start = time.monotonic()
for t in ts: t.start()
for t in ts: t.join()
wall = (time.monotonic() - start) * 1000
ok = sum(1 for c in codes if c and c[0] == 201)
conf = sum(1 for c in codes if c and c[1] == "confirmed")
wait = sum(1 for c in codes if c and c[1] == "waiting")
times.sort()
print(ok, conf, wait, "%.0f" % times[len(times) // 2], "%.0f" % times[max(0, int(len(times) * 0.99) - 1)], "%.0f" % wall)
for c in codes:
    if not c or c[0] != 201:
        print("refused:", c, file=sys.stderr)
PY
read -r RACE_OK RACE_CONF RACE_WAIT RACE_P50 RACE_P99 RACE_WALL <"$TMP/race.out"
read -r DB_CONFIRMED DB_WAITING_NEW DB_TWICE < <(sqlite3 -separator ' ' "$DB" "SELECT
    (SELECT count(*) FROM event_registration WHERE event_id = $RACE_ID AND state = 'confirmed'),
    (SELECT count(*) FROM event_registration WHERE event_id = $RACE_ID AND state = 'waiting'
      AND person_id IN (SELECT a.person_id FROM api_token t JOIN account a ON a.id = t.account_id
      WHERE t.name = 'bench')),
    (SELECT count(*) FROM (SELECT person_id FROM event_registration WHERE event_id = $RACE_ID
      GROUP BY person_id HAVING count(*) > 1))")
RACE_VERDICT=ok
NEW_CONFIRMED=$((DB_CONFIRMED - BEFORE_CONFIRMED))
if ((RACE_OK != RACERS || DB_CONFIRMED != RACE_CAP || NEW_CONFIRMED != RACE_LEFT ||
    RACE_CONF != RACE_LEFT || DB_WAITING_NEW != RACERS - RACE_LEFT || DB_TWICE != 0)); then
    RACE_VERDICT=FAILED
    FAILED=1
fi

TABLE=$(
    bench_table_head
    bench_row "scan events" "$(ratio "${RPS[scan events]}" "${RPS[nginx events.html]}")"
    bench_row "nginx events.html" "1.00x"
)
meets() { awk -v a="$1" -v b="$2" 'BEGIN { print (a / b >= 0.4 ? "meets" : "misses") }'; }
SUMMARY="- /events: $(ratio "${RPS[scan events]}" "${RPS[nginx events.html]}") of nginx ($(meets "${RPS[scan events]}" "${RPS[nginx events.html]}") the 0.4x target)
- race ($RACE_VERDICT): $RACERS clients with their own tokens at once for the last $RACE_LEFT of $RACE_CAP places: $RACE_OK answered 201; $NEW_CONFIRMED newly confirmed ($DB_CONFIRMED confirmed of $RACE_CAP), $DB_WAITING_NEW waiting, $DB_TWICE registered twice; per request p50 $RACE_P50 ms, p99 $RACE_P99 ms, all done in $RACE_WALL ms"
echo
echo "$TABLE"
echo
bench_errors
echo "$SUMMARY"

if [[ -n $RESULTS ]]; then
    {
        bench_results_header "events, $N_EVENTS events with $N_REGS registrations"
        printf -- '- data: bench/gen.py --seed %s clusters %s, events --events %s --registrations %s --people %s --tokens %s, loaded in %ss; database %s MB\n' \
            "$SEED" "$CLUSTERS" "$EVENTS" "$REGS" "$PEOPLE" "$RACERS" "$LOAD_S" "$DB_MB"
        printf -- '- page (anonymous): `%s` (%s bytes); nginx serves the same bytes\n' "$LIST_PATH" "$(wc -c <"$WWW/events.html")"
        echo "$SUMMARY"
        printf -- '- load average (1 min) before / after the runs: %s / %s\n' "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)"
        printf '\n%s\n' "$TABLE"
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi
if [[ ${ASSESSMENT:-1} != 0 ]]; then
    SCAN_PORT=$((SCAN_PORT + 10)) NGINX_PORT=$((NGINX_PORT + 10)) SCAN_BIN=$SCAN_BIN RESULTS=$RESULTS \
        "$(dirname "$0")/assessment.sh" || FAILED=1
fi
exit "$FAILED"
