#!/usr/bin/env bash
# deps_check.sh: proves that the release build (`make build`, behind the
# README's `make run`) needs nothing that `scripts/deps.sh build` does not
# install, on a machine that has far more installed (CI has the whole test
# profile). Run by tests/run.sh in the unit level.
#
# How: the package list comes from `scripts/deps.sh build --list`, so a
# library added to the build profile is covered without touching this file.
# Those packages and everything they depend on (apt installs that too) give
# the only pkg-config files meson may see: their .pc files (`dpkg -L`) are
# linked into a scratch folder and PKG_CONFIG_LIBDIR points there alone.
# CMake, which meson would ask next (cmocka ships a CMake config), is
# switched off through a native file. Then a scratch build folder is
# configured with the very `meson setup` arguments of the Makefile's build
# target; a dependency() outside the profile fails it. Last, every library
# and include folder of the configured dependencies (meson introspect,
# including cc.find_library() ones, which bypass pkg-config) must belong to
# a package of that closure (`dpkg -S`).
#
# Exit 0 and one line "deps_check: ..." when all is provided; 1 with what is
# missing otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap '[ -n "${DEPS_CHECK_KEEP:-}" ] || rm -rf "$tmp"' EXIT

fail() {
  echo "deps_check: $*" >&2
  exit 1
}

mapfile -t pkgs < <(scripts/deps.sh build --list)
[ ${#pkgs[@]} -gt 0 ] || fail "scripts/deps.sh build --list printed no packages"
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    fail "build-profile package $p is not installed here; run scripts/deps.sh build first"
done

# The closure: the listed packages and, recursively, what they depend on,
# as far as it is installed (of "a | b" alternatives, the installed one).
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "${pkgs[@]}" |
  grep -v '^ ' | tr -d '<>' | sort -u >"$tmp/deps"
dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\n' |
  awk '$1 == "ii" { print $2 }' | sort -u >"$tmp/installed"
comm -12 "$tmp/deps" "$tmp/installed" >"$tmp/closure"

mkdir "$tmp/pc"
while read -r p; do
  { dpkg -L "$p" 2>/dev/null || true; } | { grep '\.pc$' || true; } | while read -r f; do
    [ -e "$tmp/pc/$(basename "$f")" ] || ln -s "$f" "$tmp/pc/"
  done
done <"$tmp/closure"

# The Makefile's release setup arguments, so this checks what `make build` does.
args=$(sed -n 's/.*meson setup build \(.*\) >\/dev\/null$/\1/p' Makefile)
[ -n "$args" ] || fail "no 'meson setup build ...' line found in the Makefile"

printf "[binaries]\ncmake = 'false'\n" >"$tmp/native.ini"
# shellcheck disable=SC2086 # $args is the Makefile's word list
if ! env -u PKG_CONFIG_PATH -u PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR="$tmp/pc" \
  meson setup "$tmp/build" $args --native-file "$tmp/native.ini" >"$tmp/setup.txt" 2>&1; then
  grep -E 'ERROR|not found|NO' "$tmp/setup.txt" >&2 || cat "$tmp/setup.txt" >&2
  fail "the release build (meson setup build $args) needs something scripts/deps.sh build does not install (build profile: ${pkgs[*]})"
fi

# Every file a dependency links or includes comes from the closure: this
# catches cc.find_library() and headers found outside pkg-config.
meson introspect --dependencies "$tmp/build" | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    for a in d.get("link_args", []) + d.get("compile_args", []):
        print(d["name"], a)
' >"$tmp/args"
# owners PATH: the packages that own PATH, one a line ("" when none). The
# path as named first (libz.so is the -dev package's symlink), then with
# symlinks resolved; dpkg knows some files under /lib, not /usr/lib.
owners() {
  local f
  for f in "$(realpath -s "$1")" "$(readlink -f "$1")"; do
    for g in "$f" "${f#/usr}"; do
      if dpkg -S "$g" >"$tmp/owner" 2>/dev/null; then
        sed 's/: .*//; s/, /\n/g' "$tmp/owner" | sed 's/:.*//' | sort -u
        return
      fi
    done
  done
}
bad=0
while read -r name a; do
  case "$a" in
    -l*) f=$(cc -print-file-name="lib${a#-l}.so") ;;
    -I*) f=${a#-I} ;;
    /*) f=$a ;;
    *) continue ;;
  esac
  [ "${f#/}" != "$f" ] || continue # a bare name: the compiler's own (libm, libpthread)
  who=$(owners "$f")
  if [ -z "$who" ]; then
    echo "deps_check: dependency $name uses $f, which no Debian package installed" >&2
    bad=1
  elif ! grep -qxFf "$tmp/closure" <<<"$who"; then
    echo "deps_check: dependency $name uses $f from $(paste -sd' ' <<<"$who"), not in the build profile nor its dependencies" >&2
    bad=1
  fi
done <"$tmp/args"
[ "$bad" -eq 0 ] || fail "add the package(s) above to build_pkgs in scripts/deps.sh"

echo "deps_check: the release build needs only the build profile (${#pkgs[@]} packages, $(find "$tmp/pc" -name "*.pc" | wc -l) .pc files in their closure)"
