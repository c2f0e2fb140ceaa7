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
# (bench/api-create.lua) and figure saves through the form (an admin's
# session, 500 entries in turn, bench/figure-save.lua) with 4 and 32
# connections on each configuration, with tx_write's retries (/metrics)
# and PostgreSQL's wait events sampled during each run, and the CPU one
# write cost: utime + stime (/proc/PID/stat, getconf CLK_TCK) of the
# configuration's scan server(s) and of every process of the temp
# PostgreSQL (the postmaster's children), read before and after each run
# and divided by the writes /metrics counted (warm-up included both
# ways); a second table under the first gives them in ms per write and
# 2000 / that sum, the writes/s two cores could give at best.
# Prints one table, appends it with the setup to bench/RESULTS.md, exit 1
# when a run saw errors (a write that stayed busy answers 503).
#
# Environment: PARTS ("reads writes"; "writes" alone skips the read
# runs and nginx's share of the table, "reads" alone the writes), COUNT (10000), SEED (1), DURATION (5), WARMUP (1),
# CONNECTIONS (50), WRK_THREADS (2), SCAN_PORT (18181; this and the next
# five ports), NGINX_PORT (18190), SCAN_BIN (build it), RESULTS,
# PG_CACHE_WINDOW_MS (100: the PostgreSQL servers' --pg-cache-window, 0 for
# the strict default; docs/OPERATIONS.md "Cached pages on PostgreSQL").
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
PARTS=${PARTS:-reads writes}
PG_CACHE_WINDOW_MS=${PG_CACHE_WINDOW_MS:-100}
part() { [[ " $PARTS " == *" $1 "* ]]; }
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
# figure saves are the secretariat's (or a member's own people's) to make
printf '%s\n' "$PW" | "$SCAN_BIN" user add bench-admin@example.com --name 'Bench Admin' --admin \
    --password-stdin --db "$DB" >/dev/null

# --- servers ------------------------------------------------------------------------------
PIDS=()
serve() { # PORT DB [OPTION...]
    "$SCAN_BIN" serve --db "$2" --listen "127.0.0.1:$1" "${SCAN_SERVE_ARGS[@]}" --trusted-proxies 127.0.0.1 \
        "${@:3}" >/dev/null 2>"$TMP/scan-$1.log" &
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
# figure saves: the admin's session and its form token (sessions are rows,
# copied with the rest), over 500 published entries
BENCH_SLUGS=$(python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(" ".join(r[0] for r in c.execute("SELECT slug FROM org WHERE status = '"'"'published'"'"' ORDER BY id LIMIT 500")))' "$DB")
[[ -n $BENCH_SLUGS ]] || die "no entries for figure saves"
ajar=$TMP/ajar
curl -fsS -c "$ajar" -o /dev/null -H "Origin: $SQ" --data-urlencode email=bench-admin@example.com \
    --data-urlencode "password=$PW" "$SQ/login" || die "admin login failed"
BENCH_SID=$(awk '$6 == "sid" { print $7 }' "$ajar")
BENCH_CSRF=$(curl -fsS -b "$ajar" "$SQ/orgs/${BENCH_SLUGS%% *}/figures" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
[[ -n $BENCH_SID && -n $BENCH_CSRF ]] || die "no session or form token for figure saves"
export BENCH_SLUGS BENCH_SID BENCH_CSRF

echo "scan db copy to PostgreSQL ..." >&2
start=$(now_ms)
"$SCAN_BIN" db copy "$DB" "$SCAN_PG_URL" >"$TMP/copy.out" 2>&1 || { tail "$TMP/copy.out" >&2; die "scan db copy failed"; }
COPY_S=$(secs_since "$start")
COPY_LINE=$(tail -1 "$TMP/copy.out" | sed 's/.*: \([0-9]* tables.*\)/\1/')
echo "PostgreSQL servers: --pg-cache-window $PG_CACHE_WINDOW_MS (PG_CACHE_WINDOW_MS)" >&2
serve "$P_PG" "$SCAN_PG_URL" --pg-cache-window "$PG_CACHE_WINDOW_MS"
serve "$P_A" "$SCAN_PG_URL" --pg-cache-window "$PG_CACHE_WINDOW_MS"
serve "$P_B" "$SCAN_PG_URL" --pg-cache-window "$PG_CACHE_WINDOW_MS"

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
READ_PAGES=()
if part reads; then READ_PAGES=(list profile search); fi
for page in "${READ_PAGES[@]}"; do
    case $page in list) path=$LIST_PATH ;; profile) path=$PROFILE_PATH ;; search) path=$SEARCH_PATH ;; esac
    bench_wrk "nginx $page.html" "$NGINX_URL/$page.html"
    for c in "${CONFS[@]}"; do bench_wrk "$c $page" "${URL[$c]}$path"; done
