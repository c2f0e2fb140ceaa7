#!/usr/bin/env bash
# sqlmap.sh: no SQL injection in any endpoint that takes parameters,
# logged in and not (issue 6, hostile scanners).
#
# How: starts `scan serve --sync-normal` on a fresh demo database in a temp
# folder (a disposable copy: the scan archives, deletes and erases things;
# durability is not under test here, and without fsync per write the form
# POSTs are fast enough to scan in bounded time). Creates an admin and an
# editor with `scan user add`, logs both in over HTTP (session cookie + the
# session's CSRF token) and makes a read-write API token, then runs sqlmap
# (Debian package) four times in two chains at once (see SQLMAP_PART
# below), each under `timeout`, all with --batch
# --level 3 --risk 2 --dbms=SQLite (the only backend) and an Origin header
# equal to the site:
#   1. anon: -u / --crawl=N --forms: every link with a query and every form
#      the crawler finds (not the language links: 1b); then 1b. headers: -l
#      with a page and the login POST, only lang, User-Agent and Referer
#      (read in one place for every route: once is the coverage).
#   3. user: the admin's cookie, -m with the pages that hold forms (account,
#      invite, users, a cluster's edit/members/profile/figures/import pages,
#      a member's figures, missing figures) --crawl=N --forms. POST forms
#      pass the CSRF guard and reach their handlers: the token is per
#      session, so the _csrf value in each crawled form stays valid, and
#      --skip=_csrf keeps sqlmap from mutating it (--csrf-token would
#      re-fetch a page before every request, doubling them, and forbids
#      --threads); --drop-set-cookie keeps the session; --crawl-exclude
#      keeps the crawler off /logout* (it would end the session), off
#      archive and publish (forms with no field but the token: submitting
#      them tests nothing and takes the entry out of the crawl), off token
#      creation (in the list, under the editor's session: each token makes
#      the account page longer) and off entries other than the
#      representative ones (the same handlers again).
#   2. list: -l, a Burp-format request list: every GET endpoint with query
#      parameters (HTML and /api/v1) with realistic values, path slugs
#      marked with `*`, the JSON writes (POST /api/v1/orgs, PATCH) with the
#      editor's Bearer token, and form POSTs with a session cookie
#      (User-Agent and Referer are left to run 1). Runs before 3, whose
#      crawl submits the admin pages' disable and erase forms.
# Fails when sqlmap reports a confirmed injection point ("parameter 'x' is
# vulnerable", "parameter 'x' appears to be '<technique>' injectable",
# "identified the following injection point", a row in its results CSV
# that sqlmap did not itself withdraw as "false positive or unexploitable";
# these patterns were checked against a deliberately injectable toy
# server), when its heuristics see unescaped HTML
# characters reflected (XSS), when the server answered any 5xx or a
# sanitizer report appears in its log, when the admin's session died before
# the end (coverage lost), when every write was refused with 403 (the POSTs
# proved nothing), or when a run overran its bound.
# Requests are counted from the server's access log; parameters from
# sqlmap's "testing for SQL injection on ..." lines.
#
# Profiles (times measured on 2 cores shared with other jobs; noisy):
#   short (CI): technique B (boolean-based blind: works for any injection
#               that changes a page), anonymous crawl depth 2, logged-in
#               depth 1, --threads 4; each run bounded at 1200 s; about 3
#               minutes in all with the ASan build (~22,000 requests)
#               before the two chains and the cuts of run 1.
#   full:       techniques B,E,U,S,T (adds error-based, UNION, stacked and
#               time-based with --time-sec 1), depths 3 and 2; each run
#               bounded at 2700 s; about 8-11 minutes (~65,000 requests).
# The bounds are a backstop only: they were 300 and 900 s, and on this
# 2-core machine shared with seven other test runs (load 30) a run that
# makes steady progress took longer and failed. A hang fails sooner: no
# request for T_STALL seconds (default 120).
# Env: PROFILE=short|full, SCAN_BIN (default build-asan/scan; the release
# build/scan is faster and fine here), KEEP=1 keeps the temp folder.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) TECH=B CRAWL=2 UCRAWL=1 T_RUN=1200 ;;
full) TECH=BEUST CRAWL=3 UCRAWL=2 T_RUN=2700 ;;
*) echo "sqlmap: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
T_STALL=${T_STALL:-120}
command -v sqlmap >/dev/null || { echo "sqlmap: FAIL: sqlmap is not installed (scripts/deps.sh test)"; exit 1; }
[ -x "$SCAN_BIN" ] || { echo "sqlmap: FAIL: $SCAN_BIN not built"; exit 1; }

