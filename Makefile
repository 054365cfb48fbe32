# spillguard - build, test, benchmark.
#
#   make             the library (build/libspillguard.a) and the tool (build/spillguard)
#   make test        unit tests, CLI tests and the fuzz corpus replay
#   make asan        the same tests built with AddressSanitizer + UBSan + LeakSanitizer
#                    (build-asan/); the peak-memory test runs only in the plain build
#   make asan-bin    only the tool with ASan + UBSan (tests/sweep.sh: a corpus sweep)
#   make tsan        the threaded CLI tests under ThreadSanitizer (build-tsan/)
#   make fuzz        libFuzzer targets (clang), see tests/fuzz/README.md
#   make bench       bench/run: every workload beside its peers, one table (bench/README.md)
#   make bench-pdf   PDF pages per second beside pdftotext and mutool
#   make bench-prefilter   Vectorscan vs the token pass (bench/prefilter_bench.c)
#
# WERROR=1 turns warnings into errors (CI does).

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
WERROR  ?= 0
PKGS    := libcrypto libzip libisal libarchive gmime-3.0 libgsf-1 expat libexif libiptcdata zlib yaml-0.1 yajl libseccomp libpcre2-8
# libarchive, GMime, libgsf and libheif: headers only, opened on first use
# (src/lib/readers/lazylib.c): linked, they and what they pull in cost
# every run 20 ms and more of loading; glib and GObject, which the e-mail
# and OLE2 readers call too, are linked
LAZY_PKGS  := libarchive gmime-3.0 libgsf-1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libheif mupdf)
# MuPDF links statically (Debian ships only libmupdf.a); its .pc file
# leaves out harfbuzz, which its HTML layout code needs
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS)) gobject-2.0 glib-2.0) \
              $(shell pkg-config --static --libs mupdf) -lharfbuzz
# The sonames dlopen asks for, read from the development symlinks: a new
# soname is then the build's, not a per-file error at run time (the
# sources fall back to Debian 12's if objdump finds none)
soname = $(shell objdump -p $(shell pkg-config --variable=libdir $(1))/$(2) 2>/dev/null | \
                 awk '/SONAME/ {print $$2}')
SO_ARCHIVE := $(call soname,libarchive,libarchive.so)
SO_GMIME   := $(call soname,gmime-3.0,libgmime-3.0.so)
SO_GSF     := $(call soname,libgsf-1,libgsf-1.so)
SO_HEIF    := $(call soname,libheif,libheif.so)
SONAMES    := $(if $(SO_ARCHIVE),-DSGI_ARCHIVE_SONAME='"$(SO_ARCHIVE)"') \
              $(if $(SO_GMIME),-DSGI_GMIME_SONAME='"$(SO_GMIME)"') \
              $(if $(SO_GSF),-DSGI_GSF_SONAME='"$(SO_GSF)"') \
              $(if $(SO_HEIF),-DSGI_HEIF_SONAME='"$(SO_HEIF)"')

WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wvla -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN    += -Werror
endif
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -Iinclude $(WARN) $(PKG_CFLAGS) $(SONAMES) $(CFLAGS) \
              $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lpthread -lm

