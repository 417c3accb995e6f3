# nasmac: one non-recursive Makefile. Each folder adds its rules in its own fragment
# (<dir>/build.mk), included below; fragments append to the target lists declared here.
# Output goes under $(BUILD); quiet unless V=1.

.DEFAULT_GOAL := all
BUILD    ?= build
CC       ?= cc
CXX      ?= c++
OPT      ?= -O2
SAN      ?=
BACKEND  ?= sim
VERILATOR ?= verilator
YOSYS    ?= yosys
PYTHON   ?= python3
V        ?= 0

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The one line a rule prints for its work, defined once (the quiet mode of Kbuild and the like):
# $(call say,TAG[,WHAT]) makes the target's folder and prints "  TAG     WHAT" (the target when
# WHAT is left out); with V=1 it prints nothing more, make shows the commands themselves.
say = @mkdir -p $(@D)$(if $(filter 1,$(V)),, && printf '  %-7s %s\n' '$(1)' '$(or $(2),$@)')
# A comma inside a $(call say,...) argument: $(call say,LINT,nasmac (a$(comma) b)).
comma := ,

# A Verilator C++ testbench, one recipe for every tests/rtl_* and hw suite:
# $(call verilate_tb,DIR,TOP,PREFIX,SOURCES,VERILATOR FLAGS,CFLAGS,LDFLAGS) builds DIR/PREFIX from
# the RTL and testbench SOURCES (log in DIR/build.log, printed when it fails). One job, no
# threads, no trace, modest C++ optimisation to keep builds short; -Wall warnings stop the build
# (the lint is part of the test).
VERILATE_TB_FLAGS := --cc --exe --build -j 1 -Wall --x-assign unique --x-initial unique \
	-MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1"
define verilate_tb
	$(call say,VERILATE,$(2) $(5))
	$(Q)$(VERILATOR) $(VERILATE_TB_FLAGS) --Mdir $(abspath $(1)) --top-module $(2) --prefix $(3) \
		-o $(abspath $(1)/$(3)) $(5) -CFLAGS "-std=c++17 $(6)" $(if $(7),-LDFLAGS "$(7)") \
		$(abspath $(4)) >$(1)/build.log 2>&1 || { cat $(1)/build.log; exit 1; }
endef

# Sanitizer builds (SAN=1) go to their own tree so they never mix with the normal objects.
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override BUILD := $(BUILD)/san
OPT := -O1 -g
endif

WARN     := -Wall -Wextra -Wconversion -Werror
CFLAGS   ?=
# -fPIC everywhere: the same objects go into the programs and into libnasmac.so.
CFLAGS   += -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) $(SANFLAGS) -fPIC -MMD -MP -Idriver/include
CXXFLAGS ?=
CXXFLAGS += -std=c++17 $(OPT) -g $(SANFLAGS) -fPIC -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   ?=

BIN := $(BUILD)/bin
OBJ := $(BUILD)/obj

# Lists the fragments append to.
TEST_TARGETS  :=
LINT_TARGETS  :=
BENCH_TARGETS :=
SYNTH_TARGETS :=
CLEAN_EXTRA   :=
ALL_TARGETS   :=
# Objects and libraries linked into build/bin/nasmac (the tool) by tools/build.mk.
TOOL_OBJS     :=
TOOL_LIBS     :=

# Compile rules shared by every fragment: $(OBJ)/path/file.o from path/file.c.
$(OBJ)/%.o: %.c
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OBJ)/%.o: %.cc
	$(call say,CXX,$<)
	$(Q)$(CXX) $(CXXFLAGS) -c $< -o $@

# The two programs, named here because fragments read before tools/ and host/ use them as
# prerequisites (a variable expanded before it is set is empty, and make drops the prerequisite).
NASMAC_BIN  := $(BIN)/nasmac
NASMACD_BIN := $(BIN)/nasmacd

