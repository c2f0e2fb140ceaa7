#!/usr/bin/env bash
# soak.sh: a mixed load at saturation for minutes, with idle and slowloris
# clients alongside; proves zero 5xx, zero socket errors, zero unexpected
# 4xx, steady server memory, no leaks under LeakSanitizer, and that held
# sockets do not starve other clients.
#
# How: a fresh database with the demo data and four editor accounts; the
# server on a free loopback port; an editor logs in over HTTP and makes a
# read-write API token. wrk (-s tests/reliability/soak-mix.lua) then sends,
# from 20 keep-alive connections, a fixed mix per 200 requests: home 18,
# directory with filters 36, profiles 40, figures 14, search 36 (Latin and
# Cyrillic prefixes), API search 12, API lists 24, API entries 8, logins 2
# (POST /login with the right password, four accounts rotated), PATCH
# /api/v1/orgs/{slug} 8 and POST /api/v1/orgs 2 (Bearer token). Meanwhile
# tests/reliability/soak-idle.mjs holds 50 idle keep-alive sockets and 4
# slowloris connections (one header byte a second) from other loopback
# addresses and probes GET /healthz on a fresh connection every 500 ms.
# The server's memory is sampled every second from /proc/PID/smaps and status.
#
# Checks (each can fail): wrk socket errors (connect/read/write/timeout) 0,
# with wrk's timeout at 30 s, the server's own idle timeout: a request
# unanswered that long is a hang, not noise (SOAK_TIMEOUT overrides); 5xx 0
# (wrk's response() count and the server's access log); non-2xx/3xx 0 (a
# 4xx here is a bug of the script or the server); no request left
# unanswered during the load; every login 303; every API write 2xx; every
# kind of request sent; every probe answered 200 within 10 s and the idle
# sockets really held; the server exits 0 on SIGTERM; memory steady: the
# heap at the end is at most 10% + 8 MiB above minute one (see MEMORY
# below); under the ASan build, no sanitizer report on stderr after
# SIGTERM (LeakSanitizer runs at exit). The slowest requests of the access
# log are printed, to tell a slow server from a slow machine.
#
# MEMORY: the figure judged is the heap: the resident anonymous memory
# (heap, thread stacks; summed from /proc/PID/smaps) without the argon2id
# buffers of logins in progress (anonymous mappings of exactly 64 or 128
# MiB: each login hashes with 64 MiB for ~60 ms, two at most, so single
# samples would jump by 64-128 MiB with logins at 1%). VmRSS is reported
# too but not judged: it also counts the pages of the database file that
# SQLite maps (mmap_size 256 MiB), which grow with the database the writes
# make. Minute one and the end are each the minimum of the samples over
# their last 10 s (5 s in the short profile). The 10% + 8 MiB slack covers
# the allocator's high-water variation and SQLite's page caches (cache_size
# 32 MiB per connection), which grow slowly with the pages the writes
# dirty; a leak of even a few bytes per request (about a million requests
# in the full profile even on a slow machine) exceeds it.
#
# PROFILE=short (CI): one 40 s run on the release build build/scan when it
# exists (built with ninja when build/build.ninja exists), else on the ASan
# build (quarantine_size_mb=16 so RSS still means something; then the
# LeakSanitizer check runs too). RSS at 10 s vs the end.
# PROFILE=full: 300 s on the release build for the memory figures (minute
# one vs minute five), then 60 s on the ASan build (SCAN_BIN, default
# build-asan/scan) for LeakSanitizer.
# SOAK_SECONDS overrides the duration of the first run (development).
set -euo pipefail

PROFILE=${PROFILE:-short}
ASAN_BIN=${SCAN_BIN:-build-asan/scan}
REL_BIN=${SCAN_REL_BIN:-build/scan}
HERE=$(cd "$(dirname "$0")" && pwd)
CONNS=${SOAK_CONNS:-20}
PW='soak pass phrase 2026'
ACCOUNTS=soak1@example.com,soak2@example.com,soak3@example.com,soak4@example.com
FAILS=()

case $PROFILE in
short) MAIN_SECONDS=${SOAK_SECONDS:-40}; M1=10; WIN=5 ;;
full) MAIN_SECONDS=${SOAK_SECONDS:-300}; M1=60; WIN=10 ;;
*) echo "soak: PROFILE must be short or full, not $PROFILE" >&2; exit 2 ;;
esac

for tool in wrk node curl awk; do
    command -v $tool >/dev/null || { echo "soak: FAIL: $tool is not installed (scripts/deps.sh test)"; exit 1; }
done

is_asan() { grep -q __asan_init "$1"; }