LIB_SRC := $(wildcard src/lib/core/*.c src/lib/readers/*.c src/lib/detectors/*.c src/lib/report/*.c \
                     src/lib/clean/*.c)
LIB_ASM := $(wildcard src/lib/detectors/*.S)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_ASM:%.S=$(BUILD)/%.o)
NAME_LISTS := data/names/first_names.tsv data/names/surnames.tsv data/names/common_words.txt \
              data/names/english_words.txt
NAME_TABLE := $(BUILD)/gen/names.bin
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIB := $(BUILD)/libspillguard.a
BIN := $(BUILD)/spillguard

.PHONY: asan-bin print-libs all test unit cli-test replay asan tsan fuzz bench bench-pdf bench-prefilter bench-startup clean format lint

all: $(BIN)

# what a program linking libspillguard.a needs (tests/fuzz links with it)
print-libs:
	@echo $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# the name lists, hashed once here into the table the library embeds
# (src/lib/detectors/names_table.h); the generator runs on this machine,
# so it is built without the sanitizers and flags of the library's build
HOSTCC ?= cc
$(BUILD)/gen/mknames: src/gen/mknames.c src/lib/detectors/names_table.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=c17 -O2 -Wall -Wextra -o $@ $<

$(NAME_TABLE): $(BUILD)/gen/mknames $(NAME_LISTS)
	$(BUILD)/gen/mknames $(NAME_LISTS) $@

$(BUILD)/%.o: %.S $(NAME_TABLE)
	@mkdir -p $(dir $@)
	$(CC) $(EXTRA_CFLAGS) -DNAMES_TABLE='"$(NAME_TABLE)"' -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc/lib $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka
$(BUILD)/tests/test_xml: tests/fuzz/xml_events.h

# the fuzz targets without libFuzzer, replaying their corpora (tests/fuzz)
include tests/fuzz/targets.mk
REPLAY_BIN := $(BUILD)/tests/replay_scan $(FUZZ_READERS:%=$(BUILD)/tests/replay_%) \
              $(BUILD)/tests/replay_xmlfast

$(BUILD)/tests/replay_scan: tests/fuzz/replay.c tests/fuzz/fuzz_scan.c tests/fuzz/fuzz_common.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_scan.c $(LIB) $(LDLIBS)

$(BUILD)/tests/replay_xmlfast: tests/fuzz/replay.c tests/fuzz/fuzz_xmlfast.c tests/fuzz/xml_events.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc/lib $(LDFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_xmlfast.c $(LIB) $(LDLIBS)

$(BUILD)/tests/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_reader.c tests/fuzz/fuzz_common.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFUZZ_TARGET=\"$*\" -DFUZZ_TEMPLATES=\"$(abspath tests/fuzz/templates)\" \
	  $(LDFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_reader.c $(LIB) $(LDLIBS) \
	  $(shell pkg-config --libs libgsf-1) # it writes OLE2 inputs with libgsf

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# which CLI test classes to run (all by default)
CLI_TESTS ?= test_cli test_office test_pdf test_clean test_containers test_legacy test_hostile
cli-test: $(BIN)
	cd tests/cli && SPILLGUARD=$(abspath $(BIN)) /usr/bin/python3 -m unittest -v $(CLI_TESTS)

replay: export ASAN_OPTIONS = fast_unwind_on_malloc=0
replay: $(REPLAY_BIN)
	$(BUILD)/tests/replay_scan tests/fuzz/corpus/scan examples
	@set -e; for t in $(FUZZ_READERS) $(FUZZ_UNITS); do $(BUILD)/tests/replay_$$t tests/fuzz/corpus/$$t; done

test: unit cli-test replay

# the sanitizer run takes every CLI test but the peak-memory one (ASan's
# shadow memory and quarantine would be measured, not ours)
SAN_CLI_TESTS := test_cli.Examples test_cli.Walk test_cli.ExitCodes test_cli.Output test_cli.Sarif \
	test_cli.Config test_office test_pdf test_clean test_containers test_legacy test_hostile

# the tool alone built with ASan + UBSan (tests/sweep.sh asan)
asan-bin:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/spillguard

# LeakSanitizer with tests/lsan.supp (third-party leaks, each explained).
# Its entries need full stacks (glib has no frame pointers), which slow
# every allocation: only the runs that reach them unwind fully (the
# replays here; the damaged-file tests set it themselves)
asan: export LSAN_OPTIONS = suppressions=$(abspath tests/lsan.supp)
asan:
	SG_SANITIZED=1 $(MAKE) BUILD=build-asan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" CLI_TESTS="$(SAN_CLI_TESTS)" test

tsan:
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(MAKE) BUILD=build-tsan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=thread" LDFLAGS="-fsanitize=thread" \
	  CLI_TESTS="test_cli.Walk test_cli.Examples" cli-test

fuzz:
	$(MAKE) -C tests/fuzz

bench: $(BIN)
	bench/run

$(BUILD)/bench/startup_bench: bench/startup_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bench-startup: $(BUILD)/bench/startup_bench

bench-pdf: $(BIN)
	bench/pdf_bench.sh

# Vectorscan is this bench's peer only: the library does not use it
$(BUILD)/bench/prefilter_bench: bench/prefilter_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags libhs) -Isrc/lib $(LDFLAGS) -o $@ $< $(LIB) \
		$(LDLIBS) $(shell pkg-config --libs libhs)

bench-prefilter: $(BUILD)/bench/prefilter_bench

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) include/spillguard.h src/lib/sg_private.h

clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
