#!/usr/bin/env bash
# wapiti.sh: wapiti (Debian package, every module: -m all) finds nothing of
# medium or higher severity in the running site, logged in and not, and its
# cookie-flag, CSP and security-header modules find nothing at all
# (issue 6, hostile scanners).
#
# How: starts `scan serve --secure-cookies` on a fresh demo database in a
# temp folder (a disposable copy) behind a small local TLS terminator
# (tests/reliability/wapiti_tls_proxy.py, self-signed certificate made with
# openssl): the deployed set-up (HTTPS at a proxy), so Secure cookies, the
# __Host- prefix and HSTS are what wapiti checks, as a browser would see
# them. Then two wapiti runs, each bounded by --max-scan-time (crawl),
# --max-attack-time (per module) and an outer `timeout`:
#   1. anonymous;
#   2. logged in: wapiti logs in itself through the login form
#      (--auth-type post, an admin made with `scan user add`), so the
#      cookie-flag module checks the real session cookie; /logout* is
#      excluded (-x) so the crawl keeps its session. Every module but
#      buster: it guesses 31,545 file names per directory, which does not
#      depend on the session, and it checks the time bound only between
#      directories, so logged in (more directories) it overran any bound;
#      the anonymous run has it.
# Each run writes a JSON report (-f json). The script fails on:
#   - any entry of level >= 2 (medium, high, critical) in "vulnerabilities",
#     "anomalies" or "additionals";
#   - any entry at all, whatever its level, in the categories of the
#     cookieflags, csp and http_headers modules;
#   - the logged-in run not logging in, or posting to /logout;
#   - a 5xx or a sanitizer report in the server log; a run over its bound;
#   - the server not alive, or not answering /, after either run.
# No exception for CSRF: forms shown without a session (/login,
# /password/forgot) carry a pre-session token bound to the visitor's pcsrf
# cookie (double submit), so a finding there fails like any other.
# wapiti runs through tests/reliability/wapiti_run.py, which fixes 3.0.4's
# -x pattern compiler for Python 3.11 (any -x crashes it otherwise).
# Everything stays on 127.0.0.1: the ssrf/xxe/exec modules' endpoint is our
# own server (--endpoint), wapp gets an empty local technology database
# (otherwise it downloads one), and crash-report upload is off
# (--no-bugreport).
#
# Profiles (measured on 2 cores shared with other jobs; noisy):
#   short (CI): crawl 25 s, 4 s per module, each run bounded at 170 s;
#               about 3 minutes for both.
#   full:       crawl 120 s, 20 s per module, each run bounded at 600 s;
#               about 8 minutes.
# Env: PROFILE=short|full, SCAN_BIN (default build-asan/scan), KEEP=1.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) SCAN_T=25 ATTACK_T=4 LIMIT=170 ;;
full) SCAN_T=120 ATTACK_T=20 LIMIT=600 ;;
*) echo "wapiti: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
for t in wapiti openssl python3; do
    command -v "$t" >/dev/null || { echo "wapiti: FAIL: $t is not installed (scripts/deps.sh test)"; exit 1; }