# the release build for the memory figures, when there is one (ninja is a
# no-op when it is up to date; CI has only build-asan)
MEM_BIN=$REL_BIN
if [[ $REL_BIN == build/scan && -f build/build.ninja ]]; then
    flock /tmp/scan-ninja.lock ninja -C build >/dev/null || { echo "soak: FAIL: ninja -C build failed"; exit 1; }
fi
[[ -x $MEM_BIN ]] || MEM_BIN=$ASAN_BIN
[[ -x $MEM_BIN ]] || { echo "soak: FAIL: no scan binary ($REL_BIN, $ASAN_BIN): build first"; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}:quarantine_size_mb=16

TMP=$(mktemp -d /tmp/scan-soak.XXXXXX)
SPID=""
HELPERS=()
cleanup() {
    for p in "${HELPERS[@]}"; do kill "$p" 2>/dev/null || true; done
    stop_server
    rm -rf "$TMP"
}
trap cleanup EXIT

fail() { FAILS+=("$1"); echo "soak: FAIL: $1"; }
stop_server() {
    if [[ -n $SPID ]]; then kill -TERM "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; SPID=""; fi
}

# the sample (whole line) with the least heap (column 4) with t in (from, to]
win_min() { awk -v a="$2" -v b="$3" '$1 > a && $1 <= b && (m == "" || $4 < m) { m = $4; line = $0 } END { print line }' "$1"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# run_soak LABEL BIN SECONDS JUDGE_MEMORY
run_soak() {
    local label=$1 bin=$2 secs=$3 judge=$4
    local dir=$TMP/$label
    mkdir -p "$dir"
    local asan=no
    is_asan "$bin" && asan=yes
    "$bin" init --db "$dir/scan.db" --demo >"$dir/init.log" 2>&1 || { fail "$label: scan init failed: $(tail -1 "$dir/init.log")"; return; }
    local e
    for e in ${ACCOUNTS//,/ }; do
        printf '%s\n' "$PW" | "$bin" user add "$e" --name "${e%@*}" --editor --password-stdin --db "$dir/scan.db" >/dev/null 2>>"$dir/init.log" ||
            { fail "$label: scan user add $e failed"; return; }
    done
    : >"$dir/server.log"
    "$bin" serve --db "$dir/scan.db" --listen 127.0.0.1:0 2>>"$dir/server.log" &
    SPID=$!
    local port="" i
    for ((i = 0; i < 300; i++)); do
        port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$dir/server.log" | head -1)
        [[ -n $port ]] && break
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.05
    done
    [[ -n $port ]] || { fail "$label: server did not start: $(tail -3 "$dir/server.log")"; stop_server; return; }
    local url=http://127.0.0.1:$port

    # an editor logs in and makes a read-write token, as a user would
    local cookie csrf token
    cookie=$(curl -sS -o /dev/null -D - -H "Origin: $url" --data-urlencode email=soak1@example.com \
        --data-urlencode "password=$PW" "$url/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
    csrf=$(curl -sS -H "Cookie: $cookie" "$url/account" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    token=$(curl -sS -H "Cookie: $cookie" -H "Origin: $url" --data-urlencode name=soak --data-urlencode scope=write \
        --data-urlencode "_csrf=$csrf" "$url/account/tokens" | sed -n 's/.*id="new-token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
    [[ -n $token ]] || { fail "$label: could not log in and make an API token (cookie '${cookie:0:8}', csrf '${csrf:0:8}')"; stop_server; return; }

    # memory samples every second, all from one read of /proc/PID/smaps:
    # seconds since the load started, resident kB (the sum of Rss, what
    # VmRSS says), anonymous kB, heap kB (anonymous without argon2id
    # buffers: anonymous rw mappings of exactly 64 or 128 MiB, one or two
    # adjacent login hashes), and the database with its WAL in bytes
    local t0=$EPOCHREALTIME
    (
        while kill -0 "$SPID" 2>/dev/null; do
            mem=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { anon = (NF == 5 || $6 ~ /^\[(heap|stack|anon)/); rw = ($2 == "rw-p") }
                       /^Size:/ { size = $2 }
                       /^Rss:/ { t += $2; if (anon) { a += $2; if (rw && (size == 65536 || size == 131072)) h += $2 } }
                       END { print t + 0, a + 0, a - h }' "/proc/$SPID/smaps" 2>/dev/null) || break
            dbsz=$(($(stat -c %s "$dir/scan.db" 2>/dev/null || echo 0) + $(stat -c %s "$dir/scan.db-wal" 2>/dev/null || echo 0)))
            awk -v t0="$t0" -v now="$EPOCHREALTIME" -v m="$mem" -v d="$dbsz" 'BEGIN { printf "%.1f %s %d\n", now - t0, m, d }'
            sleep 1
        done
    ) >"$dir/rss" &
    HELPERS+=($!)
    node "$HERE/soak-idle.mjs" "$port" "$((secs + 1))" 50 4 >"$dir/idle.json" 2>"$dir/idle.err" &
    local idle_pid=$!
    HELPERS+=($idle_pid)
    SOAK_TOKEN=$token SOAK_ORIGIN=$url SOAK_PASSWORD=$PW SOAK_ACCOUNTS=$ACCOUNTS \
        wrk -t2 -c"$CONNS" -d"${secs}s" --timeout "${SOAK_TIMEOUT:-30}s" -s "$HERE/soak-mix.lua" "$url" >"$dir/wrk.out" 2>&1 ||
        fail "$label: wrk exited non-zero: $(tail -3 "$dir/wrk.out")"
    # wrk closes its connections when its time is up; requests in flight
    # then are logged unanswered (status 0). Any logged before: a problem.
    local wrk_end
    wrk_end=$(date -u -d "@$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t - 1 }')" +%Y-%m-%dT%H:%M:%S.%3NZ)
    wait "$idle_pid" || fail "$label: soak-idle.mjs failed: $(tail -3 "$dir/idle.err")"

    # the server's own figures before it stops
    kill -TERM "$SPID"
    local code=0
    wait "$SPID" || code=$?
    SPID=""
    ((code == 0)) || fail "$label: server exited $code on SIGTERM"

    echo "soak[$label]: $(basename "$(dirname "$bin")")/$(basename "$bin") (ASan: $asan), $secs s, $CONNS wrk connections + 50 idle + 4 slowloris"
    sed -n "s/^soak-mix: /soak[$label]: /p" "$dir/wrk.out"
    grep -q '^soak-mix: requests' "$dir/wrk.out" || fail "$label: no wrk summary: $(tail -5 "$dir/wrk.out")"

    local line errs st5 non
    line=$(sed -n 's/^soak-mix: socket errors //p' "$dir/wrk.out")
    errs=$(awk -F'[=; ]' '{ print $2 + $4 + $6 + $8 }' <<<"$line")
    non=$(sed -n 's/.*non-2xx\/3xx=\([0-9]*\).*/\1/p' <<<"$line")
    st5=$(sed -n 's/^soak-mix: status .*5xx=\([0-9]*\).*/\1/p' "$dir/wrk.out")
    [[ ${errs:-x} == 0 ]] || fail "$label: wrk socket errors: $line"
    [[ ${st5:-x} == 0 ]] || fail "$label: $st5 responses 5xx (wrk)"
    [[ ${non:-x} == 0 ]] || fail "$label: $non responses were not 2xx/3xx: $(sed -n 's/^soak-mix: last bad response: //p' "$dir/wrk.out" | head -c 300)"
    local k
    for k in home orgs profile figures search api_search api_orgs api_org login patch create; do
        grep -qE "^soak-mix: sent by kind.* $k=[1-9]" "$dir/wrk.out" || fail "$label: no request of kind $k was sent"
    done

    # the server's access log: status classes and the logins
    local n s2 s3 s4 s5 s0 s0e nl okl nw okw
    read -r n s2 s3 s4 s5 s0 s0e nl okl nw okw < <(awk -v end="$wrk_end" '$2 == "access" && $6 != 0 { n++; s[substr($6, 1, 1)]++
           if ($4 == "POST" && $5 == "/login") { l++; if ($6 == 303) lok++ }
           if ($4 == "PATCH" || ($4 == "POST" && $5 == "/api/v1/orgs")) { w++; if ($6 ~ /^20/) wok++ } }
         $2 == "access" && $6 == 0 { if ($1 < end) u++; else ue++ }
         END { print n + 0, s["2"] + 0, s["3"] + 0, s["4"] + 0, s["5"] + 0, u + 0, ue + 0, l + 0, lok + 0, w + 0, wok + 0 }' "$dir/server.log")
    echo "soak[$label]: server access log: $n answered: 2xx $s2, 3xx $s3, 4xx $s4, 5xx $s5; unanswered $s0 during the load, $s0e cut off when wrk stopped; logins $nl (303: $okl); API writes $nw (2xx: $okw)"
    ((s5 == 0)) || fail "$label: $s5 responses 5xx in the server's access log"
    ((s0 == 0)) || fail "$label: $s0 requests left unanswered during the load (access log status 0)"
    ((s4 == 0)) || fail "$label: $s4 responses 4xx in the server's access log"
    ((nl > 0 && nl == okl)) || fail "$label: $nl logins, $okl of them 303 (throttled or refused?)"
    ((nw > 0 && nw == okw)) || fail "$label: $nw API writes, $okw of them 2xx"
    echo "soak[$label]: slowest in the access log: $(awk '$2 == "access" && $6 != 0 { us = $8 + 0; print us, $4, $5 }' "$dir/server.log" |
        sort -rn | head -3 | awk '{ printf "%s%.0f ms %s %s", (NR > 1 ? ", " : ""), $1 / 1000, $2, $3 }')"

    # idle and slow clients
    local idle
    idle=$(cat "$dir/idle.json")
    echo "soak[$label]: idle/slow: $idle"
    node -e '
        const s = JSON.parse(process.argv[1]);
        const bad = [];
        if (s.probes < 10 || s.probes_ok !== s.probes) bad.push(`probes ${s.probes_ok}/${s.probes} answered: ${s.probe_failures.join("; ")}`);
        if (s.idle_answered < s.idle_target) bad.push(`only ${s.idle_answered} idle connections were ever answered`);
        if (s.idle_open_avg < 0.9 * s.idle_target) bad.push(`on average only ${s.idle_open_avg} of ${s.idle_target} idle sockets were held`);
        if (s.slow_opened < s.slow_target || s.slow_bytes < 1) bad.push("slowloris connections did not run");
        if (bad.length) { console.log(bad.join("; ")); process.exit(1); }' "$idle" >"$dir/idle.verdict" ||
        fail "$label: idle/slow clients: $(cat "$dir/idle.verdict")"

    # memory: columns of $dir/rss are t, resident, anonymous, heap, database
    # bytes; each time point is the sample with the least heap in its window
    local m1 e0 m1h m1a m1r m1d endh enda endr endd maxr lim
    m1=$((secs >= M1 + 2 * WIN ? M1 : secs / 4 + WIN)) e0=$((secs - WIN))
    read -r _ m1r m1a m1h m1d < <(win_min "$dir/rss" $((m1 - WIN)) $m1)
    read -r _ endr enda endh endd < <(win_min "$dir/rss" "$e0" "$secs")
    maxr=$(awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$dir/rss")
    lim=$(awk -v a="${m1h:-0}" 'BEGIN { printf "%d", a * 1.10 + 8192 }')
    echo "soak[$label]: memory at ${m1} s: heap $(mib "${m1h:-0}") MiB (anonymous $(mib "${m1a:-0}"), VmRSS $(mib "${m1r:-0}"), database $((${m1d:-0} / 1048576)) MiB);" \
        "at ${secs} s: heap $(mib "${endh:-0}") MiB (anonymous $(mib "${enda:-0}"), VmRSS $(mib "${endr:-0}"), database $((${endd:-0} / 1048576)) MiB);" \
        "VmRSS peak $(mib "$maxr") MiB; heap limit $(mib "$lim") MiB$([[ $asan == yes ]] && echo ' [ASan build: quarantine 16 MiB, shadow memory]')"
    if [[ $judge == yes ]]; then
        ((${m1h:-0} > 0 && ${endh:-0} > 0)) || fail "$label: no memory samples (last sample at $(awk 'END { print $1 + 0 }' "$dir/rss") s)"
        ((endh <= lim)) || fail "$label: heap grew from $(mib "$m1h") MiB at ${m1} s to $(mib "$endh") MiB at ${secs} s (limit $(mib "$lim") MiB)"
    fi

    if [[ $asan == yes ]]; then
        if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|UndefinedBehaviorSanitizer' "$dir/server.log"; then
            fail "$label: sanitizer report after SIGTERM: $(grep -m1 -E 'ERROR: |runtime error:' "$dir/server.log")"
            grep -A20 -m1 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$dir/server.log" | sed 's/^/    /' | head -40
        else
            echo "soak[$label]: LeakSanitizer: no report after SIGTERM"
        fi
    fi
}

if [[ $PROFILE == full ]]; then
    run_soak memory "$MEM_BIN" "$MAIN_SECONDS" yes
    if [[ -x $ASAN_BIN ]] && is_asan "$ASAN_BIN"; then
        run_soak lsan "$ASAN_BIN" "${SOAK_LSAN_SECONDS:-60}" no
    else
        fail "no ASan build at $ASAN_BIN for the LeakSanitizer run (ninja -C build-asan)"
    fi
else
    run_soak short "$MEM_BIN" "$MAIN_SECONDS" yes
    is_asan "$MEM_BIN" || echo "soak: LeakSanitizer: not run in the short profile on the release build (PROFILE=full runs it)"
fi

if ((${#FAILS[@]})); then
    echo "soak: FAILED (${#FAILS[@]} problem(s)): ${FAILS[0]}"
    exit 1
fi
echo "soak: OK"
