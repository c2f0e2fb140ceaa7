#!/usr/bin/env bash
# run.sh: several app servers on PostgreSQL behind nginx (issue 18,
# "Several app servers"). Starts everything it needs itself:
#
#   tests/cluster/run.sh [FILE...]      (SCAN_BIN, default build-asan/scan)
#
# 1. PostgreSQL 15 in a temporary directory (tests/pg/pg_temp.sh: initdb as
#    an unprivileged user, fsync on), removed at exit.
# 2. HTTP test files through the proxy: with SCAN_TEST_PG and
#    SCAN_TEST_PROXY set, every server a test starts is two app servers on
#    one PostgreSQL database behind the shipped etc/nginx-scan.conf
#    (tests/cluster/proxy.mjs; its per-client rate limit taken out), so
#    requests and sessions cross between the two. The default files: auth
#    (accounts: logins, throttling by the client address nginx forwards,
#    tokens, invitations), a write-heavy one (api_org), figures, and the
#    public site's cached pages (basics, directory, events, posts, news,
#    panorama: a test that wants a page-cache hit asks until either
#    server's cache answers, lib.mjs cachedAnswer). $JOBS files (default
#    4) run at once, each with its own two servers, nginx and database:
#    most of a file's time is waiting (scheduled news, throttling
#    windows), not CPU.
# 3. tests/cluster/kill.mjs: SIGKILL of the app server holding the job
#    leases under a mixed read/write load: no failed GET, every
#    acknowledged write stored, the survivor takes every lease over.
# Prints one line per part and a summary; exit 1 on any failure. Each
# file's TAP output is kept under $OUT (default a temporary folder, removed
# after a run with no failure).
set -uo pipefail
cd "$(dirname "$0")/../.."
export SCAN_BIN=${SCAN_BIN:-build-asan/scan}
# longest first (accounts waits out throttling windows: the long pole)
FILES=(accounts news events posts directory api_org figures panorama basics)
JOBS=${JOBS:-4}
[ $# -gt 0 ] && FILES=("$@")
command -v nginx >/dev/null || { echo "cluster: nginx missing (scripts/deps.sh test)" >&2; exit 1; }

# shellcheck source=tests/pg/pg_temp.sh
. tests/pg/pg_temp.sh
pg_temp_start || exit 1
# a folder of our own is removed after a clean run and kept after a failure
own_out=
[ -n "${OUT:-}" ] || { OUT=$(mktemp -d "${TMPDIR:-/tmp}/scan-cluster-XXXXXX"); own_out=1; }
mkdir -p "$OUT"
start=$SECONDS status=0 total_pass=0 total_fail=0
path_of() { case $1 in */*) echo "$1" ;; *) echo "tests/http/$1.test.mjs" ;; esac; }
running=0 pids=()
for f in "${FILES[@]}"; do
  path=$(path_of "$f")
  name=$(basename "$path" .test.mjs)
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
  SCAN_TEST_PG=$SCAN_PG_URL SCAN_TEST_PROXY=1 SCAN_TEST_SERVER_LOG="$OUT/$name.server.log" \
    node --test --test-reporter=tap "$path" >"$OUT/$name.tap" 2>&1 &
  pids+=($!) running=$((running + 1))
done
wait "${pids[@]}"
for f in "${FILES[@]}"; do
  name=$(basename "$(path_of "$f")" .test.mjs)
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  pass=${pass:-0} fail=${fail:-1}
  printf 'cluster: pass %3d fail %3d %s (through nginx, two app servers, PostgreSQL)\n' "$pass" "$fail" "$name"
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  [ "$fail" = 0 ] || status=1
done
kill=held
if ! node tests/cluster/kill.mjs >"$OUT/kill.log" 2>&1; then
  status=1 kill=FAILED
fi
cat "$OUT/kill.log"
if [ "$status" = 0 ] && [ -n "$own_out" ]; then
  rm -rf "$OUT"
  where=removed
else
  where="output in $OUT"
fi
echo "cluster: $total_pass passed, $total_fail failed through the proxy; the kill test" \
  "$kill ($((SECONDS - start)) s; $where)"
exit $status
