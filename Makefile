# Makefile: the two commands of the README, and a few more for developers.
#
#   make run    install what is missing, build, create var/scan.db with demo
#               data on first run, serve http://127.0.0.1:8080
#   make test   install what is missing, build with ASan+UBSan, run every
#               test (unit, HTTP, browser, HTML validity, the HTTP suite on
#               PostgreSQL, a short fuzz, the short reliability profile and
#               two app servers behind nginx on PostgreSQL),
#               end with "N passed, N failed"
#   make reliability   the proof harness in full: kill -9 x 50, disk full,
#               out-of-memory loop over every N, five-minute soak, sqlmap,
#               wapiti, slowhttptest, fuzzing 5 minutes per target
#
# meson does the real building; this file only strings the steps together.

DB ?= var/scan.db
LISTEN ?= 127.0.0.1:8080

.PHONY: run test test-pg build build-asan bench fuzz reliability clean format

run: build
	@test -f $(DB) || ./build/scan init --db $(DB) --demo
	./build/scan serve --db $(DB) --listen $(LISTEN)

build:
	@scripts/deps.sh build
	@test -f build/build.ninja || meson setup build --buildtype=release -Dtests=disabled >/dev/null
	@ninja -C build

build-asan:
	@scripts/deps.sh test
	@test -f build-asan/build.ninja || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dtests=enabled >/dev/null
	@ninja -C build-asan

test: build-asan
	@test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund --loglevel=error
	@tests/run.sh

# Only the PostgreSQL levels of `make test`: the HTTP suite on a throwaway
# PostgreSQL 15 and the two-server cluster test (issue 18).
test-pg: build-asan
	@test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund --loglevel=error
	@LEVELS="pg cluster" tests/run.sh

# The full proof harness (docs/RELIABILITY.md): the same scripts as CI's
# short profile, longer. The soak measures memory on the release build.
RELIABILITY_FUZZ_SECONDS ?= 300
reliability: build build-asan
	@test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund --loglevel=error
	@PROFILE=full LEVELS="fuzz reliability" FUZZ_SECONDS=$(RELIABILITY_FUZZ_SECONDS) tests/run.sh

bench:
	@scripts/deps.sh bench
	@bench/all.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-bench

