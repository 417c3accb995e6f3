# sim/: the Verilator model of the whole kernel behind sim/sim.h, as one archive.
#   SIM_LIBS    archives to link (libnasmac_sim.a: the verilated kernel, libverilated, sim.cc)
#   SIM_LDLIBS  system libraries the model needs
# The model is built once, outside the SAN=1 tree: instrumenting the generated C++ would only
# slow it down, and an uninstrumented archive links into sanitizer builds as it is.

SIM_BASE  := $(patsubst %/san,%,$(BUILD))
SIM_VDIR  := $(SIM_BASE)/sim/vobj
SIM_LIB   := $(SIM_BASE)/lib/libnasmac_sim.a
SIM_LIBS  := $(SIM_LIB)
SIM_LDLIBS := -lpthread
VERILATOR_INC := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include

# The model is the generated Vitis top (ALVEO_TOP) over KERNEL_RTL (every RTL file of the
# kernel), both from hw/build.mk, so sim.cc binds the flat port names a card has; sim/peek.vlt
# makes the storage visible to nasmac_sim_peek().
SIM_RTL := $(ALVEO_TOP) $(KERNEL_RTL) sim/peek.vlt

# Fast to build rather than fast to run (the model is on the critical path of make test).
SIM_VFLAGS := --cc --top-module nasmac_top --prefix Vnasmac -Wno-fatal -Wno-lint -Wno-style \
	--x-assign fast --x-initial fast -O3 -CFLAGS -fPIC
SIM_OPT := OPT_FAST="-O1" OPT_SLOW="-O0" OPT_GLOBAL="-O1"
# The Verilator run-time objects the model needs.
SIM_VL_OBJS := verilated.o verilated_dpi.o verilated_threads.o

# The file list is a prerequisite too, so that an added or removed RTL file rebuilds the model.
SIM_LIST := $(SIM_BASE)/sim/rtl.list
$(shell mkdir -p $(SIM_BASE)/sim && (echo '$(SIM_RTL)' | cmp -s - $(SIM_LIST) || echo '$(SIM_RTL)' >$(SIM_LIST)))

# One recipe builds the whole archive under a lock and re-checks, under the lock, whether it is
# still out of date: make test runs SAN=1 sub-makes beside the parent, and they all want this one
# model; whoever comes second finds it built instead of rebuilding it under the first one's feet.
SIM_INPUTS := $(SIM_RTL) $(SIM_LIST) sim/build.mk sim/sim.cc sim/sim.h sim/axi_mem.cc sim/axi_mem.h
ifneq ($(SIM_LOCKED),1)
$(SIM_LIB): $(SIM_INPUTS)
	@mkdir -p $(dir $@) $(SIM_BASE)/sim
	$(Q)flock $(SIM_BASE)/sim/.lock $(MAKE) --no-print-directory -f sim/build.mk SIM_LOCKED=1 \
		VERILATOR=$(VERILATOR) CXX=$(CXX) Q=$(Q) SIM_BASE=$(SIM_BASE) SIM_RTL="$(SIM_RTL)" $(SIM_LIB)
else
$(SIM_VDIR)/.stamp: $(SIM_RTL) $(SIM_LIST) sim/build.mk
	$(call say,VERILATE,nasmac)
	$(Q)rm -rf $(SIM_VDIR) && mkdir -p $(SIM_VDIR)
	$(Q)$(VERILATOR) $(SIM_VFLAGS) -Mdir $(SIM_VDIR) $(SIM_RTL) >$(SIM_VDIR)/verilate.log 2>&1 \
		|| { cat $(SIM_VDIR)/verilate.log; exit 1; }
	$(call say,BUILD,verilated nasmac)
	$(Q)$(MAKE) -s -C $(SIM_VDIR) -f Vnasmac.mk $(SIM_OPT) Vnasmac__ALL.a $(SIM_VL_OBJS) >/dev/null
	@touch $@

$(SIM_BASE)/sim/sim.o: sim/sim.cc sim/sim.h sim/axi_mem.h $(SIM_VDIR)/.stamp
	$(call say,CXX,$<)
	$(Q)$(CXX) -std=c++17 -O2 -g -fPIC -Wall -Wextra -Isim -I$(SIM_VDIR) -isystem $(VERILATOR_INC) \
		-isystem $(VERILATOR_INC)/vltstd -c $< -o $@

