#!/usr/bin/env bash
# crash.sh: acknowledged writes survive kill -9 of the server.
#
# Proves: with the default synchronous=FULL, every write the server
# acknowledged is in the database after the process is killed with SIGKILL
# at random moments and restarted, with exactly the values sent; no write
# is visible half done (an entry always has its classifications, its
# revision, its audit row and its search document; a figures row is whole
# with its audit row); nothing refused or never sent is stored; the server
# restarts on every crashed database; `scan db check` passes at the end.
#
# How: tests/reliability/writer.mjs runs 4 concurrent writers (entries over
# POST /api/v1/orgs with a Bearer token, yearly figures over the HTML form
# with session + CSRF) against `scan serve`, kills the server with SIGKILL
# 50-800 ms after it is ready, restarts it, KILLS times; records each write
# as acknowledged (full 2xx/303 received), unknown (no full response) or
# refused; then compares the records with the database read by the sqlite3
# CLI.
#
# CRASH_PG=1: the same on PostgreSQL 15 (tests/pg/pg_temp.sh, fsync on),
# every second kill being of PostgreSQL (pg_ctl restart -m immediate)
# while the app server stays up; a write answered 5xx then counts as
# unknown (a commit whose answer was lost), never as refused.
#
# env: PROFILE=short (10 kills, CI) | full (50 kills, plus a FULL vs NORMAL
#      write-rate comparison and the kill loop once with --sync-normal)
#      SCAN_BIN (default build-asan/scan), KILLS, WRITERS override.
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
case "$PROFILE" in
short) KILLS=${KILLS:-10} ;;
full) KILLS=${KILLS:-50} ;;
*) echo "crash: PROFILE must be short or full, not '$PROFILE'" >&2; exit 2 ;;
esac
WRITERS=${WRITERS:-4}
[ -x "$SCAN_BIN" ] || { echo "crash: FAIL: $SCAN_BIN is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "crash: FAIL: the sqlite3 CLI is needed (apt-get install sqlite3)" >&2; exit 1; }

DIR=$(mktemp -d /tmp/scan-crash.XXXXXX)
PIDFILE=$DIR/server.pid
cleanup() {
    # the writer's server, if the writer died before stopping it
    local pid
    if [ -s "$PIDFILE" ] && pid=$(cat "$PIDFILE") && kill -9 "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
# a private copy: a rebuild during the run must not swap the binary
cp "$SCAN_BIN" "$DIR/scan"
SCAN_BIN=$DIR/scan

EMAIL=crash.admin@example.com
PASSWORD='crash test pass phrase 2026'

# fresh database with an admin account; echoes the db path
new_db() {
    local db=$DIR/$1.db
    "$SCAN_BIN" init --db "$db" >/dev/null
    printf '%s\n' "$PASSWORD" | "$SCAN_BIN" user add "$EMAIL" --name 'Crash Admin' --admin \
        --password-stdin --db "$db" >/dev/null
    echo "$db"
}

check_db() {
    local out
    if ! out=$("$SCAN_BIN" db check --db "$1" 2>&1); then
        echo "crash: FAIL: scan db check after the crashes: $out"
        exit 1
    fi
    echo "crash: scan db check: $(echo "$out" | tail -n 1)"
}

if [ -n "${CRASH_PG:-}" ]; then
    # PostgreSQL (CRASH_PG=1): a throwaway server (fsync on), app server
    # kills and immediate shutdowns of PostgreSQL itself, alternating
    # shellcheck source=tests/pg/pg_temp.sh
    . tests/pg/pg_temp.sh
    pg_temp_start || exit 1
    trap 'pg_temp_stop; cleanup' EXIT
    printf '%s\n' "$PASSWORD" | "$SCAN_BIN" user add "$EMAIL" --name 'Crash Admin' --admin \
        --password-stdin --db "$SCAN_PG_URL" >/dev/null
    node tests/reliability/writer.mjs crash --bin "$SCAN_BIN" --db "$SCAN_PG_URL" --email "$EMAIL" \
        --password "$PASSWORD" --kills "$KILLS" --writers "$WRITERS" --pidfile "$PIDFILE" \
        --pg-dir "$PG_TEMP_DIR"
    check_db "$SCAN_PG_URL"
    echo "crash: PASS (PostgreSQL)"
    exit 0
fi

DB=$(new_db full)
node tests/reliability/writer.mjs crash --bin "$SCAN_BIN" --db "$DB" --email "$EMAIL" \
    --password "$PASSWORD" --kills "$KILLS" --writers "$WRITERS" --pidfile "$PIDFILE"
check_db "$DB"

if [ "$PROFILE" = full ]; then
    # synchronous=NORMAL also keeps acknowledged writes on a process crash
    # (what it gives up is power loss, which a kill cannot show)
    DB=$(new_db normal)
    node tests/reliability/writer.mjs crash --bin "$SCAN_BIN" --db "$DB" --email "$EMAIL" \
        --password "$PASSWORD" --kills 10 --writers "$WRITERS" --pidfile "$PIDFILE" --sync-normal
    check_db "$DB"
    # what FULL costs: acknowledged writes per second, same writers (noisy
    # on a shared machine; the database is in $TMPDIR, i.e. on its disk)
    for mode in full normal; do
        DB=$(new_db "bench-$mode")
        sync=()
        [ "$mode" = normal ] && sync=(--sync-normal)
        node tests/reliability/writer.mjs bench --bin "$SCAN_BIN" --db "$DB" --email "$EMAIL" \
            --password "$PASSWORD" --seconds 10 --writers "$WRITERS" --pidfile "$PIDFILE" "${sync[@]}"
    done
fi
echo "crash: PASS"