# Two chains at once, each this script with its own server and database
# (SQLMAP_PART): sqlmap tests one request at a time, so one chain left a
# core idle. anon: runs 1 and 1b; logged: 2, then 3 on the same server
# (3's crawl ends the sessions 2 uses). Each gives its own verdict.
if [ -z "${SQLMAP_PART:-}" ]; then
    o=$(mktemp -d "${TMPDIR:-/tmp}/scan-sqlmap-parts.XXXXXX")
    ra=0 rl=0
    SQLMAP_PART=anon bash "${BASH_SOURCE[0]}" >"$o/anon" 2>&1 &
    a=$!
    SQLMAP_PART=logged bash "${BASH_SOURCE[0]}" >"$o/logged" 2>&1 || rl=$?
    wait "$a" || ra=$?
    cat "$o/anon" "$o/logged"
    rm -rf "$o"
    [ "$ra" = 0 ] && [ "$rl" = 0 ] || exit 1
    exit 0
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/scan-sqlmap.XXXXXX")
SRV=
cleanup() {
    if [ -n "$SRV" ] && kill -0 "$SRV" 2>/dev/null; then
        kill -TERM "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "sqlmap: kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
fail() { echo "sqlmap: FAIL: $*"; exit 1; }

# --- server on a fresh demo database ------------------------------------------------------
DB=$W/scan.db
"$SCAN_BIN" init --db "$DB" --demo >"$W/init.log" 2>&1 || fail "scan init: $(tail -1 "$W/init.log")"
EMAIL=sqlmap-admin@example.com
PW="sqlmap pass phrase $RANDOM$RANDOM"
printf '%s\n' "$PW" | "$SCAN_BIN" user add "$EMAIL" --name "Sqlmap Admin" --admin --password-stdin \
    --db "$DB" >"$W/user.log" 2>&1 || fail "scan user add: $(tail -1 "$W/user.log")"
# a second account whose session takes the token-creation POSTs: every one
# adds a token to its account page, which would slow every later page of
# the admin's session
EMAIL2=sqlmap-editor@example.com
printf '%s\n' "$PW" | "$SCAN_BIN" user add "$EMAIL2" --name "Sqlmap Editor" --editor --password-stdin \
    --db "$DB" >>"$W/user.log" 2>&1 || fail "scan user add: $(tail -1 "$W/user.log")"
"$SCAN_BIN" serve --db "$DB" --listen 127.0.0.1:0 --sync-normal >"$W/server.out" 2>"$W/server.log" &
SRV=$!
PORT=
for _ in $(seq 1 300); do
    PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$W/server.log" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$SRV" 2>/dev/null || fail "server exited: $(tail -3 "$W/server.log")"
    sleep 0.05
done
[ -n "$PORT" ] || fail "server did not start"
U=http://127.0.0.1:$PORT

# --- sessions, CSRF tokens, API token -------------------------------------------------------
login() { # email -> "sid=... csrf" on stdout
    curl -s -o /dev/null -D "$W/login.h" -H "Origin: $U" --data-urlencode "email=$1" \
        --data-urlencode "password=$PW" "$U/login"
    local sid csrf
    sid=$(sed -n 's/^Set-Cookie: sid=\([^;]*\).*/\1/ip' "$W/login.h" | tr -d '\r' | head -1)
    [ -n "$sid" ] || fail "login as $1 gave no session cookie"
    csrf=$(curl -s -H "Cookie: sid=$sid" "$U/account" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    [ -n "$csrf" ] || fail "no _csrf field on /account for $1"
    echo "sid=$sid $csrf"
}
read -r COOKIE CSRF <<<"$(login "$EMAIL")"
read -r COOKIE2 CSRF2 <<<"$(login "$EMAIL2")"
# the editor's: the admin's crawl submits the revoke forms on its own account page
TOKEN=$(curl -s -H "Cookie: $COOKIE2" -H "Origin: $U" --data-urlencode "name=sqlmap" \
    --data-urlencode "scope=write" --data-urlencode "_csrf=$CSRF2" "$U/account/tokens" |
    sed -n 's/.*id="new-token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$TOKEN" ] || fail "could not create an API token"

session_alive() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$U/account")" = 200 ]
}

# --- sqlmap runs --------------------------------------------------------------------------
# Entries the logged-in crawler may visit: a cluster, one of its members, the
# new-entry form. Every other /orgs/{slug}... is skipped (same handlers).
KEEP_SLUGS='new|voict|petrovaradin-softver'
EXCL_ANON='/logout'
EXCL_USER="/logout|/account/tokens\$|/(archive|publish)\$|/orgs/(?!($KEEP_SLUGS)(/|\\?|\$))[^/?#]+"
# --timeout 30 --retries 2: an answer slowed past 15 s by a loaded machine
# (two CI runs on two cores) read as "unreachable" once; a dead server
# still fails every retry, and the unreachable rule below still catches it.
# --disable-precon: sqlmap otherwise opens spare connections ahead of use
# and hands out ones up to 10 s old; one such socket failed with "unable to
# connect" in CI (stop 22) although the server answered everything else.
COMMON=(--batch --level 3 --risk 2 --dbms=SQLite --technique="$TECH" --time-sec 1
    --threads 4 --timeout 30 --retries 2 --disable-precon --disable-coloring --flush-session --ignore-stdin
    --output-dir="$W/out" -H "Origin: $U")

TOTAL_REQ=0
TOTAL_PARAMS=0
sep='======================================================' # of the -l request files
run_sqlmap() { # name time-limit args...
    local name=$1 limit=$2
    shift 2
    local before after t0 t1 rc=0
    before=$(grep -c ' access ' "$W/server.log" || true)
    t0=$(date +%s)
    timeout --kill-after=10 "$limit" sqlmap "${COMMON[@]}" "$@" >"$W/$name.out" 2>&1 &
    # a hang is no request for T_STALL seconds (the server's access log
    # stops growing), not a slow machine: polled every 5 s, a deadline
    local sp=$! seen=-1 now quiet=0
    while kill -0 "$sp" 2>/dev/null; do
        sleep 5 # poll (not an assertion after a sleep)
        now=$(wc -l <"$W/server.log")
        if [ "$now" = "$seen" ]; then quiet=$((quiet + 5)); else quiet=0 seen=$now; fi
        if [ "$quiet" -ge "$T_STALL" ]; then
            kill -TERM "$sp" 2>/dev/null || true
            wait "$sp" 2>/dev/null || true
            fail "$name: sqlmap made no request for ${T_STALL}s: hung (see $name.out)"
        fi
    done
    wait "$sp" || rc=$?
    t1=$(date +%s)
    after=$(grep -c ' access ' "$W/server.log" || true)
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        fail "$name: sqlmap did not finish within ${limit}s (see $name.out)"
    fi
    [ "$rc" = 0 ] || fail "$name: sqlmap exited $rc: $(grep -E 'CRITICAL|ERROR' "$W/$name.out" | tail -2)"
    kill -0 "$SRV" 2>/dev/null || fail "$name: the server died during the run: $(tail -3 "$W/server.log")"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$U/")" = 200 ] || fail "$name: the server no longer answers / with 200"
    local params req=$((after - before))
    params=$(grep -c 'testing for SQL injection on ' "$W/$name.out" || true)
    TOTAL_REQ=$((TOTAL_REQ + req))
    TOTAL_PARAMS=$((TOTAL_PARAMS + params))
    echo "sqlmap: $name: $req requests, $params parameters tested, $((t1 - t0))s"
    # confirmed injection points only: "target URL appears to be UNION
    # injectable with N columns" is a step of the UNION test that sqlmap
    # then tries to confirm, and usually does not ("does not seem to be")
    # "appears to be '...' injectable" is a candidate that sqlmap then
    # checks: "false positive or unexploitable injection point detected"
    # withdraws it (a page that changes between requests can pass the
    # boolean test once). Every candidate not withdrawn is a finding.
    local found="identified the following injection point|parameter '[^']*' is vulnerable"
    local cand="parameter '[^']*' appears to be '[^']*' injectable" nc nfp
    nc=$(grep -Ec "$cand" "$W/$name.out" || true)
    nfp=$(grep -c 'false positive or unexploitable injection point detected' "$W/$name.out" || true)
    if grep -Eq "$found" "$W/$name.out" || [ "$nc" -gt "$nfp" ]; then
        grep -E "$found|$cand" "$W/$name.out" | head -5
        fail "$name: sqlmap found an injection point"
    fi
    [ "$nc" = 0 ] || echo "sqlmap: $name: $nc candidate(s), each withdrawn by sqlmap's false-positive check"
    # the unmodified request refused (401 on sqlmap's first request to a
    # target: a dead session or token) or no answer: that target was not
    # tested. (A 401 later is sqlmap mutating the session cookie itself.)
    # A CRITICAL that says "going to retry" is followed by the retry; only
    # one without it (every retry failed) means a request went untested.
    local unreach='\[CRITICAL\] .*(connection|connect to|timed out)'
    if grep -B1 '\[ERROR\] not authorized' "$W/$name.out" | grep -q 'testing connection to the target URL' ||
        grep -E "$unreach" "$W/$name.out" | grep -vq 'going to retry'; then
        grep -B1 -E "\[ERROR\] not authorized|$unreach" "$W/$name.out" | head -4
        fail "$name: a target was refused or unreachable, so it was not tested"
    fi
    local csv
    for csv in "$W"/out/results-*.csv; do
        # rows sqlmap itself withdrew carry the note "false positive or
        # unexploitable" (counted against the candidates above); any other
        # row is a finding
        if [ -f "$csv" ] && tail -n +2 "$csv" | grep -v 'false positive or unexploitable' | grep -q .; then
            cat "$csv"
            fail "$name: sqlmap's results file lists an injection point"
        fi
    done
    if grep -Eq 'might be vulnerable to cross-site scripting' "$W/$name.out"; then
        grep -E 'cross-site scripting' "$W/$name.out" | head -3
        fail "$name: sqlmap's heuristic saw unescaped <>'\" in a response (XSS)"
    fi
}