# Packages. The goals a README command or CI runs (test, run, bench, ...) install what is missing
# before make reads any rule, so no compile can start ahead of its headers under -j. Any other
# goal (plain `make`, one test by name) only checks, and names what is missing in one line.
# A stamp newer than the script skips even the check (one dpkg-query) on later runs.
BOOTSTRAP := $(BUILD)/.bootstrap
INSTALL_GOALS := test run bench bench-report lint synth timing check-hw formal bootstrap deb install
NO_PKG_GOALS  := clean help layout test-layout
ifeq ($(shell [ $(BOOTSTRAP) -nt scripts/bootstrap.sh ] && echo fresh),)
ifneq ($(filter $(INSTALL_GOALS),$(MAKECMDGOALS)),)
ifneq ($(shell sh scripts/bootstrap.sh 1>&2 && echo ok),ok)
$(error bootstrap failed: see the lines above)
endif
$(shell mkdir -p $(BUILD) && touch $(BOOTSTRAP))
else ifneq ($(filter-out $(NO_PKG_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell sh scripts/bootstrap.sh --check 1>&2 && echo ok),ok)
$(error missing packages (listed above): `make run`, `make test` or `sh scripts/bootstrap.sh` installs them)
endif
$(shell mkdir -p $(BUILD) && touch $(BOOTSTRAP))
endif
endif

# The commit the programs were built from (`--version`), in a header rewritten only when it
# changes, so a new commit rebuilds the two objects that print it and nothing else.
BUILD_INFO_H := $(BUILD)/gen/nasmac_build.h
$(shell mkdir -p $(BUILD)/gen && \
	v="#define NASMAC_BUILD_GIT \"$$(git describe --always --dirty --abbrev=12 2>/dev/null || echo 'not built from git')\""; \
	[ "$$(cat $(BUILD_INFO_H) 2>/dev/null)" = "$$v" ] || echo "$$v" >$(BUILD_INFO_H))
$(OBJ)/tools/nasmac.o $(OBJ)/host/nasmacd.o: CFLAGS += -I$(BUILD)/gen -Idriver/src

# Fragments, in dependency order: a fragment may use the variables of those before it
# (prerequisite lists are expanded when read). Each one belongs to one part of the tree.
FRAGMENTS := driver/src/ref/build.mk hw/build.mk sim/build.mk driver/build.mk \
	host/build.mk tools/build.mk bench/build.mk pkg/build.mk \
	$(sort $(wildcard tests/*/build.mk))
include $(wildcard $(FRAGMENTS))

# The *-san suites are sub-makes (SAN=1) that share build/san (reference objects, libnasmac, the
# host objects, build/san/bin/nasmacd): two running at once would link the same file while the
# other runs it. make -j runs them one after the other, beside the rest: test-ref-san first
# (test-driver-san already waits for it), then in TEST_TARGETS order.
SAN_TESTS := $(filter test-ref-san,$(TEST_TARGETS)) \
	$(filter-out test-ref-san,$(filter %-san,$(TEST_TARGETS)))
san_chain = $(if $(word 2,$(1)),$(eval $(word 2,$(1)): | $(word 1,$(1)))$(call san_chain,$(wordlist 2,$(words $(1)),$(1))))
# Only for make test: order-only prerequisites are still made, and one suite asked for by name
# should not run the others.
ifneq ($(filter test,$(MAKECMDGOALS)),)
$(call san_chain,$(SAN_TESTS))
endif

.PHONY: all test run bench lint synth clean help bootstrap
all: $(ALL_TARGETS)

bootstrap:
	@echo "bootstrap: every package nasmac needs is installed"

test: $(TEST_TARGETS)
	@echo "make test: all suites passed"

bench: $(BENCH_TARGETS)

lint: $(LINT_TARGETS)

synth: $(SYNTH_TARGETS)

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)

help:
	@echo "make            build everything (build/bin/nasmac, build/bin/nasmacd)"
	@echo "make test       unit, RTL, differential, sanitizer and end-to-end tests"
	@echo "make run        the demo: MME + AMF + UE load on loopback (BACKEND=sim|cpu)"
	@echo "make bench      engine, driver and end-to-end benchmarks"
	@echo "make lint       verilator --lint-only -Wall on the RTL"
	@echo "make synth      LUT/FF per lane and kernel from the per-module Yosys netlists (build/synth/)"
	@echo "make timing     logic depth per module against the 300 MHz budget, estimated fmax"
	@echo "make check-hw   lint + timing + synth"
	@echo "make bench-report  benchmarks as CSV + pictures + index.md in build/report/"
	@echo "make install    PREFIX=/usr/local DESTDIR=...; make deb: build/deb/*.deb (debhelper, debian/)"
	@echo "make xclbin PLATFORM=...   Vitis link for an Alveo card (needs v++)"
	@echo "make clean      remove build/"
	@echo "knobs: V=1 (verbose) OPT=-O2 SAN=1 (ASan+UBSan tree) BACKEND=sim|cpu"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
