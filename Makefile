# Makefile: the two commands of the README, and a few more for developers.
#
#   make run    install what is missing, build, create var/scan.db with demo
#               data on first run, serve http://127.0.0.1:8080
#   make test   install what is missing, build with ASan+UBSan, run every
#               test (unit, HTTP, browser), end with "N passed, N failed"
#
# meson does the real building; this file only strings the steps together.

DB ?= var/scan.db
LISTEN ?= 127.0.0.1:8080

.PHONY: run test build build-asan bench fuzz reliability clean format

run: build
	@test -f $(DB) || ./build/scan init --db $(DB) --demo
	./build/scan serve --db $(DB) --listen $(LISTEN)

build:
	@scripts/deps.sh build
	@test -f build/build.ninja || meson setup build --buildtype=release >/dev/null
	@ninja -C build

build-asan:
	@scripts/deps.sh test
	@test -f build-asan/build.ninja || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C build-asan

test: build-asan
	@test -d node_modules/playwright-core || npm ci --no-audit --no-fund --loglevel=error
	@tests/run.sh

bench:
	@scripts/deps.sh bench
	@bench/http.sh
	@bench/directory.sh
	@bench/figures.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-bench
