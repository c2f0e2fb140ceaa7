#!/usr/bin/env bash
# pg_temp.sh: a throwaway PostgreSQL 15 for tests, in a temporary directory.
#
# Standalone:
#   tests/pg/pg_temp.sh start        starts one and prints `export` lines
#                                    (eval them); it runs until `stop`
#   tests/pg/pg_temp.sh stop [DIR]   stops the one in DIR ($PG_TEMP_DIR by
#                                    default) and removes the directory
#   tests/pg/pg_temp.sh env [DIR]    prints the `export` lines again
#   tests/pg/pg_temp.sh restart-immediate [DIR]
#                                    kills it (pg_ctl -m immediate: a crash,
#                                    no checkpoint) and starts it again
#   tests/pg/pg_temp.sh run CMD...   starts one, runs CMD with its
#                                    environment, stops it; CMD's status
# Sourced (`. tests/pg/pg_temp.sh`): pg_temp_start starts one, exports the
# variables below and stops and removes it when the shell exits (trap
# EXIT, replacing the caller's: a caller with its own EXIT trap sets it
# after pg_temp_start and calls pg_temp_stop in it); pg_temp_stop does that
# earlier.
#
# Exports SCAN_PG_URL (postgresql://scan@/scan?host=DIR&port=N: the unix
# socket in the directory), SCAN_PG_URL_TCP (the same database on
# 127.0.0.1:N), PG_TEMP_DIR, PGHOST, PGPORT, PGUSER, PGDATABASE (so psql
# needs no arguments).
#
# The cluster: initdb with locale C and UTF-8 (text sorts by bytes and
# lower() folds ASCII only, as on SQLite), the superuser `scan`, trust
# authentication (socket in a private directory, loopback only), fsync on
# (the crash tests kill it and expect acknowledged writes to survive;
# PG_TEMP_FSYNC=off for runs that never crash it, such as tests/pg/unit.sh,
# whose hundreds of CREATE DATABASE each waited seconds on fsync). As
# root, initdb and the server run as `nobody` (PostgreSQL refuses root),
# which owns the directory. Readiness is polled (pg_isready) up to a
# deadline, never slept for. Needs Debian's postgresql-15 (scripts/deps.sh
# test).

PG_TEMP_BIN=${PG_TEMP_BIN:-/usr/lib/postgresql/15/bin}
PG_TEMP_DEADLINE_S=${PG_TEMP_DEADLINE_S:-60}

# Runs a command as the directory's owner: nobody when we are root.
pg_temp__as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

pg_temp__exports() { # dir port
  local dir=$1 port=$2
  cat <<EOF
export PG_TEMP_DIR='$dir'
export SCAN_PG_URL='postgresql://scan@/scan?host=$dir/sock&port=$port'
export SCAN_PG_URL_TCP='postgresql://scan@127.0.0.1:$port/scan'
export PGHOST='$dir/sock'
export PGPORT='$port'
export PGUSER=scan
export PGDATABASE=scan
EOF
}

# Starts a new cluster and prints its export lines on stdout; messages go to
# stderr. Non-zero when it could not start (the directory is removed).
pg_temp__start_print() {
  if [ ! -x "$PG_TEMP_BIN/initdb" ]; then
    echo "pg_temp: $PG_TEMP_BIN/initdb missing: run scripts/deps.sh test" >&2
    return 1
  fi
  local dir port try
  dir=$(mktemp -d "${TMPDIR:-/tmp}/scan-pg.XXXXXX") || return 1
  mkdir -p "$dir/data" "$dir/sock"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody:nogroup "$dir"
  fi
  if ! pg_temp__as_owner "$PG_TEMP_BIN/initdb" -D "$dir/data" -U scan --auth=trust \
      --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    echo "pg_temp: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    return 1
  fi
  # a free loopback port: the kernel picks one; another process may take
  # it before the server binds, so a failed start tries a new one
  for try in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if pg_temp__as_owner "$PG_TEMP_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -t "$PG_TEMP_DEADLINE_S" -o "-c listen_addresses=127.0.0.1 -p $port \
        -c unix_socket_directories=$dir/sock -c fsync=${PG_TEMP_FSYNC:-on} -c max_connections=200 \
        -c shared_buffers=64MB" start >/dev/null 2>&1; then
      break
    fi
    port=""
  done
  if [ -z "$port" ]; then
    echo "pg_temp: the server did not start:" >&2
    tail -20 "$dir/server.log" >&2
    pg_temp__stop_dir "$dir"
    return 1
  fi
  # pg_ctl -w waited for it; confirm it answers on both the socket and TCP
  local deadline=$((SECONDS + PG_TEMP_DEADLINE_S))
  until "$PG_TEMP_BIN/pg_isready" -q -h "$dir/sock" -p "$port" &&
      "$PG_TEMP_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "pg_temp: not ready after ${PG_TEMP_DEADLINE_S}s" >&2
      pg_temp__stop_dir "$dir"
      return 1
    fi
    sleep 0.1 # poll again (not an assertion after a sleep)
  done
  # the database the tests use (trust: the superuser scan owns it)
  if ! "$PG_TEMP_BIN/createdb" -h "$dir/sock" -p "$port" -U scan -T template0 -E UTF8 \
      --locale=C scan >/dev/null; then
    pg_temp__stop_dir "$dir"
    return 1
  fi
  pg_temp__exports "$dir" "$port"
}

pg_temp__stop_dir() { # dir: stops the server (even one killed -9) and removes it
  local dir=$1 pid
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    if ! pg_temp__as_owner "$PG_TEMP_BIN/pg_ctl" -D "$dir/data" -m immediate -w \
        -t "$PG_TEMP_DEADLINE_S" stop >/dev/null 2>&1; then
      # the postmaster died (a crash test): its children exit by themselves
      pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null)
      [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -rf "$dir"
}

# Sourced use: starts one, exports its variables, stops it at shell exit.
pg_temp_start() {
  local lines
  lines=$(pg_temp__start_print) || return 1
  eval "$lines"
  trap 'pg_temp_stop' EXIT
}

pg_temp_stop() {
  pg_temp__stop_dir "${PG_TEMP_DIR:-}"
  unset PG_TEMP_DIR SCAN_PG_URL SCAN_PG_URL_TCP PGHOST PGPORT PGUSER PGDATABASE
}

# Standalone use (not when sourced).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  case "${1:-}" in
    start) pg_temp__start_print ;;
    stop) pg_temp__stop_dir "${2:-${PG_TEMP_DIR:-}}" ;;
    env)
      d=${2:-${PG_TEMP_DIR:-}}
      p=$(sed -n 4p "$d/data/postmaster.pid" 2>/dev/null)
      [ -n "$p" ] || { echo "pg_temp: no server in '$d'" >&2; exit 1; }
      pg_temp__exports "$d" "$p"
      ;;
    restart-immediate)
      # a crash of the database (the crash test): immediate shutdown, no
      # checkpoint, then started again with the same options (postmaster.opts)
      d=${2:-${PG_TEMP_DIR:-}}
      pg_temp__as_owner "$PG_TEMP_BIN/pg_ctl" -D "$d/data" -l "$d/server.log" -m immediate -w \
        -t "$PG_TEMP_DEADLINE_S" restart >/dev/null
      ;;
    run)
      shift
      [ $# -gt 0 ] || { echo "usage: pg_temp.sh run CMD..." >&2; exit 2; }
      pg_temp_start || exit 1
      "$@"
      ;;
    *)
      echo "usage: pg_temp.sh start | stop [DIR] | env [DIR] | restart-immediate [DIR] | run CMD..." >&2
      exit 2
      ;;
  esac
fi
