#!/usr/bin/env bash
# event_crash.sh: kill -9 during concurrent registrations for one event.
#
# Proves: however often the server is killed with SIGKILL while people
# register for (and cancel) the last places of one event at once, never
# more are confirmed than the capacity, nobody waits while a place is
# free, no acknowledged registration or cancellation is lost, nobody is
# registered twice, every registration has its audit row, and the server
# restarts on the crashed database; `scan db check` passes at the end.
# This is event.c's design at work: "count, then insert or promote" is one
# write transaction (SQLite's single writer), with its audit row.
#
# How: a fresh database with one event of CAPACITY places and PEOPLE people,
# each with an account and a write API token (hashes made here as
# auth_token_hash does: BLAKE2b-256); then tests/reliability/event_crash.mjs
# runs KILLS rounds of CLIENTS concurrent requests killed part-way.
#
# env: PROFILE=short (6 kills, 40 clients) | full (30 kills, 100 clients)
#      SCAN_BIN (default build-asan/scan), KILLS, CLIENTS, PEOPLE, CAPACITY.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) KILLS=${KILLS:-6}; CLIENTS=${CLIENTS:-40} ;;
full) KILLS=${KILLS:-30}; CLIENTS=${CLIENTS:-100} ;;
*) echo "event_crash: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
PEOPLE=${PEOPLE:-$((KILLS * CLIENTS))}
CAPACITY=${CAPACITY:-$((PEOPLE / 3))}
[ -x "$SCAN_BIN" ] || { echo "event_crash: FAIL: $SCAN_BIN is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "event_crash: FAIL: the sqlite3 CLI is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "event_crash: FAIL: python3 is needed" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/scan-event-crash.XXXXXX")
PIDFILE=$DIR/server.pid
cleanup() {
    local pid
    if [ -s "$PIDFILE" ] && pid=$(cat "$PIDFILE") && kill -9 "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
cp "$SCAN_BIN" "$DIR/scan" # a rebuild during the run must not swap the binary
SCAN_BIN=$DIR/scan
DB=$DIR/scan.db
"$SCAN_BIN" init --db "$DB" >/dev/null

# people, accounts, tokens ("person_id token" lines) and the event
CAPACITY=$CAPACITY python3 - "$PEOPLE" "$DIR/tokens" >"$DIR/setup.sql" <<'PY'
import base64, hashlib, os, sys
n, out = int(sys.argv[1]), open(sys.argv[2], "w")
print("BEGIN;")
print("INSERT INTO org(id, slug, name, kind, status, created_at, updated_at) VALUES"
      " (1, 'crash-cluster', 'Crash Cluster', 'cluster', 'published', 0, 0);")
print("INSERT INTO event(id, kind, organiser_id, title_sr, starts_at, ends_at, place, language,"
      " audience, capacity, created_at, updated_at) VALUES (1, 'training', 1, 'Обука', 4102444800,"
      " 4102452000, 'Ниш', 'sr', 'everyone', %s, 0, 0);" % os.environ["CAPACITY"])
for i in range(1, n + 1):
    tok = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    h = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
    pid = 1000 + i
    print("INSERT INTO person(id, name, email, created_at, updated_at) VALUES (%d, 'P%d', 'p%d@example.com', 0, 0);" % (pid, i, i))
    print("INSERT INTO account(id, person_id, created_at) VALUES (%d, %d, 0);" % (pid, pid))
    print("INSERT INTO api_token(account_id, name, token_hash, scope, created_at, expires_at)"
          " VALUES (%d, 'crash', X'%s', 'write', 0, 4102444800);" % (pid, h))
    out.write("%d %s\n" % (pid, tok))
print("COMMIT;")
PY
sqlite3 "$DB" <"$DIR/setup.sql" || { echo "event_crash: FAIL: setup SQL" >&2; exit 1; }
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM api_token')" -eq "$PEOPLE" ] || { echo "event_crash: FAIL: setup" >&2; exit 1; }

node tests/reliability/event_crash.mjs --bin "$SCAN_BIN" --db "$DB" --event 1 --capacity "$CAPACITY" \
    --tokens "$DIR/tokens" --kills "$KILLS" --clients "$CLIENTS" --pidfile "$PIDFILE"
"$SCAN_BIN" db check --db "$DB" >/dev/null || { echo "event_crash: FAIL: scan db check" >&2; exit 1; }
echo "event_crash: OK"
