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
	@echo "  LINT    nasmac (verilator --lint-only -Wall, $(words $(KERNEL_RTL)) files)"
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
	@echo "  YOSYS   $*$(if $(TIMING_BB_$*), (black boxes: $(TIMING_BB_$*)))$(if $(TIMING_KEEP_$*), (kept: $(TIMING_KEEP_$*)))"
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
	@echo "  TIMING  $*$(if $(filter-out $*,$(TIMING_FROM_$*)), (mapped in $(TIMING_FROM_$*)))"
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

# --- The control-register module's own test (Verilator C++ testbench). --------------------------
TB_CTRL_DIR := $(BUILD)/hw/tb_ctrl
TB_CTRL_BIN := $(TB_CTRL_DIR)/Vnasmac_ctrl
$(TB_CTRL_BIN): hw/tb/kernel/tb_ctrl.cc hw/rtl/nasmac_ctrl.sv $(LAYOUT_GEN_SV) $(LAYOUT_GEN_H)
	@mkdir -p $(TB_CTRL_DIR)
	@echo "  VERILATE nasmac_ctrl (tb_ctrl)"
	$(Q)$(VERILATOR) --cc --exe --build -j 2 -Wall --top-module nasmac_ctrl -Mdir $(TB_CTRL_DIR) \
		-CFLAGS -I$(abspath driver/src) $(LAYOUT_GEN_SV) hw/rtl/nasmac_ctrl.sv $(abspath hw/tb/kernel/tb_ctrl.cc) >$(TB_CTRL_DIR)/build.log 2>&1 \
		|| { cat $(TB_CTRL_DIR)/build.log; exit 1; }

.PHONY: test-ctrl
TEST_TARGETS += test-ctrl
test-ctrl: $(TB_CTRL_BIN)
	$(Q)$(TB_CTRL_BIN)

# --- make xclbin PLATFORM=...: package_xo and the v++ link, where Vitis is installed. ------------
PLATFORM ?= xilinx_u55c_gen3x16_xdma_3_202210_1
XCLBIN_TARGET ?= hw
XCLBIN_DIR := $(BUILD)/alveo
VPP ?= v++
VIVADO ?= vivado
.PHONY: xclbin
xclbin:
	@command -v $(VPP) >/dev/null 2>&1 && command -v $(VIVADO) >/dev/null 2>&1 || \
		{ echo "make xclbin: needs Vitis v++ and Vivado on PATH (source <Vitis>/settings64.sh and /opt/xilinx/xrt/setup.sh)"; exit 1; }
	@mkdir -p $(XCLBIN_DIR)
	$(VIVADO) -mode batch -nojournal -nolog -source hw/alveo/gen_xo.tcl \
		-tclargs $(abspath $(XCLBIN_DIR)/nasmac.xo) nasmac $(XCLBIN_TARGET) $(PLATFORM) \
		$(abspath $(XCLBIN_DIR)) $(abspath $(KERNEL_RTL))
	$(VPP) -l -t $(XCLBIN_TARGET) --platform $(PLATFORM) --config hw/alveo/u55c.cfg \
		--temp_dir $(XCLBIN_DIR)/_x -o $(XCLBIN_DIR)/nasmac.link.xclbin $(XCLBIN_DIR)/nasmac.xo
	$(VPP) -p -t $(XCLBIN_TARGET) --platform $(PLATFORM) --temp_dir $(XCLBIN_DIR)/_x \
		-o $(XCLBIN_DIR)/nasmac.xclbin $(XCLBIN_DIR)/nasmac.link.xclbin
	@echo "  XCLBIN  $(XCLBIN_DIR)/nasmac.xclbin"
