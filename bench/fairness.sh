#!/usr/bin/env bash
# bench/fairness.sh: does one client's expensive work slow everyone else?
# (issue 10 parts 4 and 6: admission control by client address, and the
# password-hashing pool). One client hammers the server from 127.0.0.2 while
# another, from 127.0.0.1, measures a cheap API call's latency with wrk
# (--latency, $CHEAP_CONNECTIONS keep-alive connections, $DURATION s):
#
#   quiet    nobody else
#   heavy    $HEAVY curl loops from 127.0.0.2 fetching uncached directory
#            pages, /orgs?page=N&x=RANDOM (the junk parameter defeats the
#            page cache) on a database of $COUNT generated entries
#   logins   back-to-back bursts of 20 concurrent failed logins (argon2id),
#            each burst from its own address 127.0.1.K (an address gets 20
#            failures an hour before the login throttle answers without
#            hashing)
#
# The cheap call is GET /api/v1/orgs/SLUG (one entry, a few ms, on the
# worker pool like the heavy pages). Prints one table: the cheap call's
# req/s, p50 and p99 (target: p99 under 50 ms in every scenario) and how
# much background work was served meanwhile; appends it with the setup to
# bench/RESULTS.md. To compare with another build, run it again with
# SCAN_BIN=path/to/scan (the script passes no option an older binary lacks).
#
# Builds build-bench/ (release) unless SCAN_BIN names a binary. Everything
# it starts is stopped on exit; the temp folder goes.
#
# Environment: COUNT (20000), SEED (1), HEAVY (8), CHEAP_CONNECTIONS (2),
# DURATION (10), WARMUP (1), WRK_THREADS (1), SCAN_PORT (18181), SCAN_BIN,
# RESULTS (bench/RESULTS.md; empty: do not write).
#
# Usage: bench/fairness.sh        COUNT=5000 DURATION=5 bench/fairness.sh
set -euo pipefail

BENCH_NAME=fairness.sh
BENCH_TOOLS=python3
WRK_THREADS=${WRK_THREADS:-1}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
COUNT=${COUNT:-20000}
SEED=${SEED:-1}
HEAVY=${HEAVY:-8}
CHEAP_CONNECTIONS=${CHEAP_CONNECTIONS:-2}
CONNECTIONS=$CHEAP_CONNECTIONS # what bench_results_header reports
[[ $COUNT =~ ^[0-9]+$ && $COUNT -gt 0 ]] || die "COUNT wants a positive whole number, got '$COUNT'"
[[ $HEAVY =~ ^[0-9]+$ && $HEAVY -gt 0 ]] || die "HEAVY wants a positive whole number, got '$HEAVY'"
curl -s --interface 127.0.0.2 -o /dev/null --max-time 1 http://127.0.0.1:1/ 2>/dev/null ||
    [[ $? == 7 ]] || die "cannot bind a client to 127.0.0.2 (curl --interface)"
bench_build
port_free "$SCAN_PORT" || die "port $SCAN_PORT is in use (set SCAN_PORT)"

# --- data ---------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
echo "gen.py + scan org import: $COUNT entries ..." >&2
python3 "$ROOT/bench/gen.py" --seed "$SEED" orgs --count "$COUNT" --format csv >"$TMP/orgs.csv"
"$SCAN_BIN" org import "$TMP/orgs.csv" --db "$DB" >"$TMP/import.out" 2>"$TMP/import.err" ||
    { tail -20 "$TMP/import.err" >&2; die "scan org import failed"; }