if [ "$SQLMAP_PART" = anon ]; then
# 1. anonymous crawl. Every page's language links (?lang=en: 28 of the 73
# targets the crawl finds) would test the one `lang` reader of web/guard.c
# again and again, and level 3 tests the User-Agent and Referer headers on
# every target (146 of the crawl's 266 parameter tests): both are read in
# one place for every route, so they are tested once, in 1b.
# (--crawl-exclude only keeps the crawler off a page; --scope drops the
# link from the targets too)
run_sqlmap anon "$T_RUN" -u "$U/" --crawl="$CRAWL" --forms --crawl-exclude="$EXCL_ANON" \
    --scope='^(?!.*[?&]lang=)' --skip="User-Agent,Referer"

# 1b. the parameters every route shares, once: lang (web/guard.c) on a page,
# the User-Agent (stored with a login's device record) and the Referer (the
# CSRF guard's fallback when Origin is absent) on the login POST. The login
# is a right one (303): a wrong one is answered 401, which sqlmap takes for
# a refused target, and stores no device record; each request only makes
# one more session of the admin.
HREQ=$W/headers.log
LOGIN_BODY=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"email": sys.argv[1], "password": sys.argv[2]}))' "$EMAIL" "$PW")
{
    printf '%s\nGET /orgs?lang=en HTTP/1.1\nHost: 127.0.0.1:%s\nReferer: %s/orgs\n\n%s\n\n' "$sep" "$PORT" "$U" "$sep"
    printf '%s\nPOST /login HTTP/1.1\nHost: 127.0.0.1:%s\nReferer: %s/login\n' "$sep" "$PORT" "$U"
    printf 'Content-Type: application/x-www-form-urlencoded\n\n%s\n%s\n\n' "$LOGIN_BODY" "$sep"
} >"$HREQ"
run_sqlmap headers "$T_RUN" -l "$HREQ" -p "lang,User-Agent,Referer"
fi