# The memory model knows nothing of Verilator: shared by the plain and the traced model.
$(SIM_BASE)/sim/axi_mem.o: sim/axi_mem.cc sim/axi_mem.h
	$(call say,CXX,$<)
	$(Q)$(CXX) -std=c++17 -O2 -g -fPIC -Wall -Wextra -Isim -c $< -o $@

$(SIM_LIB): $(SIM_BASE)/sim/sim.o $(SIM_BASE)/sim/axi_mem.o $(SIM_VDIR)/.stamp
	$(call say,AR)
	$(Q)rm -f $@.tmp
	$(Q)printf 'create %s\naddlib %s\naddmod %s\nsave\nend\n' $@.tmp $(SIM_VDIR)/Vnasmac__ALL.a \
		"$(addprefix $(SIM_VDIR)/,$(SIM_VL_OBJS)) $(SIM_BASE)/sim/sim.o $(SIM_BASE)/sim/axi_mem.o" | ar -M
	$(Q)mv $@.tmp $@
endif

.PHONY: sim
sim: $(SIM_LIB)
ALL_TARGETS += $(SIM_LIB)

# nasmac bench engine (bench/bench_engine.c): linked into the tool, which already links the model
# and libipsec-mb through libnasmac ($(NASMAC_LIBS), driver/build.mk).
TOOL_OBJS += $(OBJ)/bench/bench_engine.o
$(OBJ)/bench/bench_engine.o: CFLAGS += -Itools -Isim -Idriver/src

# The traced model (FST): a separate, slower build, used only when asked for (make sim-trace).
# Link $(SIM_TRACE_LIBS) $(SIM_TRACE_LDLIBS) instead of SIM_LIBS/SIM_LDLIBS, then set
# NASMAC_TRACE=file.fst (or opts.trace_path) to write a trace.
SIM_TVDIR := $(SIM_BASE)/sim/vobj_trace
SIM_TRACE_LIBS := $(SIM_BASE)/lib/libnasmac_sim_trace.a
SIM_TRACE_LDLIBS := -lz -lpthread
SIM_TVL_OBJS := $(SIM_VL_OBJS) verilated_fst_c.o

$(SIM_TVDIR)/.stamp: $(SIM_RTL) $(SIM_LIST) sim/build.mk
	$(call say,VERILATE,nasmac (--trace-fst))
	$(Q)rm -rf $(SIM_TVDIR) && mkdir -p $(SIM_TVDIR)
	$(Q)$(VERILATOR) $(SIM_VFLAGS) --trace-fst -Mdir $(SIM_TVDIR) $(SIM_RTL) >$(SIM_TVDIR)/verilate.log 2>&1 \
		|| { cat $(SIM_TVDIR)/verilate.log; exit 1; }
	$(Q)$(MAKE) -s -C $(SIM_TVDIR) -f Vnasmac.mk $(SIM_OPT) Vnasmac__ALL.a $(SIM_TVL_OBJS) >/dev/null
	@touch $@

$(SIM_BASE)/sim/sim_trace.o: sim/sim.cc sim/sim.h sim/axi_mem.h $(SIM_TVDIR)/.stamp
	$(call say,CXX,$< (trace))
	$(Q)$(CXX) -std=c++17 -O2 -g -Wall -Wextra -DNASMAC_SIM_TRACE -Isim -I$(SIM_TVDIR) \
		-isystem $(VERILATOR_INC) -isystem $(VERILATOR_INC)/vltstd -c $< -o $@

$(SIM_TRACE_LIBS): $(SIM_BASE)/sim/sim_trace.o $(SIM_BASE)/sim/axi_mem.o $(SIM_TVDIR)/.stamp
	$(call say,AR)
	$(Q)rm -f $@
	$(Q)printf 'create %s\naddlib %s\naddmod %s\nsave\nend\n' $@ $(SIM_TVDIR)/Vnasmac__ALL.a \
		"$(addprefix $(SIM_TVDIR)/,$(SIM_TVL_OBJS)) $(SIM_BASE)/sim/sim_trace.o $(SIM_BASE)/sim/axi_mem.o" | ar -M

.PHONY: sim-trace
sim-trace: $(SIM_TRACE_LIBS)
