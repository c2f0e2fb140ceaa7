#!/usr/bin/env bash
# run_one.sh SECONDS TARGET: one libFuzzer target of build-fuzz for SECONDS,
# from a fresh copy of its seed corpus; prints its executed units, or its
# crash lines and a CRASH line (exit 1). `make fuzz` runs the targets
# through this, FUZZ_JOBS at a time (xargs -P): each has its own corpus
# folder and log, so parallel runs share nothing.
set -uo pipefail
secs=$1 t=$2
cd "$(dirname "$0")/../build-fuzz" || exit 2
rm -rf "corpus/$t" && mkdir -p "corpus/$t" && cp "../fuzz/corpus/$t/"* "corpus/$t/"
if ./"$t" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$t-" "corpus/$t" >"$t.log" 2>&1; then
    grep -E '^stat::number_of_executed_units' "$t.log" | sed "s/^/$t: /"
else
    { grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|deadly signal|Test unit written' "$t.log" | sed "s/^/$t: /"
      echo "$t: CRASH (full log: build-fuzz/$t.log)"; } 
    exit 1
fi