done
[ -x "$SCAN_BIN" ] || { echo "wapiti: FAIL: $SCAN_BIN not built"; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/scan-wapiti.XXXXXX")
SRV= PROXY=
cleanup() {
    for p in $PROXY $SRV; do
        if kill -0 "$p" 2>/dev/null; then
            kill -TERM "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    if [ "${KEEP:-0}" = 1 ]; then echo "wapiti: kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
fail() { echo "wapiti: FAIL: $*"; exit 1; }

wait_line() { # file regex pid -> prints the first capture
    local v
    for _ in $(seq 1 300); do
        v=$(sed -n "s|$2|\\1|p" "$1" | head -1)
        [ -n "$v" ] && { echo "$v"; return 0; }
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# --- server behind TLS, on a fresh demo database ------------------------------------------
DB=$W/scan.db
"$SCAN_BIN" init --db "$DB" --demo >"$W/init.log" 2>&1 || fail "scan init: $(tail -1 "$W/init.log")"
EMAIL=wapiti-admin@example.com
PW="wapiti pass phrase $RANDOM$RANDOM"
printf '%s\n' "$PW" | "$SCAN_BIN" user add "$EMAIL" --name "Wapiti Admin" --admin --password-stdin \
    --db "$DB" >"$W/user.log" 2>&1 || fail "scan user add: $(tail -1 "$W/user.log")"
"$SCAN_BIN" serve --db "$DB" --listen 127.0.0.1:0 --secure-cookies >"$W/server.out" 2>"$W/server.log" &
SRV=$!
BPORT=$(wait_line "$W/server.log" '.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*' "$SRV") ||
    fail "server did not start: $(tail -3 "$W/server.log")"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >"$W/openssl.log" 2>&1 ||
    fail "openssl: $(tail -1 "$W/openssl.log")"
python3 "$HERE/wapiti_tls_proxy.py" "$W/cert.pem" "$W/key.pem" "$BPORT" 2>"$W/proxy.log" &
PROXY=$!
PORT=$(wait_line "$W/proxy.log" '.*listening on https://127\.0\.0\.1:\([0-9]*\)/.*' "$PROXY") ||
    fail "TLS proxy did not start: $(tail -3 "$W/proxy.log")"
U=https://127.0.0.1:$PORT
curl -skf -o /dev/null "$U/healthz" || fail "no answer through the TLS proxy"

# wapp module: an empty local technology database instead of a download
mkdir -p "$W/config"
echo '{"technologies": {}, "categories": {}}' >"$W/config/apps.json"

COMMON=(--scope folder --flush-session --store-session "$W/session" --store-config "$W/config"
    --max-scan-time "$SCAN_T" --max-attack-time "$ATTACK_T" --max-files-per-dir 20 -t 10
    --endpoint "$U/" --no-bugreport --verify-ssl 0 -v 1 -f json
    -x "$U/logout" -x "$U/logout-everywhere")

run_wapiti() { # name args...
    local name=$1 rc=0 t0 t1 before after
    shift
    before=$(grep -c ' access ' "$W/server.log" || true)
    t0=$(date +%s)
    timeout --kill-after=10 "$LIMIT" /usr/bin/python3 "$HERE/wapiti_run.py" -u "$U/" "${COMMON[@]}" -o "$W/$name.json" "$@" \
        </dev/null >"$W/$name.out" 2>&1 || rc=$?
    t1=$(date +%s)
    after=$(grep -c ' access ' "$W/server.log" || true)
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        fail "$name: wapiti did not finish within ${LIMIT}s (see $name.out)"
    fi
    [ "$rc" = 0 ] || fail "$name: wapiti exited $rc: $(tail -3 "$W/$name.out")"
    [ -s "$W/$name.json" ] || fail "$name: no JSON report"
    # the server must have lived through the run: a crash mid-run otherwise
    # shows only as the next run's "could not log in"
    if ! kill -0 "$SRV" 2>/dev/null || ! curl -skf -o /dev/null "$U/"; then
        grep -E -A4 'ERROR: AddressSanitizer|runtime error:' "$W/server.log" | head -8 || true
        fail "$name: the server died or stopped answering / during the run"
    fi
    echo "wapiti: $name: $((after - before)) requests, $((t1 - t0))s"
    python3 - "$W/$name.json" "$name" "$U" <<'EOF' || exit 1
import json, sys
path, name, base = sys.argv[1], sys.argv[2], sys.argv[3]
rep = json.load(open(path))
# categories of the cookieflags, csp and http_headers modules: must be empty
STRICT = {"HttpOnly Flag cookie", "Secure Flag cookie",
          "Content Security Policy Configuration", "HTTP Secure Headers"}


bad = []
summary = []
for section in ("vulnerabilities", "anomalies", "additionals"):
    for cat, items in sorted((rep.get(section) or {}).items()):
        if not items:
            continue
        levels = sorted(int(i.get("level", 0)) for i in items)
        summary.append(f"{cat}: {len(items)} (max level {levels[-1]})")
        for i in items:
            lvl = int(i.get("level", 0))
            if lvl >= 2 or cat in STRICT:
                bad.append(f"{section}/{cat} level {lvl}: {i.get('method')} {i.get('path')} "
                           f"{i.get('parameter') or ''} {(i.get('info') or '')[:160]}")
print(f"wapiti: {name}: findings by category: " + ("; ".join(summary) if summary else "none"))
for b in bad[:20]:
    print(f"wapiti:   {b}")
if bad:
    print(f"wapiti: FAIL: {name}: {len(bad)} findings of medium or higher, or in the cookie/CSP/header modules")
    sys.exit(1)
EOF
}

# 1. anonymous
run_wapiti anon -m all

# 2. logged in: wapiti logs in through the form itself
LOG_AT=$(wc -l <"$W/server.log")
run_wapiti user -m all,-buster --auth-type post -a "$EMAIL%$PW" -s "$U/login"
NLOGOUT=$(tail -n +$((LOG_AT + 1)) "$W/server.log" | awk '$2 == "access" && $4 == "POST" && $5 ~ /^\/logout/' | wc -l)
[ "$NLOGOUT" = 0 ] || fail "user: wapiti posted to /logout $NLOGOUT times despite -x (session lost)"
grep -q 'Login success' "$W/user.out" || fail "user: wapiti could not log in ($(grep -i login "$W/user.out" | tail -1))"

# --- the server's side ----------------------------------------------------------------------
if grep -Eq 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$W/server.log"; then
    grep -E 'ERROR: AddressSanitizer|runtime error:' "$W/server.log" | head -3
    fail "sanitizer report in the server log"
fi
N5XX=$(awk '$2 == "access" && $(NF - 2) ~ /^5/' "$W/server.log" | wc -l)
if [ "$N5XX" -gt 0 ]; then
    awk '$2 == "access" && $(NF - 2) ~ /^5/' "$W/server.log" | head -5
    fail "the server answered $N5XX requests with 5xx"
fi
echo "wapiti: OK (no finding of medium or higher; cookie, CSP and header modules clean; 0 server 5xx)"
