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
# Usage: bench/http.sh            DURATION=30 bench/http.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
CONNECTIONS=${CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-2}
SCAN_PORT=${SCAN_PORT:-18181}
NGINX_PORT=${NGINX_PORT:-18182}
RESULTS=${RESULTS-$ROOT/bench/RESULTS.md}

die() { echo "bench/http.sh: $*" >&2; exit 2; }

for tool in wrk nginx curl meson ninja; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian packages: wrk nginx-light curl meson ninja-build)"
done
[[ $DURATION =~ ^[0-9]+$ && $DURATION -gt 0 ]] || die "DURATION wants whole seconds, got '$DURATION'"

# --- build --------------------------------------------------------------------
BIN_GIVEN=${SCAN_BIN:+1}
if [[ -z ${SCAN_BIN:-} ]]; then
    if [[ ! -d $ROOT/build-bench ]]; then
        meson setup "$ROOT/build-bench" "$ROOT" --buildtype=release >/dev/null
    fi
    ninja -C "$ROOT/build-bench" scan >/dev/null
    SCAN_BIN=$ROOT/build-bench/scan
fi
[[ -x $SCAN_BIN ]] || die "no executable at $SCAN_BIN"

# --- cleanup: everything started below is recorded here and stopped on exit ---
TMP=$(mktemp -d "${TMPDIR:-/tmp}/scan-bench.XXXXXX")
SCAN_PID=
NGINX_PID=
WRK_PID=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    local pid
    for pid in $WRK_PID $NGINX_PID $SCAN_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $WRK_PID $NGINX_PID $SCAN_PID; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # URL: wait up to 10 s for a 200
    local i
    for ((i = 0; i < 100; i++)); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.1
    done
    return 1
}
port_free "$SCAN_PORT" || die "port $SCAN_PORT is in use (set SCAN_PORT)"
port_free "$NGINX_PORT" || die "port $NGINX_PORT is in use (set NGINX_PORT)"

# --- scan ---------------------------------------------------------------------
"$SCAN_BIN" init --db "$TMP/scan.db" --demo >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
"$SCAN_BIN" serve --db "$TMP/scan.db" --listen "127.0.0.1:$SCAN_PORT" \
    --threads 4 --io-threads 2 --max-per-ip 256 --max-connections 1024 \
    >"$TMP/scan.out" 2>"$TMP/scan.log" &
SCAN_PID=$!
SCAN_URL=http://127.0.0.1:$SCAN_PORT
wait_http "$SCAN_URL/healthz" || { cat "$TMP/scan.log" >&2; die "scan did not answer on $SCAN_URL"; }

