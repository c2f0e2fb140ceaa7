#!/usr/bin/env bash
# bench/cluster.sh: the same pages on three configurations in one run,
# beside nginx serving their bytes (issue 18, "Benchmark"):
#
#   sqlite     one `scan serve` on SQLite
#   pg         one `scan serve` on PostgreSQL 15
#   pg x2      two `scan serve` on that PostgreSQL behind nginx (proxy)
#   nginx      the list, profile and search pages as static files
#
# Data: $COUNT entries from bench/gen.py imported into SQLite, then copied
# to a throwaway PostgreSQL (tests/pg/pg_temp.sh, fsync on) with
# `scan db copy` (timed). Reads (wrk, $CONNECTIONS keep-alive connections,
# $DURATION s each): the list /orgs?kind=company&region=VO, one profile,
# /search?q=tehn; then search latency alone (one connection, rotating
# prefixes: bench/search-prefixes.lua) for p99. Writes: API creates
# (bench/api-create.lua) with 4 and 32 connections on each configuration.
# Prints one table, appends it with the setup to bench/RESULTS.md, exit 1
# when a run saw errors (a write that stayed busy answers 503).
#
# Environment: COUNT (10000), SEED (1), DURATION (5), WARMUP (1),
# CONNECTIONS (50), WRK_THREADS (2), SCAN_PORT (18181; this and the next
# five ports), NGINX_PORT (18190), SCAN_BIN (build it), RESULTS.
set -euo pipefail

BENCH_NAME=cluster.sh
BENCH_TOOLS="python3 psql"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5}
NGINX_PORT=${NGINX_PORT:-18190}
bench_init
COUNT=${COUNT:-10000}
SEED=${SEED:-1}
bench_build
bench_check_ports
P_PG=$((SCAN_PORT + 1)) P_A=$((SCAN_PORT + 2)) P_B=$((SCAN_PORT + 3)) P_PROXY=$((SCAN_PORT + 4))
for p in $P_PG $P_A $P_B $P_PROXY; do port_free "$p" || die "port $p is in use (set SCAN_PORT)"; done

# shellcheck source=tests/pg/pg_temp.sh
. "$ROOT/tests/pg/pg_temp.sh"
pg_temp_start || die "PostgreSQL did not start (scripts/deps.sh test)"
trap 'bench_cleanup; pg_temp_stop' EXIT

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# --- data --------------------------------------------------------------------------------
DB=$TMP/scan.db
"$SCAN_BIN" init --db "$DB" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "scan init failed"; }
python3 "$ROOT/bench/gen.py" --seed "$SEED" orgs --count "$COUNT" --format csv >"$TMP/orgs.csv"
echo "scan org import of $COUNT entries ..." >&2
"$SCAN_BIN" org import "$TMP/orgs.csv" --db "$DB" >"$TMP/import.out" 2>"$TMP/import.err" ||
    { tail -20 "$TMP/import.err" >&2; die "scan org import failed"; }
PW='bench writer pass phrase 2026'
printf '%s\n' "$PW" | "$SCAN_BIN" user add bench@example.com --name 'Bench Writer' --editor \
    --password-stdin --db "$DB" >/dev/null

# --- servers ------------------------------------------------------------------------------
PIDS=()
serve() { # PORT DB [LOGNAME]
    "$SCAN_BIN" serve --db "$2" --listen "127.0.0.1:$1" "${SCAN_SERVE_ARGS[@]}" --trusted-proxies 127.0.0.1 \
        >/dev/null 2>"$TMP/scan-$1.log" &
    PIDS+=($!)
    SCAN_PID="${PIDS[*]}" # bench_cleanup stops them all
    wait_http "http://127.0.0.1:$1/healthz" || { cat "$TMP/scan-$1.log" >&2; die "scan did not answer on port $1"; }
}
serve "$SCAN_PORT" "$DB"
SQ=http://127.0.0.1:$SCAN_PORT
# a write token, made as a person would (log in, the account page's form);
# copied to PostgreSQL with everything else
jar=$TMP/jar
curl -fsS -c "$jar" -o /dev/null -H "Origin: $SQ" --data-urlencode email=bench@example.com \
    --data-urlencode "password=$PW" "$SQ/login" || die "login failed"
