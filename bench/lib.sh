# shellcheck shell=bash disable=SC2034  # variables set here are read by the sourcing script
# bench/lib.sh: helpers shared by the benchmark scripts (http.sh,
# directory.sh). Source it after setting BENCH_NAME; it sets no traps and
# starts nothing by itself.
#
#   bench_init              (BENCH_TOOLS: extra tools to require)
#                           defaults for DURATION, WARMUP, CONNECTIONS,
#                           WRK_THREADS, SCAN_PORT, NGINX_PORT, RESULTS;
#                           checks the tools; makes $TMP and the EXIT trap
#                           that stops every process recorded in
#                           SCAN_PID / NGINX_PID / WRK_PID and removes $TMP
#   bench_build             SCAN_BIN: given, or build-bench/scan (release)
#   bench_start_scan DB     scan serve on $SCAN_PORT (anonymous requests)
#   bench_start_nginx WWW NAME:TYPE...
#                           nginx serving files of WWW, each NAME with
#                           Content-Type TYPE, and checks it serves the
#                           same bytes and type
#   bench_wrk NAME URL [CONNS [LUA]]
#                           one wrk run (after a warm-up; LUA: a wrk script
#                           that makes the requests): RPS[NAME],
#                           P50[NAME], P99[NAME] in ms; FAILED=1 on errors
#   bench_row NAME VS       one Markdown table row; bench_table_head
#   bench_results_header    the machine/setup lines for RESULTS.md
#
# Conventions: die() exits 2 with "bench/$BENCH_NAME: ..."; everything
# started is stopped on exit, also on Ctrl-C.

die() { echo "bench/$BENCH_NAME: $*" >&2; exit 2; }

bench_init() {
    ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    DURATION=${DURATION:-10}
    WARMUP=${WARMUP:-1}
    CONNECTIONS=${CONNECTIONS:-50}
    WRK_THREADS=${WRK_THREADS:-2}
    SCAN_PORT=${SCAN_PORT:-18181}
    NGINX_PORT=${NGINX_PORT:-18182}
    RESULTS=${RESULTS-$ROOT/bench/RESULTS.md}
    local tool
    # BENCH_NO_HTTP=1: a run that starts no server (directory.sh IMPORT_ONLY)
    local http="wrk nginx curl"
    [[ ${BENCH_NO_HTTP:-} == 1 ]] && http=
    for tool in $http meson ninja ${BENCH_TOOLS:-}; do
        command -v "$tool" >/dev/null || die "$tool not found (Debian packages: wrk nginx-light curl meson ninja-build)"
    done
    [[ $DURATION =~ ^[0-9]+$ && $DURATION -gt 0 ]] || die "DURATION wants whole seconds, got '$DURATION'"
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/scan-bench.XXXXXX")
    SCAN_PID=
    NGINX_PID=
    WRK_PID=
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    declare -gA RPS P50 P99 ERRS
    FAILED=0
}

# shellcheck disable=SC2317  # called by the trap
bench_cleanup() {
    local pid
    for pid in $WRK_PID $NGINX_PID $SCAN_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $WRK_PID $NGINX_PID $SCAN_PID; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}

bench_build() {
    BIN_GIVEN=${SCAN_BIN:+1}
    if [[ -z ${SCAN_BIN:-} ]]; then
        if [[ ! -d $ROOT/build-bench ]]; then
            meson setup "$ROOT/build-bench" "$ROOT" --buildtype=release >/dev/null
        fi
        ninja -C "$ROOT/build-bench" scan >/dev/null
        SCAN_BIN=$ROOT/build-bench/scan
    fi
    [[ -x $SCAN_BIN ]] || die "no executable at $SCAN_BIN"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # URL: wait up to 10 s for a 200
    local i
    for ((i = 0; i < 100; i++)); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.1
    done
    return 1
}

bench_check_ports() {
    port_free "$SCAN_PORT" || die "port $SCAN_PORT is in use (set SCAN_PORT)"
    port_free "$NGINX_PORT" || die "port $NGINX_PORT is in use (set NGINX_PORT)"
}

# bench_start_scan DB: scan serve on $SCAN_PORT with the benchmark's
# settings; SCAN_URL is its base URL.
SCAN_SERVE_ARGS=(--threads 4 --io-threads 2 --max-per-ip 256 --max-connections 1024)
bench_start_scan() {
    "$SCAN_BIN" serve --db "$1" --listen "127.0.0.1:$SCAN_PORT" "${SCAN_SERVE_ARGS[@]}" \
        >"$TMP/scan.out" 2>"$TMP/scan.log" &
    SCAN_PID=$!
    SCAN_URL=http://127.0.0.1:$SCAN_PORT
    wait_http "$SCAN_URL/healthz" || { cat "$TMP/scan.log" >&2; die "scan did not answer on $SCAN_URL"; }
}

