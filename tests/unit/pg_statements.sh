#!/usr/bin/env bash
# pg_statements.sh: which of the model's statements PostgreSQL refuses.
# Runs the unit tests on SQLite with tests/unit/pg_sqltrace.c preloaded
# (every statement they prepare, as the code assembled it), makes a
# throwaway PostgreSQL (pg_temp.sh) migrated by `scan init` (the real
# PostgreSQL schema, with 0041's SQLite functions), prepares every distinct statement
# there through the driver (pg_prepare) and prints the failures grouped by
# source file and reason. Informational: exits 0 whatever it finds. Needs
# the build-asan tree (BUILD=... for another) and PostgreSQL 15.
#
#   tests/unit/pg_statements.sh            the report
#   KEEP=1 tests/unit/pg_statements.sh     keeps the work folder (printed)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build-asan}
tmp=$(mktemp -d /tmp/scan-pgstmt-XXXXXX)
pgdir=
cleanup() {
  [ -z "$pgdir" ] || tests/unit/pg_temp.sh stop "$pgdir"
  [ -n "${KEEP:-}" ] && echo "pg_statements: kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

ninja -C "$build" >/dev/null
cc -shared -fPIC -O2 -o "$tmp/sqltrace.so" tests/unit/pg_sqltrace.c -ldl
echo "pg_statements: tracing the unit tests on SQLite" >&2
SQLTRACE_FILE="$tmp/trace" LD_PRELOAD="$tmp/sqltrace.so" \
  ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 \
  meson test -C "$build" --suite unit --no-rebuild >/dev/null || true
python3 tests/unit/pg_statements.py statements "$tmp/trace" >"$tmp/statements"

out=$(tests/unit/pg_temp.sh start $$)
url=$(sed -n 1p <<<"$out")
pgdir=$(sed -n 2p <<<"$out")
ASAN_OPTIONS=detect_leaks=0 "$build/scan" init --db "$url" >/dev/null

ASAN_OPTIONS=detect_leaks=0 "$build/tests/unit/pg_prepare" "$url" "$tmp/statements" \
  >"$tmp/fails" 2>"$tmp/prepare.log" || true
grep '^pg_prepare:' "$tmp/prepare.log" >&2 || cat "$tmp/prepare.log" >&2
python3 tests/unit/pg_statements.py report "$tmp/fails"
