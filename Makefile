# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# trec - build, test, install. See README.md.
#   make            build libtrec.a and the trec-* tools into build/
#   make test       unit tests (Check) and command-line tests
#   make test-sanitize   the same, built with AddressSanitizer + UBSan
#   make bench      benchmarks (not tests)
#   make fuzz       fuzz the file and CSV readers (clang libFuzzer; not a test)
#   make demo       the getting-started walkthrough on ml-latest-small
#                   (its scratch directory removed; KEEP=1 keeps it)
#   make install PREFIX=/usr/local   (make uninstall removes it again)
#   make mpi        MPI-enabled trec-fit and trec-eval (mpicc) into build-mpi/
PREFIX ?= /usr/local
# MPI=1: an MPI build (lib/mpi, -DTREC_MPI, mpicc) in its own directory; the
# plain build has no MPI dependency.
ifeq ($(MPI),1)
B ?= build-mpi
CC := mpicc
MPI_DIR := mpi
CMD_FLAGS := -DTREC_MPI
endif
B ?= build
CC ?= cc
OPT ?= -O2 -g
SAN ?=
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)
LIB_DIRS := common format ingest train serve report $(MPI_DIR)
CPPFLAGS += -Ilib $(LIB_DIRS:%=-Ilib/%) -D_GNU_SOURCE
CFLAGS_ALL = $(OPT) $(SAN) -std=c11 -Wall -Wextra -pthread $(CFLAGS)
LDLIBS_ALL = -lcsv -lcjson -lblis -lz -lm -pthread $(LDLIBS)