csrf=$(curl -fsS -b "$jar" "$SQ/account" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
BENCH_TOKEN=$(curl -fsS -b "$jar" -H "Origin: $SQ" --data-urlencode name=bench --data-urlencode scope=write \
    --data-urlencode "_csrf=$csrf" "$SQ/account/tokens" | sed -n 's/.*id="new-token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)
[[ -n $BENCH_TOKEN ]] || die "could not make an API token"
export BENCH_TOKEN

echo "scan db copy to PostgreSQL ..." >&2
start=$(now_ms)
"$SCAN_BIN" db copy "$DB" "$SCAN_PG_URL" >"$TMP/copy.out" 2>&1 || { tail "$TMP/copy.out" >&2; die "scan db copy failed"; }
COPY_S=$(secs_since "$start")
COPY_LINE=$(tail -1 "$TMP/copy.out" | sed 's/.*: \([0-9]* tables.*\)/\1/')
serve "$P_PG" "$SCAN_PG_URL"
serve "$P_A" "$SCAN_PG_URL"
serve "$P_B" "$SCAN_PG_URL"

# nginx: the proxy in front of the two (keep-alive upstreams, as
# etc/nginx-scan.conf) and, in bench_start_nginx, the static files
mkdir -p "$TMP/px" "$TMP/px/body" "$TMP/px/proxy"
cat >"$TMP/px/nginx.conf" <<CONF
worker_processes auto;
pid $TMP/px/nginx.pid;
error_log $TMP/px/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $TMP/px/body;
    proxy_temp_path $TMP/px/proxy;
    upstream scan_app {
        server 127.0.0.1:$P_A max_fails=2 fail_timeout=5s;
        server 127.0.0.1:$P_B max_fails=2 fail_timeout=5s;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$P_PROXY;
        keepalive_requests 100000000;
        location / {
            proxy_pass http://scan_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_next_upstream error timeout http_502 http_503 http_504;
        }
    }
}
CONF
chmod 755 "$TMP" "$TMP/px"
nginx -c "$TMP/px/nginx.conf" -p "$TMP/px" -g 'daemon off;' 2>>"$TMP/px/error.log" &
PROXY_PID=$!
PX=http://127.0.0.1:$P_PROXY
wait_http "$PX/healthz" || { cat "$TMP/px/error.log" >&2; die "the proxy did not answer"; }

LIST_PATH="/orgs?kind=company&region=VO"
SLUG=$(curl -fsS "$SQ/api/v1/orgs?kind=company&region=VO&limit=1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["slug"])') || die "no entry to show"
PROFILE_PATH="/orgs/$SLUG"
SEARCH_PATH="/search?q=tehn"
WWW=$TMP/www
mkdir -p "$WWW"
fetch() { # FILE PATH: scan's answer for nginx; prints its Content-Type
    curl -fsS -o "$WWW/$1" -w '%{content_type}' "$SQ$2" || die "GET $2 failed"
}
CT_LIST=$(fetch list.html "$LIST_PATH")
CT_PROFILE=$(fetch profile.html "$PROFILE_PATH")
CT_SEARCH=$(fetch search.html "$SEARCH_PATH")
# the three configurations answer the same bytes (the copy is whole)
for u in "http://127.0.0.1:$P_PG" "$PX"; do
    for pair in "list.html:$LIST_PATH" "profile.html:$PROFILE_PATH" "search.html:$SEARCH_PATH"; do
        curl -fsS "$u${pair#*:}" | sed "s#$u#$SQ#g" | cmp -s - "$WWW/${pair%%:*}" ||
            echo "  note: $u${pair#*:} differs from SQLite's bytes" >&2
    done
done
bench_start_nginx "$WWW" "list.html:$CT_LIST" "profile.html:$CT_PROFILE" "search.html:$CT_SEARCH"
NGINX_PID="$NGINX_PID $PROXY_PID"

# --- reads ----------------------------------------------------------------------------------
declare -A URL=([sqlite]=$SQ [pg]="http://127.0.0.1:$P_PG" ["pg x2"]=$PX)
CONFS=(sqlite pg "pg x2")
for page in list profile search; do
    case $page in list) path=$LIST_PATH ;; profile) path=$PROFILE_PATH ;; search) path=$SEARCH_PATH ;; esac
    bench_wrk "nginx $page.html" "$NGINX_URL/$page.html"
    for c in "${CONFS[@]}"; do bench_wrk "$c $page" "${URL[$c]}$path"; done
done
declare -A SEARCH_P99
for c in "${CONFS[@]}"; do
    echo "wrk: $c search p99, one connection ..." >&2
    run_wrk "$TMP/wrk1.out" -t 1 -c 1 -d "${DURATION}s" --latency -s "$ROOT/bench/search-prefixes.lua" "${URL[$c]}/"
    SEARCH_P99[$c]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk1.out")")
done

# --- writes ---------------------------------------------------------------------------------
for c in "${CONFS[@]}"; do
    for w in 4 32; do
        bench_wrk "$c writes $w" "${URL[$c]}/" "$w" "$ROOT/bench/api-create.lua"
    done
done

# --- the table ------------------------------------------------------------------------------
table() {
    bench_table_head
    for page in list profile search; do
        bench_row "nginx $page.html" "1.00x"
        for c in "${CONFS[@]}"; do bench_row "$c $page" "$(ratio "${RPS[$c $page]}" "${RPS[nginx $page.html]}")"; done
    done
    for c in "${CONFS[@]}"; do
        for w in 4 32; do bench_row "$c writes $w" "$(ratio "${RPS[$c writes $w]}" "${RPS[sqlite writes $w]}") sqlite"; done
    done
    echo
    for c in "${CONFS[@]}"; do printf -- '- search p99, one connection, rotating prefixes, %s: %s ms\n' "$c" "${SEARCH_P99[$c]}"; done
    bench_errors
}
table
if [[ -n $RESULTS ]]; then
    {
        bench_results_header "cluster: SQLite, PostgreSQL, two servers on PostgreSQL behind nginx ($COUNT entries)"
        printf -- '- data: bench/gen.py --seed %s orgs --count %s; scan db copy to PostgreSQL 15 (fsync on, same machine): %ss, %s\n' \
            "$SEED" "$COUNT" "$COPY_S" "$COPY_LINE"
        printf -- '- pg x2: two scan serve (each as above) behind nginx (keep-alive upstream); writes: POST /api/v1/orgs (bench/api-create.lua), 4 and 32 connections, "vs nginx" there is vs SQLite\n'
        printf -- '- load average (1 min) at the end: %s\n\n' "$(cut -d' ' -f1 /proc/loadavg)"
        table
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi
exit "$FAILED"
