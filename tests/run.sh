#!/usr/bin/env bash
# run.sh: runs every test level against the sanitizer build and prints one
# summary line "N passed, N failed". Called by `make test` (and so by CI).
#
#   unit     cmocka executables through `meson test` (TAP), and
#            tests/pg/migrations.sh (the migrations on a temporary
#            PostgreSQL 15 give SQLite's schema), and
#            tests/layers_check.sh (the layer table holds), and
#            tests/deps_check.sh (the release build needs only
#            `scripts/deps.sh build`)
#   http     black-box tests of the real binary (node --test)
#   browser  playwright-core driving Debian's chromium (node --test)
#            (both: TEST_JOBS files at once, default one per core; each
#            file its own node process, servers on port 0, own temp dirs)
#   html     every HTML page the http and browser levels fetched, through the
#            Nu HTML Checker (tests/validate/html.sh), and at phone width in
#            Chromium: none may scroll sideways (tests/validate/overflow.mjs)
#   pg       the unit suite (tests/pg/unit.sh) and the HTTP suite again
#            on a throwaway PostgreSQL 15
#            (tests/pg/http.sh starts and stops it), TEST_JOBS files at
#            once like the http level, counted per file from node's TAP
#            summaries
#   fuzz     each libFuzzer target of fuzz/ for FUZZ_SECONDS (CI: 10 s,
#            TEST_JOBS targets at once, from the committed corpus)
#   reliability  tests/reliability/*.sh in their short profile (crash, disk
#            full, out of memory, soak, slow clients, sqlmap, wapiti); `make
#            reliability` runs the same scripts with PROFILE=full; the
#            scanners (sqlmap, wapiti) run once, on SQLite
#   cluster  tests/cluster/run.sh when it exists (two app servers and
#            nginx on PostgreSQL, one killed under load)
#
# LEVELS="unit http" runs only those levels; the default (`make test`, so
# CI) is every level. With two cores the whole run takes about 30 minutes;
# the slow scanners (sqlmap, wapiti) run once, on SQLite (issue 18).
set -uo pipefail
cd "$(dirname "$0")/.."

