#!/usr/bin/env bash
# bench/http.sh: HTTP throughput of `scan serve` beside nginx serving the
# same bytes as static files, measured with wrk in one run.
#
# Builds an optimised binary in build-bench/ (meson --buildtype=release)
# unless SCAN_BIN names one, makes a demo database in a temp folder, starts
# `scan serve` on 127.0.0.1:$SCAN_PORT and nginx on 127.0.0.1:$NGINX_PORT.
# nginx serves healthz.json and index.html, fetched with curl from the
# running scan server, with scan's own Content-Type. Then wrk (keep-alive,
# $CONNECTIONS connections, $WRK_THREADS threads, $DURATION seconds,
# --latency) runs against scan /healthz, nginx /healthz.json, scan / and
# nginx /index.html, one after the other. Prints one table and appends it,
# with the date, nproc, CPU model and commit, to bench/RESULTS.md.
#
# Exits 1 if any run saw socket errors or non-2xx/3xx responses (printed).
# Everything it starts is stopped on exit, and the temp folder removed.
#
# Environment: DURATION (10), WARMUP (1, seconds per target, discarded),
# CONNECTIONS (50), WRK_THREADS (2), SCAN_PORT (18181), NGINX_PORT (18182),
# SCAN_BIN (build it), RESULTS (bench/RESULTS.md; empty: do not write).
#
# Helpers (build, nginx, wrk, table) live in bench/lib.sh.
#
# Usage: bench/http.sh            DURATION=30 bench/http.sh
set -euo pipefail

BENCH_NAME=http.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init
bench_build
bench_check_ports

# --- scan ---------------------------------------------------------------------
"$SCAN_BIN" init --db "$TMP/scan.db" --demo >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
bench_start_scan "$TMP/scan.db"

# --- nginx with the same bytes --------------------------------------------------
WWW=$TMP/www
mkdir -p "$WWW"
CT_HEALTH=$(curl -fsS -o "$WWW/healthz.json" -w '%{content_type}' "$SCAN_URL/healthz")
CT_HOME=$(curl -fsS -o "$WWW/index.html" -w '%{content_type}' "$SCAN_URL/")
bench_start_nginx "$WWW" "healthz.json:$CT_HEALTH" "index.html:$CT_HOME"

# --- wrk ----------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
bench_wrk "scan /healthz" "$SCAN_URL/healthz"
bench_wrk "nginx /healthz.json" "$NGINX_URL/healthz.json"
bench_wrk "scan /" "$SCAN_URL/"
bench_wrk "nginx /index.html" "$NGINX_URL/index.html"

# --- table --------------------------------------------------------------------
TABLE=$(
    bench_table_head
    bench_row "scan /healthz" "$(ratio "${RPS[scan /healthz]}" "${RPS[nginx /healthz.json]}")"
    bench_row "nginx /healthz.json" "1.00x"
    bench_row "scan /" "$(ratio "${RPS[scan /]}" "${RPS[nginx /index.html]}")"
    bench_row "nginx /index.html" "1.00x"
)
echo
echo "$TABLE"

if [[ -n $RESULTS ]]; then
    {
        bench_results_header ""
        printf -- '- load average (1 min) before / after the runs: %s / %s (wrk and both servers share these CPUs)\n' \
            "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)"
        printf -- '- bodies: /healthz %s bytes, / %s bytes (nginx serves the same bytes)\n' \
            "$(wc -c <"$WWW/healthz.json")" "$(wc -c <"$WWW/index.html")"
        if ((FAILED)); then printf -- '- WARNING: some runs had socket errors or non-2xx responses\n'; fi
        printf '\n%s\n' "$TABLE"
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi

exit "$FAILED"