# bench_start_nginx WWW NAME:TYPE...: nginx on $NGINX_PORT serving WWW,
# file NAME with Content-Type TYPE (so it matches what scan sent).
bench_start_nginx() {
    local www=$1 pair file want got locations=
    shift
    # nginx workers run as nobody: let them read the files.
    chmod 755 "$TMP" "$www"
    chmod 644 "$www"/*
    for pair in "$@"; do
        file=${pair%%:*} want=${pair#*:}
        locations+="        location = /$file { types { } default_type \"$want\"; }"$'\n'
    done
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
        root $www;
$locations    }
}
EOF
    nginx -t -q -c "$TMP/nginx.conf" -p "$TMP" 2>"$TMP/nginx-t.log" || { cat "$TMP/nginx-t.log" >&2; die "nginx config rejected"; }
    nginx -c "$TMP/nginx.conf" -p "$TMP" -g 'daemon off;' 2>>"$TMP/nginx-error.log" &
    NGINX_PID=$!
    NGINX_URL=http://127.0.0.1:$NGINX_PORT
    file=${1%%:*}
    wait_http "$NGINX_URL/$file" || { cat "$TMP/nginx-error.log" >&2; die "nginx did not answer on $NGINX_URL"; }
    # Same bytes, same type: otherwise the comparison means nothing.
    for pair in "$@"; do
        file=${pair%%:*} want=${pair#*:}
        got=$(curl -fsS -o "$TMP/check" -w '%{content_type}' "$NGINX_URL/$file")
        cmp -s "$TMP/check" "$www/$file" || die "nginx serves other bytes for /$file"
        [[ $got == "$want" ]] || die "nginx /$file is '$got', scan's is '$want'"
    done
}

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

# bench_wrk NAME URL [CONNECTIONS [LUA]]: warm-up, then the measured run.
bench_wrk() {
    local name=$1 url=$2 conns=${3:-$CONNECTIONS} script=${4:-} out
    local extra=()
    if [[ -n $script ]]; then extra=(-s "$script"); fi
    if ((WARMUP > 0)); then
        run_wrk /dev/null -t "$WRK_THREADS" -c "$conns" -d "${WARMUP}s" "${extra[@]}" "$url"
    fi
    echo "wrk: $name for ${DURATION}s ..." >&2
    run_wrk "$TMP/wrk.out" -t "$WRK_THREADS" -c "$conns" -d "${DURATION}s" --latency "${extra[@]}" "$url"
    out=$(<"$TMP/wrk.out")
    RPS[$name]=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    P50[$name]=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    P99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    [[ -n ${RPS[$name]} ]] || { echo "$out" >&2; die "could not read wrk output for $name"; }
    # wrk prints these two lines only when the count is not zero.
    ERRS[$name]=$(grep -E '^ *(Socket errors|Non-2xx or 3xx responses):' <<<"$out" | sed 's/^ *//' | paste -sd';' - || true)
    if [[ -n ${ERRS[$name]} ]]; then
        echo "  ${ERRS[$name]}: errors in the run against $name" >&2
        FAILED=1
    fi
}

# bench_errors: one line per run that had errors (requests over wrk's 2 s
# timeout are left out of its latency percentiles, so say so).
bench_errors() {
    local name
    for name in "${!ERRS[@]}"; do
        [[ -n ${ERRS[$name]} ]] && printf -- '- %s: %s (wrk leaves requests over its 2 s timeout out of the percentiles)\n' "$name" "${ERRS[$name]}"
    done
    return 0
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
bench_table_head() {
    printf '| %-26s | %10s | %9s | %9s | %8s |\n' target 'req/s' 'p50 ms' 'p99 ms' 'vs nginx'
    printf '|%s|%s|%s|%s|%s|\n' ---------------------------- -----------: ----------: ----------: ---------:
}
bench_row() { printf '| %-26s | %10.0f | %9s | %9s | %8s |\n' "$1" "${RPS[$1]}" "${P50[$1]}" "${P99[$1]}" "$2"; }

# bench_results_header TITLE: the heading and setup lines of one entry in
# RESULTS.md (the caller appends its own lines and the table).
bench_results_header() {
    local commit cpu
    commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
        commit="$commit (work tree had uncommitted changes)"
    fi
    if [[ -n $BIN_GIVEN ]]; then commit="$commit; binary given by SCAN_BIN"; fi
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    [[ -s $RESULTS ]] || printf '# HTTP benchmark results\n\nWritten by bench/http.sh and bench/directory.sh; newest last.\n'
    printf '\n## %s%s, commit %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "${1:+: $1}" "$commit"
    printf -- '- machine: %s CPUs (nproc), %s\n' "$(nproc)" "${cpu:-unknown CPU}"
    printf -- '- wrk: %s threads, %s keep-alive connections, %s s per target after %s s warm-up, all on this machine\n' \
        "$WRK_THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP"
    printf -- '- scan: %s serve %s; nginx %s, worker_processes auto, access_log off\n' \
        "${SCAN_BIN#"$ROOT"/}" "${SCAN_SERVE_ARGS[*]:0:4}" "$(nginx -v 2>&1 | sed 's/.*nginx\///')"
}