bench_start_scan "$DB"
SLUG=$(curl -fsS "$SCAN_URL/api/v1/orgs?limit=1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["slug"])') ||
    die "could not find an entry through /api/v1/orgs"
CHEAP=$SCAN_URL/api/v1/orgs/$SLUG
PAGES=$(((COUNT + 19) / 20))

# --- background clients ---------------------------------------------------------------
BG_PIDS=()
stop_bg() {
    touch "$TMP/stop"
    local p
    for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    BG_PIDS=()
    rm -f "$TMP/stop"
}
# shellcheck disable=SC2317  # called by the trap
fairness_cleanup() {
    touch "$TMP/stop"
    local p
    for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    bench_cleanup
}
trap fairness_cleanup EXIT

# heavy_loop LOG: uncached directory pages from 127.0.0.2 until told to stop
heavy_loop() {
    while [[ ! -e $TMP/stop ]]; do
        curl -s --interface 127.0.0.2 -o /dev/null --max-time 60 -w '%{http_code} %{time_total}\n' \
            "$SCAN_URL/orgs?page=$((RANDOM % PAGES + 1))&x=$RANDOM$RANDOM" || echo "000 0"
    done >>"$1"
}

# login_bursts LOG: 20 concurrent failed logins from 127.0.1.K, K = 1, 2, ...,
# burst after burst until told to stop; one line per answer as heavy_loop.
# Python threads rather than 20 curl processes per burst: forking that many
# clients costs the 2-core machine more than the server's work does.
login_bursts() {
    python3 - "$SCAN_URL" "$TMP/stop" >>"$1" <<'PY'
import http.client, os, sys, threading, time, urllib.parse
url, stop = sys.argv[1], sys.argv[2]
host, port = url.split("//")[1].split(":")
def one(k, i):
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection(host, int(port), timeout=60, source_address=(f"127.0.1.{k % 250 + 1}", 0))
        body = urllib.parse.urlencode({"email": f"nobody{k}.{i}@example.org", "password": "not the password 42"})
        c.request("POST", "/login", body, {"Origin": url, "Content-Type": "application/x-www-form-urlencoded"})
        status = c.getresponse().status
        c.close()
    except OSError:
        status = 0
    with lock:
        print(f"{status:03d} {time.monotonic() - t0:.3f}", flush=True)
lock = threading.Lock()
k = 0
while not os.path.exists(stop):
    k += 1
    ts = [threading.Thread(target=one, args=(k, i)) for i in range(20)]
    for t in ts: t.start()
    for t in ts: t.join()
PY
}

# served LOG: "N answered (M failed), median X s"
served() {
    local n bad med
    n=$(wc -l <"$1")
    bad=$(awk '$1 !~ /^[234]/' "$1" | wc -l)
    med=$(awk '{print $2}' "$1" | sort -n | awk -v n="$n" 'NR == int((n + 1) / 2) {print $1}')
    printf '%d answered%s, median %.2f s' "$n" "$( ((bad > 0)) && echo " ($bad failed)")" "${med:-0}"
}

declare -A BG
measure() { # NAME: the cheap call under whatever runs now
    bench_wrk "$1" "$CHEAP" "$CHEAP_CONNECTIONS"
}

measure quiet
BG[quiet]=-

: >"$TMP/heavy.log"
for ((h = 0; h < HEAVY; h++)); do
    heavy_loop "$TMP/heavy.log" &
    BG_PIDS+=($!)
done
sleep 2 # let the heavy pages fill the workers
: >"$TMP/heavy.log"
measure heavy
BG[heavy]="heavy pages: $(served "$TMP/heavy.log")"
stop_bg

: >"$TMP/logins.log"
login_bursts "$TMP/logins.log" &
BG_PIDS+=($!)
sleep 1
measure logins
BG[logins]="logins: $(served "$TMP/logins.log")"
stop_bg

# --- report -------------------------------------------------------------------------------
VERSION=$("$SCAN_BIN" version 2>/dev/null | head -1 || echo "?")
table() {
    printf '| %-8s | %8s | %8s | %8s | %-52s |\n' scenario 'req/s' 'p50 ms' 'p99 ms' 'meanwhile, from other addresses'
    printf '|%s|%s|%s|%s|%s|\n' ---------- ---------: ---------: ---------: ------------------------------------------------------
    local n verdict
    for n in quiet heavy logins; do
        printf '| %-8s | %8.0f | %8s | %8s | %-52s |\n' "$n" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}" "${BG[$n]}"
    done
}
OUT=$(table)
echo
echo "$OUT"
MISSED=
for n in quiet heavy logins; do
    awk -v p="${P99[$n]}" 'BEGIN { exit !(p > 50) }' && MISSED="$MISSED $n"
done
if [[ -n $MISSED ]]; then VERDICT="p99 over 50 ms in:$MISSED"; else VERDICT="p99 under 50 ms in every scenario"; fi
echo "$VERDICT"
if [[ -n $RESULTS ]]; then
    {
        bench_results_header "fairness.sh (cheap call while another address is busy)"
        printf -- '- data: %s generated entries (gen.py seed %s); %s\n' "$COUNT" "$SEED" "$VERSION"
        printf -- '- cheap call: GET /api/v1/orgs/SLUG from 127.0.0.1, wrk %s connection(s); heavy: %s curl loops of /orgs?page=N&x=junk from 127.0.0.2; logins: bursts of 20 failed logins from 127.0.1.K\n' "$CHEAP_CONNECTIONS" "$HEAVY"
        echo
        echo "$OUT"
        echo
        echo "- verdict: $VERDICT"
        bench_errors
    } >>"$RESULTS"
fi
exit "$FAILED"