if [ "$SQLMAP_PART" = logged ]; then

# 2. explicit request list (before the logged-in crawl: that one submits the
# admin pages' disable and erase forms, which would end the editor's session
# and token used here): GET endpoints with parameters, path slugs, JSON writes
REQ=$W/requests.log
add_req() { # method path [extra header lines...] -- body
    local method=$1 path=$2
    shift 2
    {
        printf '%s\n%s %s HTTP/1.1\nHost: 127.0.0.1:%s\n' "$sep" "$method" "$path" "$PORT"
        local body=
        while [ $# -gt 0 ]; do
            if [ "$1" = -- ]; then body=$2; break; fi
            printf '%s\n' "$1"
            shift
        done
        printf '\n'
        [ -n "$body" ] && printf '%s\n' "$body"
        printf '%s\n\n' "$sep"
    } >>"$REQ"
}
: >"$REQ"
AUTH="Authorization: Bearer $TOKEN"
CK="Cookie: $COOKIE"
add_req GET "/orgs?q=nis&kind=cluster&sector=C&fos=1&region=VO&district=BEOGRAD&geo=RS&status=any&sort=name-desc&page=1" "$CK"
add_req GET "/search?q=nis&page=1"
add_req GET "/search/suggest?q=nis"
add_req GET "/figures?year=2024&scope=cluster&cluster=voict&format=csv&table=cluster"
add_req GET "/figures/missing?year=2024" "$CK"
add_req GET "/admin/audit?action=org.update&entity=org&actor=1&from=2020-01-01&to=2030-01-01&before=100000" "$CK"
add_req GET "/login?next=/account&done=1"
add_req GET "/orgs/voict*/history"
add_req GET "/orgs/voict/figures?year=2024&saved=1" "$CK"
add_req GET "/api/v1/orgs?kind=cluster&sector=C&fos=1&region=VO&district=BEOGRAD&geo=RS&status=any&sort=name&limit=5&cursor=1" "$AUTH"
add_req GET "/api/v1/orgs/voict*" "$AUTH"
add_req GET "/api/v1/search?q=nis&limit=5"
add_req GET "/api/v1/clusters?limit=5&cursor=1"
add_req GET "/api/v1/clusters/voict*/members"
add_req GET "/api/v1/figures?year=2024&scope=cluster&cluster=voict&group_by=sector"
add_req POST "/api/v1/orgs" "$AUTH" "Content-Type: application/json" -- \
    '{"name":"Sqlmap Probe","kind":"company","status":"published","municipality":"Novi Sad","district":"BEOGRAD","short_en":"probe"}'
add_req PATCH "/api/v1/orgs/backa-kod" "$AUTH" "Content-Type: application/json" -- \
    '{"short_en":"patched","website":"https://example.com"}'
add_req POST "/account/tokens" "Cookie: $COOKIE2" "Content-Type: application/x-www-form-urlencoded" -- \
    "_csrf=$CSRF2&name=probe&scope=read"
add_req POST "/orgs/voict/members" "$CK" "Content-Type: application/x-www-form-urlencoded" -- \
    "_csrf=$CSRF&org=backa-kod&role=member&joined_on=2024-01-01"
run_sqlmap list "$T_RUN" -l "$REQ" --skip="_csrf,User-Agent,Referer" --drop-set-cookie
session_alive || fail "list: the logged-in session ended during the scan"

# 3. logged-in crawl, from every page that holds forms
for p in / /account /invite /admin/users /orgs/new /orgs/voict/edit /orgs/voict/cluster/edit \
    /orgs/voict/members/manage /orgs/voict/figures /orgs/voict/figures/import \
    /orgs/petrovaradin-softver/figures /figures/missing; do
    echo "$U$p"
done >"$W/start.txt"
# lang, the session cookie and the User-Agent/Referer headers are tested by
# the anonymous run and the list; here only each form's and link's own fields
run_sqlmap user "$T_RUN" -m "$W/start.txt" --crawl="$UCRAWL" --forms --crawl-exclude="$EXCL_USER" \
    --cookie="$COOKIE" --drop-set-cookie --skip="_csrf,lang,sid,User-Agent,Referer"
session_alive || fail "user: the logged-in session ended during the scan (coverage lost)"
fi

# --- verdict from the server's side ---------------------------------------------------------
awk '$2 == "access" {print $4, $(NF - 2)}' "$W/server.log" >"$W/status.txt"
N5XX=$(awk '$2 ~ /^5/' "$W/status.txt" | wc -l)
NPOST=$(awk '$1 != "GET" && $1 != "HEAD"' "$W/status.txt" | wc -l)
N403=$(awk '$1 != "GET" && $1 != "HEAD" && $2 == 403' "$W/status.txt" | wc -l)
echo "sqlmap: total $TOTAL_REQ requests, $TOTAL_PARAMS parameters tested (level 3, risk 2, techniques $TECH), 0 injection points"
echo "sqlmap: writes (POST/PATCH) $NPOST, of them refused 403 $N403; server 5xx answers $N5XX"
if grep -Eq 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$W/server.log"; then
    grep -E 'ERROR: AddressSanitizer|runtime error:' "$W/server.log" | head -3
    fail "sanitizer report in the server log"
fi
if [ "$N5XX" -gt 0 ]; then
    grep ' access .* 5[0-9][0-9] ' "$W/server.log" | head -5
    fail "the server answered $N5XX requests with 5xx"
fi
[ $((NPOST - N403)) -gt 0 ] || fail "every write was refused with 403: the scan never reached a handler"
echo "sqlmap: OK"