export SCAN_BIN=${SCAN_BIN:-build-asan/scan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TZ=UTC
LEVELS=${LEVELS:-unit http browser html pg fuzz reliability cluster}
out=$(mktemp -d)
# KEEP=1 keeps the folder (every file's TAP output and times) and says where
trap 'if [ "${KEEP:-0}" = 1 ]; then echo "run.sh: kept $out"; else rm -rf "$out"; fi' EXIT
# lib.mjs saves every text/html response here for the html level
export SCAN_HTML_DUMP=$out/html
mkdir -p "$SCAN_HTML_DUMP"
# servers start from one `scan init` per run, copied (lib.mjs)
export SCAN_TEST_TEMPLATES=$out/templates
want() { [[ " $LEVELS " == *" $1 "* ]]; }
# one pass or failure per script: name, then the command
elapsed() { echo "   ($1: $((SECONDS - $2)) s; $SECONDS s since the start)"; }
run_one() {
  local name=$1 t0=$SECONDS
  shift
  echo "-- $name"
  if "$@" >"$out/one.txt" 2>&1; then
    sed 's/^/   /' "$out/one.txt" | tail -20
    elapsed "$name" "$t0"
    echo "ok $name"
    pass=$((pass + 1))
  else
    sed 's/^/   /' "$out/one.txt" | tail -60
    elapsed "$name" "$t0"
    echo "not ok $name"
    fail=$((fail + 1))
  fi
}
pass=0
fail=0

count_tap() { # file -> adds to pass/fail from node's TAP summary
  local p f
  p=$(grep -E '^# pass [0-9]+' "$1" | awk '{s += $3} END {if (NR) print s}')
  f=$(grep -E '^# fail [0-9]+' "$1" | awk '{s += $3} END {print s + 0}')
  if [ -z "$p" ]; then
    echo "run.sh: $2 produced no summary; counting it as one failure" >&2
    fail=$((fail + 1))
    return
  fi
  pass=$((pass + p))
  fail=$((fail + ${f:-0}))
}

if want unit; then
echo "== unit tests"
run_one "deps_check (release build needs only scripts/deps.sh build)" tests/deps_check.sh
run_one "layers_check (no layer includes a higher one)" tests/layers_check.sh
run_one "pg migrations (every migration on PostgreSQL 15 gives SQLite's schema)" tests/pg/migrations.sh
meson test -C build-asan --suite unit --print-errorlogs >"$out/unit.txt" 2>&1
cat "$out/unit.txt" | grep -E '^ *[0-9]+/[0-9]+ |^Ok:|^Fail:' || true
ok=$(grep -E '^Ok:' "$out/unit.txt" | awk '{print $2}')
bad=$(grep -E '^(Fail|Unexpected Pass|Timeout):' "$out/unit.txt" | awk '{s += $2} END {print s + 0}')
if [ -z "$ok" ]; then
  cat "$out/unit.txt"
  fail=$((fail + 1))
else
  # meson counts executables; count the cmocka cases inside them instead
  cases_ok=$(grep -hE '^ok [0-9]+' build-asan/meson-logs/testlog.txt | wc -l)
  cases_bad=$(grep -hE '^not ok [0-9]+' build-asan/meson-logs/testlog.txt | wc -l)
  pass=$((pass + cases_ok))
  fail=$((fail + cases_bad + bad))
  [ "$bad" -gt 0 ] && grep -B2 -A20 -E 'not ok|FAIL' build-asan/meson-logs/testlog.txt | head -80
fi
fi

# Files of the http and browser levels, TEST_JOBS at once (xargs -P), each
# to its own TAP file, counted afterwards in name order. The files named in
# SLOW_FIRST (measured: the longest) start first so that the lanes end
# together; a name that no longer exists is ignored.
TEST_JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
SLOW_FIRST="permissions hostile accounts a11y figures directory"
run_test_file() { # level file: node --test on one file; its TAP and times kept
  local name t1
  name=$(basename "$2" .test.mjs)
  t1=$EPOCHREALTIME
  node --test --test-reporter=tap "$2" >"$out/$1/$name.tap" 2>&1
  echo "$t1 $EPOCHREALTIME $2" >"$out/$1/$name.time"
}
export -f run_test_file
export out

for level in http browser; do
  want $level || continue
  echo "== $level tests ($TEST_JOBS files at once)"
  files=$(ls tests/$level/*.test.mjs 2>/dev/null || true)
  if [ -z "$files" ]; then
    echo "no $level tests found" >&2
    fail=$((fail + 1))
    continue
  fi
  t0=$SECONDS
  mkdir -p "$out/$level"
  first=$(for s in $SLOW_FIRST; do echo "tests/$level/$s.test.mjs"; done)
  { grep -xF -f <(echo "$first") <<<"$files"; grep -vxF -f <(echo "$first") <<<"$files"; } |
    xargs -P "$TEST_JOBS" -I{} bash -c 'run_test_file "$1" "$2"' _ "$level" {}
  : >"$out/$level.tap"
  for f in $files; do
    name=$(basename "$f" .test.mjs)
    count_tap "$out/$level/$name.tap" "$f" # a file that dies without a summary is a failure
    cat "$out/$level/$name.tap" >>"$out/$level.tap"
  done
  elapsed "$level tests" "$t0"
  cat "$out/$level"/*.time | awk '{ printf "%.1f %s\n", $2 - $1, $3 }' | sort -rn | head -8 | sed 's/^/   /'
  grep -E '^(not )?ok |^# (pass|fail)' "$out/$level.tap" | grep -vE '^    ' || true
  if grep -qE '^\s*not ok' "$out/$level.tap"; then
    grep -B5 -A40 -E '^\s*not ok' "$out/$level.tap" | head -150
  fi
done

if want html; then
  echo "== html: Nu HTML Checker over $(ls "$SCAN_HTML_DUMP" | grep -c '\.html$') saved pages"
  run_one "html valid (vnu)" tests/validate/html.sh "$SCAN_HTML_DUMP"
  # its own pages (the planted one too) are not saved among the tests' pages
  run_one "no page scrolls sideways at 390 px" env -u SCAN_HTML_DUMP node tests/validate/overflow.mjs "$SCAN_HTML_DUMP"
fi

if want pg; then
  echo "== unit tests on PostgreSQL (tests/pg/unit.sh)"
  run_one "unit tests on PostgreSQL (every model test but the two drivers')" tests/pg/unit.sh
  echo "== http tests on PostgreSQL (tests/pg/http.sh)"
  t0=$SECONDS
  mkdir -p "$out/pg"
  # the html level checks the SQLite run's pages; these are not saved
  env -u SCAN_HTML_DUMP OUT="$out/pg" JOBS="$TEST_JOBS" FIRST="$SLOW_FIRST" tests/pg/http.sh >"$out/pg.txt" 2>&1
  rc=$?
  sed 's/^/   /' "$out/pg.txt" | tail -80
  before=$fail
  taps=$(ls "$out/pg"/*.tap 2>/dev/null || true)
  for f in $taps; do count_tap "$f" "pg $(basename "$f" .tap)"; done
  # the script failed with no failing test counted (PostgreSQL did not
  # start, a file it could not run): one failure
  if [ -z "$taps" ] || { [ "$rc" -ne 0 ] && [ "$fail" -eq "$before" ]; }; then
    echo "not ok tests/pg/http.sh exited $rc with no failing test counted"
    fail=$((fail + 1))
  fi
  for f in $taps; do
    if grep -qE '^\s*not ok' "$f"; then grep -B5 -A30 -E '^\s*not ok' "$f" | head -60; fi
  done
  elapsed "http tests on PostgreSQL" "$t0"
fi

if want fuzz; then
  echo "== fuzz (${FUZZ_SECONDS:=10} s per target)"
  # -j: the targets' builds are independent; the runs go FUZZ_JOBS at once
  run_one "fuzz" make --no-print-directory -j"$TEST_JOBS" fuzz FUZZ_SECONDS="$FUZZ_SECONDS" \
    FUZZ_JOBS="$TEST_JOBS"
fi

if want reliability; then
  echo "== reliability (PROFILE=${PROFILE:=short})"
  export PROFILE
  for t in tests/reliability/*.sh; do
    [ -x "$t" ] || continue
    run_one "$(basename "$t" .sh)" "$t"
  done
fi

if want cluster && [ -x tests/cluster/run.sh ]; then
  echo "== cluster (two app servers and nginx on PostgreSQL)"
  run_one "cluster" tests/cluster/run.sh
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
