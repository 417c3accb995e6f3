# hw/: the device contract generator, the kernel RTL, lint, synth and the Alveo flow.

# --- Device contract: hw/layout.txt generates the SV package and the C header. -------------------
LAYOUT_GEN_SV := hw/gen/nasmac_layout_pkg.sv
LAYOUT_GEN_H  := driver/src/nasmac_layout.h

# Regenerate the checked-in copies by hand after editing the table: make layout
.PHONY: layout test-layout
layout:
	$(Q)$(PYTHON) scripts/gen_layout.py hw/layout.txt $(LAYOUT_GEN_SV) $(LAYOUT_GEN_H)

# make test: regenerate into $(BUILD) and fail when a checked-in copy is stale.
TEST_TARGETS += test-layout
test-layout:
	@mkdir -p $(BUILD)/gen
	$(Q)$(PYTHON) scripts/gen_layout.py hw/layout.txt $(BUILD)/gen/nasmac_layout_pkg.sv $(BUILD)/gen/nasmac_layout.h
	$(Q)p=0; f=0; \
	for pair in "$(LAYOUT_GEN_SV) $(BUILD)/gen/nasmac_layout_pkg.sv" "$(LAYOUT_GEN_H) $(BUILD)/gen/nasmac_layout.h"; do \
		set -- $$pair; \
		if cmp -s $$1 $$2; then p=$$((p+1)); else f=$$((f+1)); \
			echo "test-layout: $$1 is stale: run 'make layout' and commit it"; fi; \
	done; \
	echo "test-layout: $$p passed, $$f failed"; [ $$f -eq 0 ]

