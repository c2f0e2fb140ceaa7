#!/usr/bin/env bash
# http.sh: the HTTP test files on PostgreSQL 15.
#
#   tests/pg/http.sh [FILE...]     (SCAN_BIN, default build-asan/scan)
#
# Starts a throwaway PostgreSQL (tests/pg/pg_temp.sh) and runs each file of
# tests/http/ (a name like `basics` or a path) with SCAN_TEST_PG set to it:
# tests/http/lib.mjs then gives every server and every database path a test
# names its own PostgreSQL database (see lib.mjs). Without FILEs it runs the
# list below, one file after another (the machine's cores are shared).
# Prints one line per file, "pass N fail M FILE"; each file's TAP output
# and its servers' logs are kept under $OUT (default a temporary folder,
# printed); exits 1 when any test failed. Not part of tests/run.sh (CI time).
set -uo pipefail
cd "$(dirname "$0")/../.."
export SCAN_BIN=${SCAN_BIN:-build-asan/scan}
FILES=(basics directory api api_org accounts figures cluster_page posts events calls
  projects positions news permissions)
[ $# -gt 0 ] && FILES=("$@")

# shellcheck source=tests/pg/pg_temp.sh
. tests/pg/pg_temp.sh
pg_temp_start || exit 1
export SCAN_TEST_PG=$SCAN_PG_URL
OUT=${OUT:-$(mktemp -d /tmp/scan-pg-http-XXXXXX)}
mkdir -p "$OUT"

status=0 total_pass=0 total_fail=0
for f in "${FILES[@]}"; do
  case $f in
    */*) path=$f ;;
    *) path=tests/http/$f.test.mjs ;;
  esac
  name=$(basename "$path" .test.mjs)
  SCAN_TEST_SERVER_LOG="$OUT/$name.server.log" \
    node --test --test-reporter=tap "$path" >"$OUT/$name.tap" 2>&1
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  pass=${pass:-0} fail=${fail:-1}
  printf 'pass %3d fail %3d %s\n' "$pass" "$fail" "$name"
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  [ "$fail" = 0 ] || status=1
done
echo "http on PostgreSQL: $total_pass passed, $total_fail failed (output in $OUT)"
exit $status
