#!/usr/bin/env bash
# http.sh: the HTTP test files on PostgreSQL 15.
#
#   tests/pg/http.sh [FILE...]     (SCAN_BIN, default build-asan/scan)
#
# Starts a throwaway PostgreSQL (tests/pg/pg_temp.sh) and runs each file of
# tests/http/ (a name like `basics` or a path) with SCAN_TEST_PG set to it:
# tests/http/lib.mjs then gives every server and every database path a test
# names its own PostgreSQL database (see lib.mjs). Without FILEs it runs
# every tests/http/*.test.mjs but those of EXCLUDE below, one file after
# another, or JOBS files at a time (env JOBS, default 1).
# Prints one line per file, "pass N fail M SECONDS s FILE", then node's
# TAP summary lines for the whole run ("# pass N", "# fail M": tests/run.sh
# counts those) and the time taken; each file's TAP output and its
# servers' logs are kept under $OUT (default a temporary folder, printed);
# a file that ends without a summary counts as one failure; a failed
# file's server warnings are printed (the last 20); exits 1 when
# any test failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
export SCAN_BIN=${SCAN_BIN:-build-asan/scan}
# Files that cannot mean anything on PostgreSQL, each with its reason.
EXCLUDE=(
  # SQLite files by path: db backup's online copy of a file, init making
  # a file's parent folders, a missing file, the sqlite3 shell on the file
  # (PostgreSQL's migrations and db check: tests/pg/migrations.sh)
  cli
  # the same for the user commands: they open a file path of their own
  # and read it back with the sqlite3 shell
  cli_user
  # the restore drill of SQLite's online backup (scan db backup refuses a
  # PostgreSQL database and names pg_dump; OPERATIONS.md's recipe)
  restore
)
FILES=()
for path in tests/http/*.test.mjs; do
  name=$(basename "$path" .test.mjs)
  [[ " ${EXCLUDE[*]} " == *" $name "* ]] || FILES+=("$name")
done
[ $# -gt 0 ] && FILES=("$@")
# env FIRST: names to start first (tests/run.sh passes its longest files,
# so that with JOBS > 1 the lanes end together); the rest keep their order
if [ -n "${FIRST:-}" ]; then
  ordered=()
  for f in $FIRST; do [[ " ${FILES[*]} " == *" $f "* ]] && ordered+=("$f"); done
  for f in "${FILES[@]}"; do [[ " $FIRST " == *" $f "* ]] || ordered+=("$f"); done
  FILES=("${ordered[@]}")
fi

# shellcheck source=tests/pg/pg_temp.sh
. tests/pg/pg_temp.sh
pg_temp_start || exit 1
export SCAN_TEST_PG=$SCAN_PG_URL
OUT=${OUT:-$(mktemp -d /tmp/scan-pg-http-XXXXXX)}
mkdir -p "$OUT"
# servers' databases are copies of one template database per run (lib.mjs)
export SCAN_TEST_TEMPLATES=${SCAN_TEST_TEMPLATES:-$OUT/templates}

# one file: its TAP output, then a line "pass N fail M SECONDS s NAME" in
# $OUT/NAME.result (a file that ends without a summary: one failure)
run_file() {
  local path=$1 name t0=$SECONDS pass fail
  name=$(basename "$path" .test.mjs)
  SCAN_TEST_SERVER_LOG="$OUT/$name.server.log" \
    node --test --test-reporter=tap "$path" >"$OUT/$name.tap" 2>&1
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  printf 'pass %3d fail %3d %4d s %s\n' "${pass:-0}" "${fail:-1}" $((SECONDS - t0)) "$name" |
    tee "$OUT/$name.result"
}

# JOBS files at a time (default 1: the machine's cores are shared); each
# file's servers and databases are its own, so files never meet
JOBS=${JOBS:-1}
names=()
for f in "${FILES[@]}"; do
  case $f in
    */*) path=$f ;;
    *) path=tests/http/$f.test.mjs ;;
  esac
  names+=("$(basename "$path" .test.mjs)")
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  run_file "$path" &
done
wait

status=0 total_pass=0 total_fail=0
for name in "${names[@]}"; do
  read -r _ pass _ fail _ <"$OUT/$name.result" || { pass=0 fail=1; }
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  [ "$fail" = 0 ] && continue
  status=1
  # what its servers warned of, for a failure seen only on another machine
  grep -hiE 'error|warn|busy' "$OUT/$name".server.log* 2>/dev/null | tail -20 |
    sed "s/^/   $name server: /"
done
echo "# pass $total_pass"
echo "# fail $total_fail"
echo "http on PostgreSQL: $total_pass passed, $total_fail failed in $SECONDS s (output in $OUT)"
exit $status
