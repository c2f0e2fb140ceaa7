#!/usr/bin/env bash
# deps.sh: installs the Debian packages SCAN needs, and only the missing ones.
#
#   scripts/deps.sh build   compiler, meson, libraries (for make run)
#   scripts/deps.sh test    build + cmocka, sqlite3 CLI, Node.js, Chromium, and
#                           the proof harness: clang + libFuzzer, Java (for
#                           the Nu HTML Checker), wrk, sqlmap, wapiti,
#                           slowhttptest
#   scripts/deps.sh bench   build + nginx and wrk
#   scripts/deps.sh PROFILE --list   prints the profile's packages, one a
#                           line, and installs nothing (tests/deps_check.sh)
#
# Idempotent: asks dpkg what is there and calls apt-get only for the rest.
# Works as root on a fresh Debian 12; otherwise uses sudo if present.
set -euo pipefail

profile=${1:-build}
build_pkgs=(gcc make meson ninja-build pkg-config python3 tzdata ca-certificates
            libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev libcurl4-openssl-dev
            libxlsxwriter-dev zlib1g-dev libicu-dev libxml2-dev libzxcvbn-dev libical-dev libzip-dev
            libcmark-dev libqpdf-dev libpq-dev)
# zlib1g-dev: xlsxwriter.pc links -lz, yet libxlsxwriter-dev does not depend
# on it (found by tests/deps_check.sh).
# libcmark-dev: the one Markdown renderer (src/html/markdown.c), CommonMark's
# reference implementation rather than a parser of our own.
# libpq-dev: the PostgreSQL backend (src/db/db_pg.c). The binary always links
# libpq; a postgresql:// --db URL chooses that backend at run time, so the
# SQLite default still needs no server.
# libzip-dev: reading XLSX uploads (a ZIP of XML parts) with a maintained ZIP
# reader; libxml2 parses the parts.
test_pkgs=(libcmocka-dev sqlite3 curl chromium fonts-dejavu-core nginx-light
           clang libclang-rt-14-dev default-jre-headless wrk sqlmap wapiti slowhttptest
           python3-aiosmtpd postgresql-15 postgresql-client-15 python3-icalendar)
# python3-icalendar: the second iCalendar parser of tests/http/calls_review
# (a feed's TZIDs must resolve to real tz zones, not only in libical).
# python3-aiosmtpd: the local SMTP sink of bench/newsletter.sh (counts what
# a newsletter delivered, to prove nobody got it twice).
# postgresql-15: the throwaway server of tests/pg/pg_temp.sh and of the
# driver's unit tests (initdb in a temporary directory, as an unprivileged
# user; pg_trgm ships in it).
bench_pkgs=(nginx-light wrk curl time)

case "$profile" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) want=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: scripts/deps.sh build|test|bench" >&2; exit 2 ;;
esac
if [ "${2:-}" = --list ]; then
  printf '%s\n' "${want[@]}"
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js 18+ for the HTTP and browser tests: Debian's nodejs and npm unless a
# node is already on the PATH.
if [ "$profile" = test ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