LIB_SRC := $(filter-out lib/mpi/%,$(wildcard lib/*/*.c)) $(if $(MPI_DIR),$(wildcard lib/mpi/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
# The public API: what `make install` puts in include/trec/ and all the
# commands may use (they are built against a staged copy of these only).
# Every other header in lib/ is internal.
PUBLIC_HEADERS := lib/trec.h lib/common/error.h lib/common/fileio.h lib/common/idmap.h \
  lib/format/container.h lib/format/labels.h lib/format/csr.h lib/format/model.h \
  lib/format/dump.h lib/format/json_number.h lib/format/matrix_stats.h lib/format/reference.h lib/format/align.h \
  lib/ingest/ingest.h lib/ingest/ingest_features.h lib/ingest/split.h lib/train/fit.h \
  lib/train/fit_options.h lib/train/presets.h lib/train/validate.h lib/train/tune.h \
  lib/train/features_matrix.h lib/serve/score.h lib/serve/topk.h lib/serve/metrics.h \
  lib/serve/coldstart.h lib/serve/titles.h lib/serve/history.h lib/serve/idlist.h \
  lib/serve/gate.h lib/serve/eval_history.h lib/report/plot.h lib/report/report_html.h \
  lib/report/eval_json.h $(if $(MPI_DIR),lib/mpi/trec_mpi.h)
STAGED_HEADERS := $(addprefix $(B)/include/trec/,$(notdir $(PUBLIC_HEADERS)))
.SECONDARY: $(STAGED_HEADERS)
CMD_SRC := $(wildcard cmd/trec-*.c)
CMDS := $(CMD_SRC:cmd/%.c=$(B)/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOLS := $(B)/synth-movielens $(B)/bench-csv-tokenize $(B)/peak-rss $(B)/score-bench
MAN1 := $(wildcard man/man1/*.1)
MAN5 := $(wildcard man/man5/*.5)
MAN7 := $(wildcard man/man7/*.7)

.PHONY: all deps test unit cli test-sanitize bench demo install uninstall shared clean fuzz mpi

all: $(B)/libtrec.a $(CMDS) $(TOOLS)

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h lib/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) $(FILE_CFLAGS) -c -o $@ $<

# Per-file flags: the sgd kernels' sqrtf vectorises only without errno.
$(B)/lib/train/sgd_kernels.o $(B)/lib/train/sgd_losses.o: FILE_CFLAGS = -fno-math-errno

$(B)/libtrec.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# The shared library: position-independent objects of their own, the
# version script lib/libtrec.map exporting the trec_* API only, soname
# libtrec.so.$(SOVERSION).
VERSION := $(shell sed -n 's/^\#define TREC_VERSION "\(.*\)"/\1/p' lib/trec.h)
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
PIC_OBJ := $(LIB_SRC:%.c=$(B)/pic/%.o)
$(B)/pic/lib/%.o: lib/%.c $(wildcard lib/*.h lib/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -fPIC $(FILE_CFLAGS) -c -o $@ $<
$(B)/pic/lib/train/sgd_kernels.o $(B)/pic/lib/train/sgd_losses.o: FILE_CFLAGS = -fno-math-errno
$(B)/libtrec.so.$(VERSION): $(PIC_OBJ) lib/libtrec.map
	$(CC) -shared $(CFLAGS_ALL) -Wl,-soname,libtrec.so.$(SOVERSION) \
	  -Wl,--version-script=lib/libtrec.map -o $@ $(PIC_OBJ) $(LDLIBS_ALL)
shared: $(B)/libtrec.so.$(VERSION)

$(B)/include/trec/%.h: $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	@cp $(filter %/$*.h,$(PUBLIC_HEADERS)) $@

$(B)/trec-%: cmd/trec-%.c $(B)/libtrec.a cmd/cli.h cmd/cli_outputs.h $(STAGED_HEADERS)
	$(CC) -I$(B)/include/trec -D_GNU_SOURCE $(CMD_FLAGS) $(CFLAGS_ALL) -o $@ $< $(B)/libtrec.a $(LDLIBS_ALL)

$(B)/synth-movielens: datasets/synth-movielens.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< -lm

$(B)/bench-csv-tokenize: tests/bench/csv-tokenize.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< -lcsv

$(B)/peak-rss: tests/bench/peak-rss.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $<
$(B)/score-bench: tests/bench/score-bench.c $(B)/libtrec.a
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< $(B)/libtrec.a $(LDLIBS_ALL)
$(B)/linalg-bench: tests/bench/linalg-bench.c $(B)/libtrec.a ; $(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< $(B)/libtrec.a $(LDLIBS_ALL)

$(B)/tests/%: tests/unit/%.c tests/unit/check_main.h $(B)/libtrec.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) $(CHECK_CFLAGS) -o $@ $< $(B)/libtrec.a $(CHECK_LIBS) $(LDLIBS_ALL)

# Installs the Debian packages trec builds with, when they are missing.
deps:
	@scripts/install-deps.sh

unit: $(UNITS)
	@scripts/run-unit-tests.sh $(UNITS)

cli: all
	@tests/cli/run.sh $(B)

# MPI-enabled trec-fit and trec-eval in build-mpi/, next to the plain build;
# needs mpicc (Debian: libopenmpi-dev openmpi-bin). Always built without
# sanitizers: under ASan, Open MPI's own allocations are reported as leaks and
# ASan cannot run under the ulimit -v of the out-of-memory test, so
# test-sanitize runs tests/cli/test-mpi.sh with these binaries (the fits
# compared with these binaries' own single-process runs, the evaluations with
# the sanitized tools').
MPI_B ?= build-mpi
mpi:
	@$(MAKE) --no-print-directory MPI=1 B=$(MPI_B) SAN= OPT="-O2 -g" $(MPI_B)/trec-fit $(MPI_B)/trec-eval

# The MPI binaries too when mpicc exists, so that tests/cli/test-mpi.sh runs
# (it says it is skipped only where Open MPI is missing).
test: deps
	@$(MAKE) --no-print-directory all $(UNITS)
	@if command -v mpicc >/dev/null 2>&1; then $(MAKE) --no-print-directory mpi; fi
	@scripts/run-unit-tests.sh $(UNITS)
	@tests/cli/run.sh $(B)

test-sanitize: deps
	@$(MAKE) --no-print-directory B=build-san OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

bench: deps
	@$(MAKE) --no-print-directory all
	@if command -v mpicc >/dev/null 2>&1; then $(MAKE) --no-print-directory mpi; fi
	@scripts/bench.sh $(B)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/getting-started.sh $(if $(KEEP),--keep) $(B)

# Coverage-guided fuzzing of the readers (clang's libFuzzer, ASan + UBSan):
# FUZZ_SECONDS per target (0: no limit) or FUZZ_RUNS executions per target
# (-1: no limit), whichever ends first; corpus seeded from the test fixtures
# and from matrix and model files of every kind made by the tools
# (tests/fuzz/make-seeds.sh), kept in build-fuzz/corpus-* between runs. Not
# a test. A long run: make fuzz FUZZ_SECONDS=0 FUZZ_RUNS=10000000.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
FUZZ_B := build-fuzz
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz:
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" $(FUZZ_B)/libtrec.a
	@for t in files csv; do \
	  clang $(CPPFLAGS) -Itests/unit -O1 -g $(FUZZ_FLAGS) -o $(FUZZ_B)/fuzz_$$t tests/fuzz/fuzz_$$t.c \
	    $(FUZZ_B)/libtrec.a $(LDLIBS_ALL) || exit 1; \
	  mkdir -p $(FUZZ_B)/corpus-$$t; done
	@cp tests/fixtures/fit/*.csr $(FUZZ_B)/corpus-files/
	@tests/fuzz/make-seeds.sh $(B) $(FUZZ_B)/corpus-files
	@for f in tests/fixtures/ingest/*.csv tests/fixtures/ingest/*.dat tests/fixtures/ingest/*.data \
	  tests/fixtures/fuzz/* tests/fixtures/eval/*.csv datasets/samples/synth-movies.csv; do \
	  for m in 0 1 2 3 4 5 6 7 8 9; do { printf $$m; cat $$f; } >$(FUZZ_B)/corpus-csv/$$m-$${f##*/}; done; \
	  done
	$(FUZZ_B)/fuzz_files -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -max_len=8192 \
	  $(FUZZ_B)/corpus-files
	$(FUZZ_B)/fuzz_csv -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -max_len=4096 \
	  $(FUZZ_B)/corpus-csv

install: all shared
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/trec
	install -m 755 $(CMDS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(B)/libtrec.a $(DESTDIR)$(PREFIX)/lib
	install -m 755 $(B)/libtrec.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib
	ln -sf libtrec.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libtrec.so.$(SOVERSION)
	ln -sf libtrec.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libtrec.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' lib/trec.pc.in \
	  >$(DESTDIR)$(PREFIX)/lib/pkgconfig/trec.pc
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(PREFIX)/include/trec
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	for t in $(notdir $(CMDS)); do \
	  install -m 644 completions/trec.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t \
	  || exit 1; done
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(PREFIX)/share/man/man7)

# Removes what install put in place (and the include/trec directory).
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(CMDS))) \
	  $(DESTDIR)$(PREFIX)/lib/libtrec.a $(DESTDIR)$(PREFIX)/lib/libtrec.so \
	  $(DESTDIR)$(PREFIX)/lib/libtrec.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libtrec.so.$(VERSION) \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/trec.pc \
	  $(addprefix $(DESTDIR)$(PREFIX)/include/trec/,$(notdir $(PUBLIC_HEADERS))) \
	  $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MAN1))) \
	  $(addprefix $(DESTDIR)$(PREFIX)/share/man/man5/,$(notdir $(MAN5))) \
	  $(addprefix $(DESTDIR)$(PREFIX)/share/man/man7/,$(notdir $(MAN7))) \
	  $(addprefix $(DESTDIR)$(PREFIX)/share/bash-completion/completions/,$(notdir $(CMDS)))
	-rmdir $(DESTDIR)$(PREFIX)/include/trec 2>/dev/null

clean:
	rm -rf build build-san build-fuzz build-mpi