done
declare -A SEARCH_P99
for c in "${CONFS[@]}"; do
    part reads || break
    echo "wrk: $c search p99, one connection ..." >&2
    run_wrk "$TMP/wrk1.out" -t 1 -c 1 -d "${DURATION}s" --latency -s "$ROOT/bench/search-prefixes.lua" "${URL[$c]}/"
    SEARCH_P99[$c]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk1.out")")
done

# --- writes ---------------------------------------------------------------------------------
# Each write run also reads the servers' retry counters (/metrics, before
# and after: tx_write's attempts beyond the first, and writes that gave up
# busy) and, on PostgreSQL, samples what the busy backends wait for
# (pg_stat_activity every 0.2 s), so the table says where the time goes.
declare -A DIRECT=([sqlite]=$SQ [pg]="http://127.0.0.1:$P_PG" ["pg x2"]="http://127.0.0.1:$P_A http://127.0.0.1:$P_B")
declare -A RETRIES WAITS CPU_SCAN CPU_PG
# CPU: utime + stime (/proc/PID/stat, fields 14 and 15, in clock ticks)
# of the configuration's scan server(s) and of the temp PostgreSQL (the
# postmaster and all its children), read before and after each write run
declare -A SCAN_PIDS=([sqlite]=${PIDS[0]} [pg]=${PIDS[1]} ["pg x2"]="${PIDS[2]} ${PIDS[3]}")
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # PID...: their utime + stime summed (a process gone counts 0)
    local p total=0 t
    for p in "$@"; do
        # the command name (field 2) may hold spaces: count from after its ')'
        t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