# make fuzz: build the libFuzzer targets of fuzz/ into build-fuzz/ and run
# each for FUZZ_SECONDS seconds on a scratch copy of its seed corpus
# (fuzz/corpus/<target>; the committed seeds are never written to). Needs
# clang with libFuzzer. `make test` (so CI) runs each for 15 s through
# tests/run.sh, `make reliability` for 5 minutes. See fuzz/README.md.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS = -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc
FUZZ_CORE = src/core/buf.c src/core/mem.c src/core/arena.c src/core/utf8.c src/core/strutil.c src/core/num.c src/core/timeutil.c
FUZZ_TARGETS = fuzz_url fuzz_urlencoded fuzz_multipart fuzz_cookie fuzz_utf8 fuzz_html fuzz_json fuzz_csv fuzz_image fuzz_ical fuzz_topic fuzz_num fuzz_xlsx fuzz_markdown fuzz_diff fuzz_pdf fuzz_words fuzz_position fuzz_chart
FUZZ_SRC_fuzz_url = $(FUZZ_CORE) src/http/router.c src/http/form.c src/i18n/i18n.c src/i18n/catalog.c
FUZZ_SRC_fuzz_urlencoded = $(FUZZ_CORE) src/http/form.c src/i18n/i18n.c src/i18n/catalog.c
FUZZ_SRC_fuzz_multipart = $(FUZZ_CORE) src/http/form.c src/i18n/i18n.c src/i18n/catalog.c
FUZZ_SRC_fuzz_cookie = $(FUZZ_CORE) src/http/cookie.c
FUZZ_SRC_fuzz_utf8 = $(FUZZ_CORE)
FUZZ_SRC_fuzz_num = $(FUZZ_CORE)
FUZZ_SRC_fuzz_html = $(FUZZ_CORE) src/html/html.c
FUZZ_SRC_fuzz_json = $(FUZZ_CORE) src/json/json.c
FUZZ_SRC_fuzz_csv = $(FUZZ_CORE) src/core/csv.c
FUZZ_LIBS_fuzz_json = -ljansson
FUZZ_SRC_fuzz_image = $(FUZZ_CORE) src/model/image.c
FUZZ_SRC_fuzz_topic = $(FUZZ_CORE) src/web/web_topic.c src/http/form.c src/i18n/i18n.c src/i18n/catalog.c
FUZZ_SRC_fuzz_words = $(FUZZ_CORE) src/model/match_words.c
FUZZ_LIBS_fuzz_image = $$(pkg-config --cflags --libs libxml-2.0)
FUZZ_SRC_fuzz_ical = $(FUZZ_CORE) src/ical/ical.c
FUZZ_LIBS_fuzz_ical = $$(pkg-config --cflags --libs libical)
FUZZ_SRC_fuzz_markdown = $(FUZZ_CORE) src/html/html.c src/html/markdown.c
FUZZ_LIBS_fuzz_markdown = $$(pkg-config --cflags --libs libcmark)
FUZZ_SRC_fuzz_diff = $(FUZZ_CORE) src/core/diff.c
FUZZ_SRC_fuzz_position = $(FUZZ_CORE) src/model/position_text.c src/html/html.c src/html/markdown.c
FUZZ_LIBS_fuzz_position = $$(pkg-config --cflags --libs libcmark)
FUZZ_SRC_fuzz_chart = $(FUZZ_CORE) src/html/html.c src/html/chart.c src/html/chart_badge.c src/html/chart_network.c src/i18n/i18n.c src/i18n/catalog.c
FUZZ_LIBS_fuzz_chart = $$(pkg-config --cflags --libs libxml-2.0) -lm
FUZZ_SRC_fuzz_pdf = $(FUZZ_CORE) src/model/pdf.c
FUZZ_LIBS_fuzz_pdf = $$(pkg-config --cflags --libs libqpdf)
FUZZ_SRC_fuzz_xlsx = $(FUZZ_CORE) src/core/xlsx.c
FUZZ_LIBS_fuzz_xlsx = $$(pkg-config --cflags --libs libzip libxml-2.0)

# each source compiled once into build-fuzz/obj (the flags are the same for
# every target), then each target linked from its objects: the core files
# went through clang once per target before (18 times)
FUZZ_PKG_CFLAGS = $(shell pkg-config --cflags libxml-2.0 libical libcmark libqpdf libzip 2>/dev/null)
build-fuzz/obj/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_PKG_CFLAGS) -c -o $@ $<
.SECONDARY:
.SECONDEXPANSION:
fuzz_objs = $(addprefix build-fuzz/obj/,$(patsubst %.c,%.o,$(FUZZ_SRC_$(1))))
build-fuzz/%: build-fuzz/obj/fuzz/%.o $$(call fuzz_objs,$$*)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(FUZZ_LIBS_$*)

# the targets FUZZ_JOBS at a time (default: one per core), each for
# FUZZ_SECONDS: the same fuzzing in half the wall time on two cores
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
fuzz: $(addprefix build-fuzz/,$(FUZZ_TARGETS))
	@echo "fuzz: $(words $(FUZZ_TARGETS)) targets, $(FUZZ_SECONDS)s each, $(FUZZ_JOBS) at a time"; \
	if printf '%s\n' $(FUZZ_TARGETS) | xargs -P $(FUZZ_JOBS) -n 1 fuzz/run_one.sh $(FUZZ_SECONDS); then \
	    echo "fuzz: no crash"; else echo "fuzz: a target crashed (CRASH lines above)"; exit 1; fi
