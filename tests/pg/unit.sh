#!/usr/bin/env bash
# unit.sh: the unit tests on PostgreSQL 15.
#
#   tests/pg/unit.sh [TEST...]     (BUILD, default build-asan; JOBS, default 2)
#
# Starts a throwaway PostgreSQL (tests/pg/pg_temp.sh) and runs meson's unit
# suite with SCAN_TEST_PG set to it: tests/unit/testdb.c then gives every
# fixture a fresh, fully migrated database of its own on that server
# instead of an SQLite file (see testdb.h), so every test of the model runs
# the same assertions on PostgreSQL. Tests that open no database run as
# they do on SQLite. Without TESTs it runs the whole unit suite but those
# of EXCLUDE below; TESTs are meson test names (org, figures, ...).
# Prints meson's summary and the time taken; exits 1 when any test failed
# (meson's log: BUILD/meson-logs/testlog-pg.txt).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-asan}
# Tests that are about one backend's driver, each with its reason.
EXCLUDE=(
  # the SQLite driver itself: files, WAL, busy timeouts, backups
  db
  # the PostgreSQL driver: starts its own server (tests/unit/pg_temp.sh)
  db_pg
)
TESTS=()
if [ $# -gt 0 ]; then
  TESTS=("$@")
else
  while read -r name; do
    [[ " ${EXCLUDE[*]} " == *" $name "* ]] || TESTS+=("$name")
  done < <(meson test -C "$BUILD" --suite unit --list 2>/dev/null | sed -n "s/^\(.* \/ \)\{0,1\}\([a-z_0-9]*\)$/\2/p")
fi
[ ${#TESTS[@]} -gt 0 ] || { echo "unit on PostgreSQL: no tests found in $BUILD" >&2; exit 1; }

# shellcheck source=tests/pg/pg_temp.sh
. tests/pg/pg_temp.sh
# fsync off: nothing here crashes the server, and each fixture's CREATE
# DATABASE ... TEMPLATE took seconds of fsync with it on
PG_TEMP_FSYNC=off pg_temp_start || exit 1
export SCAN_TEST_PG=$SCAN_PG_URL
start=$SECONDS
SCAN_TEST_PG=$SCAN_PG_URL meson test -C "$BUILD" --suite unit --num-processes "${JOBS:-2}" \
  --logbase testlog-pg --print-errorlogs "${TESTS[@]}"
status=$?
echo "unit on PostgreSQL: ${#TESTS[@]} tests, meson status $status in $((SECONDS - start)) s"
exit $status