pg_pids() { # the postmaster and its children
    local pm
    pm=$(head -1 "$PG_TEMP_DIR/data/postmaster.pid")
    echo "$pm $(ps -o pid= --ppid "$pm" | tr '\n' ' ')"
}
metric_sum() { # NAME URL...: the counter summed over the servers
    local name=$1 u total=0 v
    shift
    for u in "$@"; do
        v=$(curl -fsS "$u/metrics" | awk -v n="$name" '$1 == n { print $2 }')
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
WAIT_SQL="SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
 WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()"
write_run() { # CONF WRITERS NAME LUA
    local c=$1 w=$2 name=$3 lua=$4 sampler='' r0 g0 w0 r1 g1 w1 s0 s1 p0 p1 pgp
    # shellcheck disable=SC2086  # DIRECT holds one or two URLs
    read -r r0 g0 w0 < <(echo "$(metric_sum scan_db_write_retries_total ${DIRECT[$c]})" \
        "$(metric_sum scan_db_writes_given_up_total ${DIRECT[$c]})" "$(metric_sum scan_db_writes_total ${DIRECT[$c]})")
    if [[ $c != sqlite ]]; then
        printf '%s\n\\watch 0.2\n' "$WAIT_SQL" | psql -qAt >"$TMP/waits.out" 2>/dev/null &
        sampler=$!
    fi
    pgp=$(pg_pids)
    # shellcheck disable=SC2086  # lists of process ids
    read -r s0 p0 < <(echo "$(cpu_ticks ${SCAN_PIDS[$c]})" "$(cpu_ticks $pgp)")
    bench_wrk "$name" "${URL[$c]}/" "$w" "$lua"
    # shellcheck disable=SC2086
    read -r s1 p1 < <(echo "$(cpu_ticks ${SCAN_PIDS[$c]})" "$(cpu_ticks $pgp)")
    if [[ -n $sampler ]]; then
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        WAITS[$name]=$(grep -v '^$' "$TMP/waits.out" | sort | uniq -c | sort -rn | head -4 |
            awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')
    fi
    # shellcheck disable=SC2086
    read -r r1 g1 w1 < <(echo "$(metric_sum scan_db_write_retries_total ${DIRECT[$c]})" \
        "$(metric_sum scan_db_writes_given_up_total ${DIRECT[$c]})" "$(metric_sum scan_db_writes_total ${DIRECT[$c]})")
    RETRIES[$name]="$((w1 - w0)) writes, $((r1 - r0)) retries, $((g1 - g0)) gave up"
    # CPU ms per write, over the same window as the writes counted above
    CPU_SCAN[$name]=$(awk -v t=$((s1 - s0)) -v hz="$CLK_TCK" -v n=$((w1 - w0)) 'BEGIN { printf "%.2f", n ? t * 1000 / hz / n : 0 }')
    CPU_PG[$name]=$(awk -v t=$((p1 - p0)) -v hz="$CLK_TCK" -v n=$((w1 - w0)) 'BEGIN { printf "%.2f", n ? t * 1000 / hz / n : 0 }')
}
WRITES=()
if part writes; then WRITES=("creates:api-create.lua" "figures:figure-save.lua"); fi
for c in "${CONFS[@]}"; do
    for kind in "${WRITES[@]}"; do
        for w in 4 32; do
            write_run "$c" "$w" "$c ${kind%%:*} $w" "$ROOT/bench/${kind#*:}"
        done
    done
done

# --- the table ------------------------------------------------------------------------------
table() {
    local sum
    printf -- '- PostgreSQL servers: --pg-cache-window %s ms (PG_CACHE_WINDOW_MS)\n\n' "$PG_CACHE_WINDOW_MS"
    bench_table_head
    for page in "${READ_PAGES[@]}"; do
        bench_row "nginx $page.html" "1.00x"
        for c in "${CONFS[@]}"; do bench_row "$c $page" "$(ratio "${RPS[$c $page]}" "${RPS[nginx $page.html]}")"; done
    done
    for kind in "${WRITES[@]}"; do
        k=${kind%%:*}
        for c in "${CONFS[@]}"; do
            for w in 4 32; do bench_row "$c $k $w" "$(ratio "${RPS[$c $k $w]}" "${RPS[sqlite $k $w]}") sqlite"; done
        done
    done
    echo
    for kind in "${WRITES[@]}"; do
        for c in "${CONFS[@]}"; do
            for w in 4 32; do
                n="$c ${kind%%:*} $w"
                printf -- '- %s: %s (warm-up included)%s\n' "$n" "${RETRIES[$n]}" "${WAITS[$n]:+; waiting (samples): ${WAITS[$n]}}"
            done
        done
    done
    if ((${#WRITES[@]})); then
        echo
        echo "CPU ms per write (utime + stime over the run, warm-up included, / the writes counted above;"
        echo "PostgreSQL: every process of the one server, the idle servers' pollers included; 2 cores"
        echo "give at most 2000 / sum writes/s):"
        echo
        printf '| %-26s | %8s | %8s | %8s | %12s |\n' "write" "scan" "postgres" "sum" "2 cores: max"
        printf '|%s|%s|%s|%s|%s|\n' "----------------------------" "---------:" "---------:" "---------:" "-------------:"
        for kind in "${WRITES[@]}"; do
            for c in "${CONFS[@]}"; do
                for w in 4 32; do
                    n="$c ${kind%%:*} $w"
                    if [[ $c == sqlite ]]; then
                        sum=${CPU_SCAN[$n]}
                        printf '| %-26s | %8s | %8s | %8s | %12s |\n' "$n" "${CPU_SCAN[$n]}" "-" "$sum" \
                            "$(awk -v s="$sum" 'BEGIN { printf("%.0f/s", (s > 0 ? 2000 / s : 0)) }')"
                    else
                        sum=$(awk -v a="${CPU_SCAN[$n]}" -v b="${CPU_PG[$n]}" 'BEGIN { printf "%.2f", a + b }')
                        printf '| %-26s | %8s | %8s | %8s | %12s |\n' "$n" "${CPU_SCAN[$n]}" "${CPU_PG[$n]}" "$sum" \
                            "$(awk -v s="$sum" 'BEGIN { printf("%.0f/s", (s > 0 ? 2000 / s : 0)) }')"
                    fi
                done
            done
        done
    fi
    if part reads; then
        for c in "${CONFS[@]}"; do printf -- '- search p99, one connection, rotating prefixes, %s: %s ms\n' "$c" "${SEARCH_P99[$c]}"; done
    fi
    bench_errors
}
table
if [[ -n $RESULTS ]]; then
    {
        bench_results_header "cluster: SQLite, PostgreSQL, two servers on PostgreSQL behind nginx ($COUNT entries)"
        printf -- '- data: bench/gen.py --seed %s orgs --count %s; scan db copy to PostgreSQL 15 (fsync on, same machine): %ss, %s\n' \
            "$SEED" "$COUNT" "$COPY_S" "$COPY_LINE"
        printf -- '- pg x2: two scan serve (each as above) behind nginx (keep-alive upstream); writes: POST /api/v1/orgs (bench/api-create.lua) and POST /orgs/{slug}/figures (bench/figure-save.lua), 4 and 32 connections, "vs nginx" there is vs SQLite\n'
        printf -- '- load average (1 min) at the end: %s\n\n' "$(cut -d' ' -f1 /proc/loadavg)"
        table
    } >>"$RESULTS"
    echo "appended to ${RESULTS#"$ROOT"/}" >&2
fi
exit "$FAILED"
