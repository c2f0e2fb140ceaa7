#!/usr/bin/env bash
# oom.sh: out of memory inside requests, ours and SQLite's (see oom.mjs):
# every refused allocation ends in a 5xx with the request id or a correct
# answer, writes are all or nothing, no crash, no leak, `scan db check`
# clean. PROFILE=short (CI) samples N; PROFILE=full tries every N.
set -euo pipefail
cd "$(dirname "$0")/../.."
export SCAN_BIN=${SCAN_BIN:-build-asan/scan}
exec node tests/reliability/oom.mjs
