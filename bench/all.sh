#!/usr/bin/env bash
# all.sh: `make bench`: runs every benchmark of bench/ (http.sh,
# directory.sh, figures.sh, each against nginx serving the same bytes in the
# same run), then prints ONE table of every page and operation measured and
# appends it, with the machine's description, to bench/RESULTS.md. Each
# script's own section (setup, data, notes) stays in RESULTS.md above it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for b in http directory figures; do
    echo "== bench/$b.sh"
    bench/$b.sh | tee "$out/$b.txt"
done

table() {
    printf '| %-12s | %-26s | %10s | %9s | %9s | %8s |\n' benchmark target 'req/s' 'p50 ms' 'p99 ms' 'vs nginx'
    printf '|%s|%s|%s|%s|%s|%s|\n' -------------- ---------------------------- -----------: ----------: ----------: ---------:
    for b in http directory figures; do
        grep -E '^\| (scan|nginx|search (alone|rotating))' "$out/$b.txt" | sed "s/^|/| $(printf '%-12s' "$b") |/"
    done
    echo
    # the operations that are not requests/s: imports and cold renders
    grep -hE '^import of|^- import of|^- cold' "$out"/*.txt | sed 's/^- //; s/^/- /'
}
RESULTS=${RESULTS:-bench/RESULTS.md}
{
    printf '\n## %s: make bench, all benchmarks, commit %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
        "$(git rev-parse --short=12 HEAD)"
    printf -- '- machine: %s CPUs (nproc), %s, load average before the summary %s\n\n' "$(nproc)" \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    table
} >"$out/summary.md"
echo
echo "== all benchmarks"
cat "$out/summary.md"
cat "$out/summary.md" >>"$RESULTS"
echo "appended to $RESULTS"