# Every RTL file of the kernel: the generated contract package and other packages first.
KERNEL_RTL := $(LAYOUT_GEN_SV) $(sort $(wildcard hw/rtl/*_pkg.sv)) \
	$(filter-out %_pkg.sv,$(sort $(wildcard hw/rtl/*.sv)))
KERNEL_LANES := nasmac_eia1_lane nasmac_eia2_lane nasmac_eia3_lane

# --- make lint: Verilator -Wall over the whole kernel, every hw/rtl file. -----------------------
LINT_TARGETS += lint-kernel
.PHONY: lint-kernel
lint-kernel:
	$(call say,LINT,nasmac (verilator --lint-only -Wall$(comma) $(words $(KERNEL_RTL)) files))
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nasmac $(KERNEL_RTL)

# --- make timing / make synth: per-module Yosys runs, a logic-depth budget, resource sums. --------
# Every unique module of hw/rtl is mapped once, out of context, with its default parameters
# (synth_xilinx -family xcup -flatten -noiopad); hw/timing/timing.cfg names the children kept out
# of a flattening ("keep": mapped once in the parent's run, e.g. the EIA3 lane's unit; "row": the
# child's own row read from that run) and the black boxes (the lanes, for the top: no Yosys run
# holds the whole kernel). scripts/timing.py composes paths through them from the boundary model
# it computes for every module. A netlist is made again only when one of its own source files
# changes ($(TIMING_DIR)/deps.mk, from the RTL). hw/README.md: "Timing budget and delay model".
TIMING_DIR  := $(BUILD)/timing
TIMING_CFG  := hw/timing/timing.cfg
TIMING_PY   := scripts/timing.py
TIMING_PKGS := $(LAYOUT_GEN_SV) $(sort $(wildcard hw/rtl/*_pkg.sv))
TIMING_KEEP_GOING ?= 0
TIMING_TIMEFMT := "%e s wall, %U s user, %S s sys"

# The generated fragment is needed (and made) only when a timing or synth goal is asked for.
ifneq ($(filter timing timing-% synth synth-summary check-hw $(TIMING_DIR)/%,$(MAKECMDGOALS)),)
include $(TIMING_DIR)/deps.mk
endif

# deps.mk and the per-module plan files (each rewritten only when its content changes).
$(TIMING_DIR)/deps.mk: $(TIMING_CFG) $(TIMING_PY) $(wildcard hw/rtl/*.sv)
	@mkdir -p $(TIMING_DIR)/plan
	$(Q)$(PYTHON) $(TIMING_PY) deps --cfg $(TIMING_CFG) --rtl-dir hw/rtl --plan-dir $(TIMING_DIR)/plan -o $@
$(TIMING_DIR)/plan/%.plan:
	@mkdir -p $(TIMING_DIR)/plan
	$(Q)$(PYTHON) $(TIMING_PY) deps --cfg $(TIMING_CFG) --rtl-dir hw/rtl --plan-dir $(TIMING_DIR)/plan \
		-o $(TIMING_DIR)/deps.mk

$(TIMING_DIR)/%.netlist.json: $(TIMING_DIR)/plan/%.plan
	$(call say,YOSYS,$*$(if $(TIMING_BB_$*), (black boxes: $(TIMING_BB_$*)))$(if $(TIMING_KEEP_$*), (kept: $(TIMING_KEEP_$*))))
	$(Q)$(if $(wildcard /usr/bin/time),/usr/bin/time -f $(TIMING_TIMEFMT) -o $(TIMING_DIR)/$*.time) \
		$(YOSYS) -q -l $(TIMING_DIR)/$*.log \
		-p "read_verilog -sv $(TIMING_PKGS) $(TIMING_SRC_$*); $(if $(TIMING_BB_$*),blackbox $(TIMING_BB_$*);) \
		hierarchy -top $*; $(if $(TIMING_KEEP_$*),setattr -mod -set keep_hierarchy 1 $(foreach k,$(TIMING_KEEP_$*),*$(k)*);) \
		synth_xilinx -family xcup -top $* -flatten -noiopad; write_json $@.tmp" >/dev/null 2>&1 \
		|| { echo "make timing: yosys failed on $*, see $(TIMING_DIR)/$*.log"; exit 1; }
	$(Q)mv $@.tmp $@

# The netlist a result is read from ($(TIMING_FROM_<m>), from deps.mk) is its own, or the run of
# the parent that maps it (row.<m> in the configuration).
$(TIMING_DIR)/%.result.json: $(TIMING_PY) $(TIMING_CFG)
	$(call say,TIMING,$*$(if $(filter-out $*,$(TIMING_FROM_$*)), (mapped in $(TIMING_FROM_$*))))
	$(Q)$(PYTHON) $(TIMING_PY) analyse $(TIMING_DIR)/$(TIMING_FROM_$*).netlist.json --top $* --cfg $(TIMING_CFG) \
		$(foreach c,$(TIMING_BB_$*),--child $(c)=$(TIMING_DIR)/$(c).result.json) -o $@

TIMING_RESULTS = $(foreach m,$(TIMING_MODULES),$(TIMING_DIR)/$(m).result.json)
TIMING_REPORT_ARGS = --cfg $(TIMING_CFG) $(if $(filter 1,$(TIMING_KEEP_GOING)),--keep-going)

# make timing: the table (build/timing/report.txt, report.json); fails when a module is over the
# budget unless TIMING_KEEP_GOING=1. make timing-<module>: one module (and its black boxes).
.PHONY: timing
define TIMING_REPORT
	@cat $(TIMING_DIR)/*.time 2>/dev/null | awk '/wall/ {n++; w += $$1; u += $$4 + $$7} END { if (n) \
		printf "  yosys: %d netlists, %.0f s CPU (%.0f s summed wall) when made, $(TIMING_DIR)/*.time\n", n, u, w }'
	$(Q)$(PYTHON) $(TIMING_PY) report $(TIMING_REPORT_ARGS) $(TIMING_RESULTS) \
		--txt $(TIMING_DIR)/report.txt --json $(TIMING_DIR)/report.json
endef
timing: $(BOOTSTRAP) $(TIMING_RESULTS)
	$(TIMING_REPORT)

timing-%: $(TIMING_DIR)/%.result.json
	$(Q)$(PYTHON) $(TIMING_PY) report $(TIMING_REPORT_ARGS) $(TIMING_DIR)/$*.result.json

# make synth: LUT/FF/LUT RAM/block RAM/carry per module from the same netlists (black-box children
# counted once per instance), so no Yosys run holds the whole kernel. build/synth/summary.txt.
SYNTH_DIR := $(BUILD)/synth
SYNTH_TOPS := $(KERNEL_LANES) nasmac
SYNTH_TARGETS += synth-summary
.PHONY: synth-summary
synth-summary: $(TIMING_RESULTS)
	@mkdir -p $(SYNTH_DIR)
	$(Q)$(PYTHON) $(TIMING_PY) resources --results $(TIMING_RESULTS) \
		--modules $(SYNTH_TOPS) $(filter-out $(SYNTH_TOPS),$(TIMING_MODULES)) -o $(SYNTH_DIR)/summary.txt

# make check-hw: everything about the RTL that is too slow for make test: lint, the resource
# summary, then the timing table, which fails last when a module is over the budget.
.PHONY: check-hw
check-hw: lint synth
	$(TIMING_REPORT)

# make test-timing-tool: the analyser against fixtures of known depth (seconds).
TEST_TARGETS += test-timing-tool
.PHONY: test-timing-tool
test-timing-tool:
	$(Q)YOSYS=$(YOSYS) $(PYTHON) tests/timing/test_timing_tool.py $(BUILD)/timing-tool

# --- The glue modules' own tests (Verilator C++ testbenches, hw/tb/kernel/tb_<m>.cc) -------------
# $(1): the module without nasmac_, $(2): its RTL files, $(3): other prerequisites, $(4): CFLAGS.
define tb_module_rule
$(BUILD)/hw/tb_$(1)/Vnasmac_$(1): hw/tb/kernel/tb_$(1).cc hw/tb/tb_util.h $(2) $(3)
	$$(call verilate_tb,$(BUILD)/hw/tb_$(1),nasmac_$(1),Vnasmac_$(1),$(2) hw/tb/kernel/tb_$(1).cc,-Wno-UNUSEDPARAM,$(4))
.PHONY: test-$(1)
TEST_TARGETS += test-$(1)
test-$(1): $(BUILD)/hw/tb_$(1)/Vnasmac_$(1)
	$$(Q)$(BUILD)/hw/tb_$(1)/Vnasmac_$(1)
endef
TB_MOD_RTL := $(LAYOUT_GEN_SV) hw/rtl/nasmac_top_pkg.sv hw/rtl/nasmac_ram.sv hw/rtl/nasmac_fifo.sv
TB_PRIM_CFLAGS := -I$(abspath hw/tb/prim)
$(eval $(call tb_module_rule,ctrl,$(LAYOUT_GEN_SV) hw/rtl/nasmac_axi_pkg.sv hw/rtl/nasmac_ctrl.sv,$(LAYOUT_GEN_H),-I$(abspath driver/src)))
$(eval $(call tb_module_rule,res,$(TB_MOD_RTL) hw/rtl/nasmac_rr_arb.sv hw/rtl/nasmac_res.sv,hw/tb/prim/tb_prim.h,$(TB_PRIM_CFLAGS)))
$(eval $(call tb_module_rule,desc,$(TB_MOD_RTL) hw/rtl/nasmac_desc.sv,hw/tb/prim/tb_prim.h,$(TB_PRIM_CFLAGS)))
$(eval $(call tb_module_rule,fetch,$(TB_MOD_RTL) hw/rtl/nasmac_fetch.sv,hw/tb/prim/tb_prim.h,$(TB_PRIM_CFLAGS)))

# --- The Alveo package (hw/alveo/, hw/README.md "On a card") ------------------------------------
# hw/alveo/kernel.xml and kernel_regs.tcl are generated from hw/layout.txt and hw/alveo/ports.txt;
# regenerate them by hand after editing either: make alveo-gen. The Verilog top nasmac_top.v, its
# flat AXI ports written out per master, is generated from the same two files into the build tree
# (the plain one, also under SAN=1: the sim model, sim/build.mk, is built from it once for both).
ALVEO_TABLES := hw/layout.txt hw/alveo/ports.txt
ALVEO_TOP  := $(patsubst %/san,%,$(BUILD))/gen/nasmac_top.v
ALVEO_GEN  := $(PYTHON) scripts/gen_kernel_xml.py $(ALVEO_TABLES)

.PHONY: alveo-gen alveo-check lint-alveo
alveo-gen:
	$(Q)$(ALVEO_GEN) hw/alveo/kernel.xml hw/alveo/kernel_regs.tcl

$(ALVEO_TOP): $(ALVEO_TABLES) scripts/gen_kernel_top.py scripts/gen_kernel_xml.py scripts/gen_layout.py
	$(call say,GEN,$@)
	$(Q)$(PYTHON) scripts/gen_kernel_top.py $(ALVEO_TABLES) $@

LINT_TARGETS += lint-alveo
lint-alveo: $(ALVEO_TOP)
	$(call say,LINT,nasmac_top (verilator --lint-only -Wall))
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nasmac_top $(ALVEO_TOP) $(KERNEL_RTL)
	$(call say,YOSYS,nasmac_top (read_verilog$(comma) hierarchy -check))
	@mkdir -p $(BUILD)/alveo-check
	$(Q)$(YOSYS) -q -p "read_verilog $(ALVEO_TOP); read_verilog -sv $(KERNEL_RTL); \
		hierarchy -check -top nasmac_top" >$(BUILD)/alveo-check/yosys.log 2>&1 || \
		{ cat $(BUILD)/alveo-check/yosys.log; exit 1; }

# What can be checked without Vivado: kernel.xml and kernel_regs.tcl fresh, well-formed and
# consistent with the Verilog top and the driver's argument numbers; the packaging Tcl run under
# tclsh with Vivado's commands recorded (hw/alveo/check_tcl.tcl); the top linted and elaborated.
TEST_TARGETS += alveo-check
alveo-check: lint-alveo
	$(Q)$(PYTHON) scripts/gen_kernel_xml.py --check $(ALVEO_TABLES) \
		hw/alveo/kernel.xml hw/alveo/kernel_regs.tcl $(ALVEO_TOP) driver/src/xrt_shim.h
	$(Q)if command -v xmllint >/dev/null 2>&1; then xmllint --noout hw/alveo/kernel.xml; \
		else echo "alveo-check: xmllint not installed (libxml2-utils), XML parsed by Python only"; fi
	$(Q)if command -v tclsh >/dev/null 2>&1; then tclsh hw/alveo/check_tcl.tcl $(BUILD)/alveo-check; \
		else echo "alveo-check: tclsh not installed (package tcl), packaging Tcl not run"; fi

# --- make formal: bounded model checks of the AXI interfaces (hw/formal/, hw/README.md) ---------
# Checkers (nasmac_axi4_master_check, nasmac_axil_slave_check) sit on the ports of formal
# wrappers; hw/formal/run.sh runs yosys (read_verilog -formal), yosys-abc bmc3, and yosys-smtbmc
# with z3 to name a failing assertion. test-formal (in make test): the control slave, and the
# broken fixtures that must be rejected. formal-kernel (make check-hw, minutes): the kernel top
# with the lanes stubbed, and a reachability run showing that the depth covers a whole read burst
# and an answered write on m_axi_gmem and a whole read burst on m_axi_msg when that port exists.
FORMAL_DIR      := $(BUILD)/formal
FORMAL_RUN      := sh hw/formal/run.sh $(FORMAL_DIR)
# The checkers take the AXI types of hw/rtl/nasmac_axi_pkg.sv, which the kernel's files include.
FORMAL_CHECK_SV := hw/formal/nasmac_axi4_master_check.sv hw/formal/nasmac_axil_slave_check.sv \
	hw/formal/nasmac_formal_reset.sv
FORMAL_CHECKERS := hw/rtl/nasmac_axi_pkg.sv $(FORMAL_CHECK_SV)
FORMAL_KERNEL   := $(filter-out $(KERNEL_LANES:%=hw/rtl/%.sv),$(KERNEL_RTL)) hw/formal/nasmac_lane_stubs.sv \
	$(FORMAL_CHECK_SV)
FORMAL_DEPTH_CTRL   ?= 40
# A whole m_axi_msg burst completes at step 35 at the earliest (the host's four register writes,
# a descriptor read and validated, then the message read; the buffers' output registers add 3),
# a whole m_axi_gmem burst at 15-18.
FORMAL_DEPTH_KERNEL ?= 40

.PHONY: formal test-formal formal-kernel check-hw lint-formal
formal: test-formal formal-kernel

TEST_TARGETS += test-formal
test-formal:
	$(call say,FORMAL,nasmac_ctrl (AXI4-Lite slave$(comma) $(FORMAL_DEPTH_CTRL) steps) and the broken fixtures)
	$(Q)$(FORMAL_RUN) ctrl nasmac_ctrl_formal $(FORMAL_DEPTH_CTRL) pass $(LAYOUT_GEN_SV) $(FORMAL_CHECKERS) \
		hw/rtl/nasmac_ctrl.sv hw/formal/nasmac_ctrl_formal.sv
	$(Q)$(FORMAL_RUN) broken_master nasmac_broken_master_formal 20 fail:ar_valid_held \
		$(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	$(Q)NASMAC_FORMAL_DEFINES=-DNASMAC_BROKEN_PAYLOAD $(FORMAL_RUN) broken_payload nasmac_broken_master_formal 20 \
		fail:ar_payload_stable $(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	$(Q)$(FORMAL_RUN) broken_lite nasmac_broken_lite_formal 20 fail:r_valid_held \
		$(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	$(Q)$(FORMAL_RUN) broken_write nasmac_broken_write_formal 20 fail:w_last_ok \
		$(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	@echo "test-formal: 5 passed, 0 failed"

formal-kernel:
	$(call say,FORMAL,nasmac (lanes stubbed$(comma) m_axi_gmem + m_axi_msg + s_axi_control$(comma) $(FORMAL_DEPTH_KERNEL) steps))
	$(Q)$(FORMAL_RUN) kernel nasmac_kernel_formal \
		$(FORMAL_DEPTH_KERNEL) pass $(FORMAL_KERNEL) hw/formal/nasmac_kernel_formal.sv
	$(Q)NASMAC_FORMAL_DEFINES="-DNASMAC_FORMAL_REACH" $(FORMAL_RUN) kernel_reach \
		nasmac_kernel_formal $(FORMAL_DEPTH_KERNEL) reach:3 $(FORMAL_KERNEL) hw/formal/nasmac_kernel_formal.sv

# Checks too slow for make test.
check-hw: formal-kernel

LINT_TARGETS += lint-formal
lint-formal:
	$(call say,LINT,hw/formal (verilator --lint-only -Wall))
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nasmac_ctrl_formal $(LAYOUT_GEN_SV) $(FORMAL_CHECKERS) \
		hw/rtl/nasmac_ctrl.sv hw/formal/nasmac_ctrl_formal.sv
	$(Q)for t in nasmac_broken_master_formal nasmac_broken_lite_formal nasmac_broken_write_formal; do \
		$(VERILATOR) --lint-only -Wall --top-module $$t $(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv || exit 1; done
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nasmac_kernel_formal $(FORMAL_KERNEL) \
		hw/formal/nasmac_kernel_formal.sv

# --- make xclbin PLATFORM=... [XCLBIN_TARGET=hw|hw_emu]: package_xo and the v++ link ------------
# The v++ config follows the card's memory: HBM cards (U55C, U50, U280) hw/alveo/hbm.cfg, DDR
# cards (U250, U200) hw/alveo/ddr.cfg; ALVEO_CFG= overrides. The IP project is created for the
# card's part (ALVEO_PART= overrides). hw_emu also writes emconfig.json beside the xclbin.
PLATFORM ?= xilinx_u55c_gen3x16_xdma_3_202210_1
XCLBIN_TARGET ?= hw
XCLBIN_DIR := $(BUILD)/alveo
KERNEL_FREQ_HZ ?= 300000000
VPP ?= v++
VIVADO ?= vivado
EMCONFIGUTIL ?= emconfigutil
ALVEO_CFG ?= $(strip \
	$(if $(findstring u55c,$(PLATFORM))$(findstring u50,$(PLATFORM))$(findstring u280,$(PLATFORM)),hw/alveo/hbm.cfg,\
	$(if $(findstring u250,$(PLATFORM))$(findstring u200,$(PLATFORM)),hw/alveo/ddr.cfg)))
ALVEO_PART ?= $(strip \
	$(if $(findstring u55c,$(PLATFORM)),xcu55c-fsvh2892-2L-e,\
	$(if $(findstring u50,$(PLATFORM)),xcu50-fsvh2104-2-e,\
	$(if $(findstring u280,$(PLATFORM)),xcu280-fsvh2892-2L-e,\
	$(if $(findstring u250,$(PLATFORM)),xcu250-figd2104-2L-e,\
	$(if $(findstring u200,$(PLATFORM)),xcu200-fsgd2104-2-e))))))
.PHONY: xclbin
xclbin: $(ALVEO_TOP)
	@command -v $(VPP) >/dev/null 2>&1 && command -v $(VIVADO) >/dev/null 2>&1 || \
		{ echo "make xclbin: needs Vitis v++ and Vivado on PATH (source <Vitis>/settings64.sh and /opt/xilinx/xrt/setup.sh)"; exit 1; }
	@[ -n "$(ALVEO_CFG)" ] && [ -n "$(ALVEO_PART)" ] || \
		{ echo "make xclbin: no v++ config or part known for PLATFORM=$(PLATFORM); set ALVEO_CFG= and ALVEO_PART="; exit 1; }
	@case "$(XCLBIN_TARGET)" in hw|hw_emu) ;; *) \
		echo "make xclbin: XCLBIN_TARGET is hw or hw_emu (an RTL kernel has no sw_emu model)"; exit 1;; esac
	@mkdir -p $(XCLBIN_DIR)
	$(VIVADO) -mode batch -nojournal -nolog -source hw/alveo/gen_xo.tcl \
		-tclargs $(abspath $(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).xo) nasmac $(XCLBIN_TARGET) $(PLATFORM) \
		$(ALVEO_PART) $(KERNEL_FREQ_HZ) $(abspath $(XCLBIN_DIR)) $(abspath $(ALVEO_TOP) $(KERNEL_RTL))
	$(VPP) -l -t $(XCLBIN_TARGET) --platform $(PLATFORM) --config $(ALVEO_CFG) \
		--temp_dir $(XCLBIN_DIR)/_x_$(XCLBIN_TARGET) -o $(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).link.xclbin \
		$(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).xo
	$(VPP) -p -t $(XCLBIN_TARGET) --platform $(PLATFORM) --temp_dir $(XCLBIN_DIR)/_x_$(XCLBIN_TARGET) \
		-o $(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).xclbin $(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).link.xclbin
	$(if $(filter hw_emu,$(XCLBIN_TARGET)),$(EMCONFIGUTIL) --platform $(PLATFORM) --od $(XCLBIN_DIR))
	$(call say,XCLBIN,$(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).xclbin ($(ALVEO_CFG)$(comma) part $(ALVEO_PART)))
