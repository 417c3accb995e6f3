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

# --- make synth: Yosys synth_xilinx -family xcup, per lane and the whole kernel. ----------------
# Reports: $(BUILD)/synth/<top>.stat (stat -tech xilinx) and a one-line summary per top.
SYNTH_DIR := $(BUILD)/synth
SYNTH_TOPS := $(KERNEL_LANES) nasmac
SYNTH_TARGETS += $(foreach t,$(SYNTH_TOPS),$(SYNTH_DIR)/$(t).stat) synth-summary

$(SYNTH_DIR)/%.stat: $(KERNEL_RTL)
	@mkdir -p $(SYNTH_DIR)
	@echo "  SYNTH   $* (yosys synth_xilinx -family xcup)"
	$(Q)$(YOSYS) -q -l $(SYNTH_DIR)/$*.log -p "read_verilog -sv $(KERNEL_RTL); \
		synth_xilinx -family xcup -top $* -flatten -noiopad; tee -o $@.tmp stat -tech xilinx" \
		>/dev/null && mv $@.tmp $@

.PHONY: synth-summary
synth-summary: $(foreach t,$(SYNTH_TOPS),$(SYNTH_DIR)/$(t).stat)
	$(Q)for t in $(SYNTH_TOPS); do \
		f=$(SYNTH_DIR)/$$t.stat; \
		lut=$$(awk '$$1 ~ /^LUT[1-6]$$/ {s += $$2} END {print s+0}' $$f); \
		ff=$$(awk '$$1 ~ /^FD[RSCP]E$$/ {s += $$2} END {print s+0}' $$f); \
		bram=$$(awk '$$1 ~ /^RAM/ {s += $$2} END {print s+0}' $$f); \
		lc=$$(awk '/Estimated number of LCs/ {print $$NF}' $$f); \
		printf "  %-18s LUT %7s  FF %7s  LUTRAM+BRAM %4s  est. LCs %7s\n" $$t $$lut $$ff $$bram "$$lc"; \
	done | tee $(SYNTH_DIR)/summary.txt

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
