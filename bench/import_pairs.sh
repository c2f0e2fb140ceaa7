#!/usr/bin/env bash
# bench/import_pairs.sh: two builds of `scan` side by side on the same
# import, in interleaved pairs, so that the host's speed (which moves by a
# fifth or more within an hour on a shared machine: bench/RESULTS.md)
# weighs on both alike.
#
#   OLD=/path/to/old/scan NEW=build-bench/scan [PAIRS=8] [COUNT=100000] \
#       bash bench/import_pairs.sh
#
# Generates COUNT entries once with bench/gen.py (seed 1, as
# bench/directory.sh) into a temporary folder, syncs them to the disk,
# then runs, PAIRS times, `OLD org import` and `NEW org import` into a
# fresh database each (made by the same binary's `init`, so that each runs
# on its own schema), alternating which goes first.
# Prints each run's wall and CPU seconds (user + system, all threads) and,
# at the end, the medians and in how many pairs NEW was faster. Nothing is
# written to bench/RESULTS.md: copy what you report there with this
# command line.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${OLD:?OLD=path of the older scan binary}
NEW=${NEW:?NEW=path of the newer scan binary}
PAIRS=${PAIRS:-8}
COUNT=${COUNT:-100000}
for b in "$OLD" "$NEW"; do
    [ -x "$b" ] || { echo "import_pairs: $b is not an executable" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "import_pairs: needs /usr/bin/time: bash scripts/deps.sh bench" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/scan-import-pairs.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
python3 "$ROOT/bench/gen.py" --seed 1 orgs --count "$COUNT" --format csv >"$TMP/orgs.csv"
sync

# one_run NAME BINARY: prints "NAME wall cpu"
one_run() {
    rm -f "$TMP"/scan.db*
    "$2" init --db "$TMP/scan.db" >/dev/null
    sync
    if ! /usr/bin/time -o "$TMP/time" -f '%e %U %S' "$2" org import "$TMP/orgs.csv" \
        --db "$TMP/scan.db" >/dev/null 2>"$TMP/err"; then
        cat "$TMP/err" >&2
        exit 1
    fi
    awk -v n="$1" '{ printf "%s %.2f %.2f\n", n, $1, $2 + $3 }' "$TMP/time"
}

echo "import of $COUNT entries, $PAIRS pairs; wall and CPU seconds" >&2
for i in $(seq 1 "$PAIRS"); do
    if [ $((i % 2)) -eq 1 ]; then
        one_run old "$OLD"; one_run new "$NEW"
    else
        one_run new "$NEW"; one_run old "$OLD"
    fi
done | tee "$TMP/runs" >&2

awk '
    { w[$1, ++n[$1]] = $2; c[$1, n[$1]] = $3 }
    function median(k, a,   i, j, m, t, v) {
        m = n[k]
        for (i = 1; i <= m; i++) v[i] = a[k, i]
        for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    END {
        faster = 0
        for (i = 1; i <= n["new"]; i++) if (w["new", i] < w["old", i]) faster++
        printf "old: median %.2f s wall, %.2f s CPU\n", median("old", w), median("old", c)
        printf "new: median %.2f s wall, %.2f s CPU\n", median("new", w), median("new", c)
        printf "new faster in %d of %d pairs\n", faster, n["new"]
    }' "$TMP/runs"
