# trec - build, test, install. See README.md.
#   make            build libtrec.a and the trec-* tools into build/
#   make test       unit tests (Check) and command-line tests
#   make test-sanitize   the same, built with AddressSanitizer + UBSan
#   make bench      benchmarks (not tests)
#   make demo       the getting-started walkthrough on ml-latest-small
#   make install PREFIX=/usr/local
PREFIX ?= /usr/local
B ?= build
CC ?= cc
OPT ?= -O2 -g
SAN ?=
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)
CPPFLAGS += -Ilib -D_GNU_SOURCE
CFLAGS_ALL = $(OPT) $(SAN) -std=c11 -Wall -Wextra -pthread $(CFLAGS)
LDLIBS_ALL = -lcsv -lcjson -lblis -lm -pthread $(LDLIBS)

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CMD_SRC := $(wildcard cmd/trec-*.c)
CMDS := $(CMD_SRC:cmd/%.c=$(B)/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOLS := $(B)/synth-movielens $(B)/bench-csv-tokenize $(B)/peak-rss
MAN1 := $(wildcard man/man1/*.1)
MAN5 := $(wildcard man/man5/*.5)
MAN7 := $(wildcard man/man7/*.7)

.PHONY: all deps test unit cli test-sanitize bench demo install clean

all: $(B)/libtrec.a $(CMDS) $(TOOLS)

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(B)/libtrec.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/trec-%: cmd/trec-%.c $(B)/libtrec.a cmd/cli.h
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< $(B)/libtrec.a $(LDLIBS_ALL)

$(B)/synth-movielens: datasets/synth-movielens.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< -lm

$(B)/bench-csv-tokenize: tests/bench/csv-tokenize.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< -lcsv

$(B)/peak-rss: tests/bench/peak-rss.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $<

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

test: deps
	@$(MAKE) --no-print-directory all $(UNITS)
	@scripts/run-unit-tests.sh $(UNITS)
	@tests/cli/run.sh $(B)

test-sanitize: deps
	@$(MAKE) --no-print-directory B=build-san OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh $(B)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/getting-started.sh $(B)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 \
	  $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/trec
	install -m 755 $(CMDS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(B)/libtrec.a $(DESTDIR)$(PREFIX)/lib
	install -m 644 lib/*.h $(DESTDIR)$(PREFIX)/include/trec
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(PREFIX)/share/man/man7)

clean:
	rm -rf build build-san