# --- nginx with the same bytes --------------------------------------------------
WWW=$TMP/www
mkdir -p "$WWW"
CT_HEALTH=$(curl -fsS -o "$WWW/healthz.json" -w '%{content_type}' "$SCAN_URL/healthz")
CT_HOME=$(curl -fsS -o "$WWW/index.html" -w '%{content_type}' "$SCAN_URL/")
# nginx workers run as nobody: let them read the files.
chmod 755 "$TMP" "$WWW"
chmod 644 "$WWW"/*
cat >"$TMP/nginx.conf" <<EOF
worker_processes auto;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 100000000;   # scan (libmicrohttpd) never closes a busy keep-alive connection either
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WWW;
        location = /healthz.json { types { } default_type "$CT_HEALTH"; }
        location = /index.html { types { } default_type "$CT_HOME"; }
    }
}
EOF
nginx -t -q -c "$TMP/nginx.conf" -p "$TMP" 2>"$TMP/nginx-t.log" || { cat "$TMP/nginx-t.log" >&2; die "nginx config rejected"; }
nginx -c "$TMP/nginx.conf" -p "$TMP" -g 'daemon off;' 2>>"$TMP/nginx-error.log" &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NGINX_PORT
wait_http "$NGINX_URL/healthz.json" || { cat "$TMP/nginx-error.log" >&2; die "nginx did not answer on $NGINX_URL"; }

# Same bytes, same type: otherwise the comparison means nothing.
for pair in "healthz.json:$CT_HEALTH" "index.html:$CT_HOME"; do
    file=${pair%%:*} want=${pair#*:}
    got=$(curl -fsS -o "$TMP/check" -w '%{content_type}' "$NGINX_URL/$file")
    cmp -s "$TMP/check" "$WWW/$file" || die "nginx serves other bytes for /$file"
    [[ $got == "$want" ]] || die "nginx /$file is '$got', scan's is '$want'"
done

# --- wrk ----------------------------------------------------------------------
# run_wrk OUT ARGS...: wrk in the background and `wait` for it, so that a
# signal reaches the trap at once rather than after the run.
run_wrk() {
    local out=$1
    shift
    wrk "$@" >"$out" &
    WRK_PID=$!
    wait "$WRK_PID"
    WRK_PID=
}

# to_ms VALUE: wrk's "123.45us" / "1.23ms" / "1.01s" as milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}

TARGETS=("scan /healthz|$SCAN_URL/healthz"
         "nginx /healthz.json|$NGINX_URL/healthz.json"
         "scan /|$SCAN_URL/"
         "nginx /index.html|$NGINX_URL/index.html")
declare -A RPS P50 P99
FAILED=0
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
for t in "${TARGETS[@]}"; do
    name=${t%%|*} url=${t#*|}
    if ((WARMUP > 0)); then
        run_wrk /dev/null -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" "$url"
    fi
    echo "wrk: $name for ${DURATION}s ..." >&2
    run_wrk "$TMP/wrk.out" -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency "$url"
    out=$(<"$TMP/wrk.out")
    RPS[$name]=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    P50[$name]=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    P99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    [[ -n ${RPS[$name]} ]] || { echo "$out" >&2; die "could not read wrk output for $name"; }
    # wrk prints these two lines only when the count is not zero.
    if grep -E '^ *(Socket errors|Non-2xx or 3xx responses):' <<<"$out" >&2; then
        echo "  ^ errors in the run against $name" >&2
        FAILED=1
    fi
done

# --- table --------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
row() { printf '| %-19s | %10.0f | %9s | %9s | %8s |\n' "$1" "${RPS[$1]}" "${P50[$1]}" "${P99[$1]}" "$2"; }
TABLE=$(
    printf '| %-19s | %10s | %9s | %9s | %8s |\n' target 'req/s' 'p50 ms' 'p99 ms' 'vs nginx'
    printf '|%s|%s|%s|%s|%s|\n' ---------------------  -----------: ----------: ----------: ---------:
    row "scan /healthz" "$(ratio "${RPS[scan /healthz]}" "${RPS[nginx /healthz.json]}")"
    row "nginx /healthz.json" "1.00x"
    row "scan /" "$(ratio "${RPS[scan /]}" "${RPS[nginx /index.html]}")"
    row "nginx /index.html" "1.00x"
)
echo
echo "$TABLE"

if [[ -n $RESULTS ]]; then
    commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
        commit="$commit (work tree had uncommitted changes)"
    fi
    if [[ -n $BIN_GIVEN ]]; then commit="$commit; binary given by SCAN_BIN"; fi
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    {
        [[ -s $RESULTS ]] || printf '# HTTP benchmark results\n\nWritten by bench/http.sh; newest last.\n'
        printf '\n## %s, commit %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$commit"
        printf -- '- machine: %s CPUs (nproc), %s\n' "$(nproc)" "${cpu:-unknown CPU}"
        printf -- '- wrk: %s threads, %s keep-alive connections, %s s per target after %s s warm-up, all on this machine\n' \
            "$WRK_THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP"
        printf -- '- scan: %s serve --threads 4 --io-threads 2; nginx %s, worker_processes auto, access_log off\n' \
            "${SCAN_BIN#"$ROOT"/}" "$(nginx -v 2>&1 | sed 's/.*nginx\///')"
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
