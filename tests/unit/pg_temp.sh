#!/usr/bin/env bash
# pg_temp.sh: a throwaway PostgreSQL server for the driver's unit tests
# (tests/unit/test_db_pg.c), in a temporary folder, until tests/pg/'s
# harness takes its place.
#
#   pg_temp.sh start [PID]   initdb + start; prints the connection URL on
#                            the first line and the folder on the second.
#                            With PID, a watchdog stops the server and
#                            removes the folder once PID has exited (a test
#                            that crashed leaves nothing running).
#   pg_temp.sh stop DIR      stops the server of DIR and removes DIR.
#
# Exit 3 (and one line on stderr) when no PostgreSQL server binaries are
# installed (Debian postgresql-15, scripts/deps.sh test); 1 when they are
# but the server does not start (the test must fail, not skip).
#
# The server listens on a unix socket in the folder (the URL uses it) and
# on a free loopback port; it runs as an unprivileged user (initdb refuses
# root: as root, `nobody`), trusts local connections, and skips fsync: its
# data dies with the folder.
set -euo pipefail

bindir=${PG_BIN:-}
if [ -z "$bindir" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { bindir=$d; break; }
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg_temp: no PostgreSQL server binaries (install postgresql-15: scripts/deps.sh test)" >&2
  exit 3
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

stop() {
  local dir=$1
  case "$dir" in /tmp/scan-pg-*) ;; *) echo "pg_temp: not a pg_temp folder: $dir" >&2; exit 2 ;; esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
start)
  watch=${2:-}
  dir=$(mktemp -d /tmp/scan-pg-XXXXXX)
  [ "$(id -u)" -ne 0 ] || chown nobody "$dir"
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U scan --auth=trust -E UTF8 --locale=C -N \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    exit 1
  fi
  started=
  for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c shared_buffers=16MB -c max_connections=60 -c lc_messages=C" \
        start >/dev/null 2>&1; then
      started=1
      break
    fi # the port was taken between the probe and the start: another one
  done
  if [ -z "$started" ]; then
    tail -n 20 "$dir/server.log" >&2 || true
    stop "$dir"
    exit 1
  fi
  if ! as_owner "$bindir/createdb" -h "$dir" -p "$port" -U scan scan >/dev/null 2>&1; then
    echo "pg_temp: createdb failed" >&2
    stop "$dir"
    exit 1
  fi
  if [ -n "$watch" ]; then
    self=$(readlink -f "$0")
    (
      while kill -0 "$watch" 2>/dev/null; do sleep 1; done
      "$self" stop "$dir"
    ) </dev/null >/dev/null 2>&1 &
  fi
  echo "postgresql://scan@/scan?host=$dir&port=$port"
  echo "$dir"
  ;;
stop)
  [ -n "${2:-}" ] || { echo "usage: pg_temp.sh stop DIR" >&2; exit 2; }
  stop "$2"
  ;;
*)
  echo "usage: pg_temp.sh start [PID] | stop DIR" >&2
  exit 2
  ;;
esac
