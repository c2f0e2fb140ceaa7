#!/usr/bin/env bash
# diskfull.sh: a full disk refuses writes cleanly and the server recovers.
#
# Proves: with the database on a filesystem that fills up, a write that
# cannot be stored gets a 503 with a clear message (JSON error under
# /api/, an HTML page for a form), never a 500 or a crash; nothing refused
# is stored and everything acknowledged is; reads (home, directory, an
# entry, the API, a logged-in page) keep answering 200; once space is
# freed, writes succeed again without restarting the server; then `scan db
# check` passes. Stopped (SIGTERM) on a full disk, the server exits 0 and,
# restarted once there is room, has every acknowledged write; no sanitizer
# report in its stderr. `scan org import` (a bulk writer) on a full disk
# fails saying so and changes nothing; an import that fits then succeeds.
# Writes go on until both an API create and a form save were refused, so
# the WAL also grows into the full disk in the middle of transactions.
#
# How: mounts a small tmpfs (needs root), puts a fresh database on it,
# starts `scan serve`, and runs tests/reliability/writer.mjs diskfull,
# which fills the tmpfs with a filler file up to ENOSPC, writes and reads,
# deletes the filler and writes again.
#
# env: PROFILE=short|full (same test; it takes seconds), SCAN_BIN (default
#      build-asan/scan), TMPFS_SIZE (default 4m: a fresh database with its migrations and reference data is 0.9 MB, and its log as large while they run).
set -euo pipefail

PROFILE=${PROFILE:-short}
SCAN_BIN=${SCAN_BIN:-build-asan/scan}
TMPFS_SIZE=${TMPFS_SIZE:-4m}
case "$PROFILE" in short | full) ;; *) echo "diskfull: PROFILE must be short or full" >&2; exit 2 ;; esac
[ -x "$SCAN_BIN" ] || { echo "diskfull: FAIL: $SCAN_BIN is not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "diskfull: FAIL: the sqlite3 CLI is needed (apt-get install sqlite3)" >&2; exit 1; }
if [ "$(id -u)" != 0 ]; then
    echo "diskfull: FAIL: needs root to mount a tmpfs (run as root, as CI does)"
    exit 1
fi

DIR=$(mktemp -d /tmp/scan-diskfull.XXXXXX)
MNT=$DIR/mnt
PIDFILE=$DIR/server.pid
mkdir "$MNT"
cleanup() {
    local pid
    if [ -s "$PIDFILE" ] && pid=$(cat "$PIDFILE") && kill -9 "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if mountpoint -q "$MNT"; then umount "$MNT" || umount -l "$MNT" || true; fi
    rm -rf "$DIR"
}
trap cleanup EXIT
# a private copy: a rebuild during the run must not swap the binary
cp "$SCAN_BIN" "$DIR/scan"
SCAN_BIN=$DIR/scan

EMAIL=full.admin@example.com
PASSWORD='disk full pass phrase 2026'

# run SIZE PREFILL: the scenario on a fresh tmpfs of SIZE, after PREFILL
# entries of 8 KB (250 of them pass the WAL's 1000-page checkpoint, so
# the WAL is then reused from its start and checkpoints must grow the
# database file on the full disk)
run() {
    local size=$1 prefill=$2 out
    if ! mount -t tmpfs -o size="$size",mode=0700 tmpfs "$MNT" 2>"$DIR/mount.err"; then
        echo "diskfull: FAIL: cannot mount a tmpfs at $MNT: $(cat "$DIR/mount.err") (a container without CAP_SYS_ADMIN?)"
        exit 1
    fi
    local db=$MNT/scan.db
    "$SCAN_BIN" init --db "$db" >/dev/null
    printf '%s\n' "$PASSWORD" | "$SCAN_BIN" user add "$EMAIL" --name 'Full Admin' --admin \
        --password-stdin --db "$db" >/dev/null
    echo "diskfull: tmpfs of $size, database $(du -k "$db" | cut -f1) KiB after init, $prefill entries before filling"
    node tests/reliability/writer.mjs diskfull --bin "$SCAN_BIN" --db "$db" --email "$EMAIL" \
        --password "$PASSWORD" --dir "$MNT" --pidfile "$PIDFILE" --prefill "$prefill"
    if ! out=$("$SCAN_BIN" db check --db "$db" 2>&1); then
        echo "diskfull: FAIL: scan db check: $out"
        exit 1
    fi
    echo "diskfull: scan db check: ok"
    umount "$MNT"
}

# run_import: `scan org import` (a bulk writer: rollback journal, its
# COMMIT's pages gathered into larger writes) of 4,000 entries, about
# 25 MB, into a database on a 12 MiB tmpfs: it fails saying the disk is
# full, changes nothing (no entry, the file checks, back in WAL mode), and
# an import that fits then succeeds.
run_import() {
    mount -t tmpfs -o size=12m,mode=0700 tmpfs "$MNT"
    local db=$MNT/scan.db out n
    "$SCAN_BIN" init --db "$db" >/dev/null
    python3 bench/gen.py --seed 2 orgs --count 4000 --format csv >"$DIR/big.csv"
    head -21 "$DIR/big.csv" >"$DIR/small.csv"
    if out=$("$SCAN_BIN" org import "$DIR/big.csv" --db "$db" 2>&1); then
        echo "diskfull: FAIL: an import of 4,000 entries fit on 12 MiB: $out"
        exit 1
    fi
    case "$out" in
    *"disk is full"*) echo "diskfull: import on a full disk: $out" ;;
    *) echo "diskfull: FAIL: the import's failure does not say the disk is full: $out"; exit 1 ;;
    esac
    if [[ $out == *"not an error"* || $out == *Sanitizer* || $out == *"runtime error"* ]]; then
        echo "diskfull: FAIL: $out"
        exit 1
    fi
    n=$(sqlite3 "$db" "SELECT count(*) FROM org")
    [ "$n" = 0 ] || { echo "diskfull: FAIL: the failed import left $n entries"; exit 1; }
    if ! out=$("$SCAN_BIN" db check --db "$db" 2>&1); then
        echo "diskfull: FAIL: scan db check after the failed import: $out"
        exit 1
    fi
    [ "$(sqlite3 "$db" "PRAGMA journal_mode")" = wal ] || { echo "diskfull: FAIL: not back in WAL mode"; exit 1; }
    out=$("$SCAN_BIN" org import "$DIR/small.csv" --db "$db" 2>&1) ||
        { echo "diskfull: FAIL: an import that fits failed after the full one: $out"; exit 1; }
    n=$(sqlite3 "$db" "SELECT count(*) FROM org")
    [ "$n" = 20 ] || { echo "diskfull: FAIL: 20 entries expected after the small import, found $n"; exit 1; }
    echo "diskfull: an import that fits then: $out; scan db check: ok"
    umount "$MNT"
}

run "$TMPFS_SIZE" 0
run 24m 250
run_import
echo "diskfull: PASS"
