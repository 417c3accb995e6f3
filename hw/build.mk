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
$(TB_CTRL_BIN): hw/tb/kernel/tb_ctrl.cc hw/rtl/nasmac_ctrl.sv $(LAYOUT_GEN_SV)
	@mkdir -p $(TB_CTRL_DIR)
	@echo "  VERILATE nasmac_ctrl (tb_ctrl)"
	$(Q)$(VERILATOR) --cc --exe --build -j 2 -Wall --top-module nasmac_ctrl -Mdir $(TB_CTRL_DIR) \
		$(LAYOUT_GEN_SV) hw/rtl/nasmac_ctrl.sv $(abspath hw/tb/kernel/tb_ctrl.cc) >$(TB_CTRL_DIR)/build.log 2>&1 \
		|| { cat $(TB_CTRL_DIR)/build.log; exit 1; }

.PHONY: test-ctrl
TEST_TARGETS += test-ctrl
test-ctrl: $(TB_CTRL_BIN)
	$(Q)$(TB_CTRL_BIN)

# --- The Alveo package (hw/alveo/, hw/README.md "On a card") ------------------------------------
# hw/alveo/kernel.xml and kernel_regs.tcl are generated from hw/layout.txt and hw/alveo/ports.txt;
# regenerate them by hand after editing either: make alveo-gen
ALVEO_TOP  := hw/alveo/nasmac_top.v
ALVEO_GEN  := $(PYTHON) scripts/gen_kernel_xml.py hw/layout.txt hw/alveo/ports.txt
# The Verilog top is written for the contract's m_axi_msg port. Until hw/rtl/nasmac.sv has it,
# lint and Yosys build the top with m_axi_msg idle (NASMAC_NO_MSG_PORT); make xclbin refuses.
ALVEO_HAS_MSG := $(shell grep -l m_axi_msg_ARVALID hw/rtl/nasmac.sv 2>/dev/null)
ALVEO_DEFS := $(if $(ALVEO_HAS_MSG),,-DNASMAC_NO_MSG_PORT)

.PHONY: alveo-gen alveo-check lint-alveo
alveo-gen:
	$(Q)$(ALVEO_GEN) hw/alveo/kernel.xml hw/alveo/kernel_regs.tcl

LINT_TARGETS += lint-alveo
lint-alveo:
	@echo "  LINT    nasmac_top (verilator --lint-only -Wall$(if $(ALVEO_DEFS), $(ALVEO_DEFS)))"
	$(Q)$(VERILATOR) --lint-only -Wall $(ALVEO_DEFS) --top-module nasmac_top $(ALVEO_TOP) $(KERNEL_RTL)
	@echo "  YOSYS   nasmac_top (read_verilog, hierarchy -check)"
	@mkdir -p $(BUILD)/alveo-check
	$(Q)$(YOSYS) -q -p "read_verilog $(ALVEO_DEFS) $(ALVEO_TOP); read_verilog -sv $(KERNEL_RTL); \
		hierarchy -check -top nasmac_top" >$(BUILD)/alveo-check/yosys.log 2>&1 || \
		{ cat $(BUILD)/alveo-check/yosys.log; exit 1; }

# What can be checked without Vivado: kernel.xml and kernel_regs.tcl fresh, well-formed and
# consistent with the Verilog top and the driver's argument numbers; the packaging Tcl run under
# tclsh with Vivado's commands recorded (hw/alveo/check_tcl.tcl); the top linted and elaborated.
TEST_TARGETS += alveo-check
alveo-check: lint-alveo
	$(Q)$(PYTHON) scripts/gen_kernel_xml.py --check hw/layout.txt hw/alveo/ports.txt \
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
FORMAL_CHECKERS := hw/formal/nasmac_axi4_master_check.sv hw/formal/nasmac_axil_slave_check.sv
FORMAL_KERNEL   := $(filter-out $(KERNEL_LANES:%=hw/rtl/%.sv),$(KERNEL_RTL)) hw/formal/nasmac_lane_stubs.sv
FORMAL_KDEFS    := $(if $(ALVEO_HAS_MSG),-DNASMAC_HAS_MSG_PORT)
FORMAL_DEPTH_CTRL   ?= 40
# A whole m_axi_msg burst completes at step 32 at the earliest (the host's four register writes,
# a descriptor read and validated, then the message read), a whole m_axi_gmem burst at 15-18.
FORMAL_DEPTH_KERNEL ?= $(if $(ALVEO_HAS_MSG),40,24)

.PHONY: formal test-formal formal-kernel check-hw lint-formal
formal: test-formal formal-kernel

TEST_TARGETS += test-formal
test-formal:
	@echo "  FORMAL  nasmac_ctrl (AXI4-Lite slave, $(FORMAL_DEPTH_CTRL) steps) and the broken fixtures"
	$(Q)$(FORMAL_RUN) ctrl nasmac_ctrl_formal $(FORMAL_DEPTH_CTRL) pass $(LAYOUT_GEN_SV) \
		hw/rtl/nasmac_ctrl.sv $(FORMAL_CHECKERS) hw/formal/nasmac_ctrl_formal.sv
	$(Q)$(FORMAL_RUN) broken_master nasmac_broken_master_formal 20 fail:ar_valid_held \
		$(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	$(Q)$(FORMAL_RUN) broken_lite nasmac_broken_lite_formal 20 fail:r_valid_held \
		$(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	$(Q)$(FORMAL_RUN) broken_write nasmac_broken_write_formal 20 fail:w_last_ok \
		$(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv
	@echo "test-formal: 4 passed, 0 failed"

formal-kernel:
	@echo "  FORMAL  nasmac (lanes stubbed, m_axi_gmem$(if $(ALVEO_HAS_MSG), + m_axi_msg) + s_axi_control, $(FORMAL_DEPTH_KERNEL) steps)"
	$(Q)NASMAC_FORMAL_DEFINES="$(FORMAL_KDEFS)" $(FORMAL_RUN) kernel nasmac_kernel_formal \
		$(FORMAL_DEPTH_KERNEL) pass $(FORMAL_KERNEL) $(FORMAL_CHECKERS) hw/formal/nasmac_kernel_formal.sv
	$(Q)NASMAC_FORMAL_DEFINES="$(FORMAL_KDEFS) -DNASMAC_FORMAL_REACH" $(FORMAL_RUN) kernel_reach \
		nasmac_kernel_formal $(FORMAL_DEPTH_KERNEL) reach:$(if $(ALVEO_HAS_MSG),3,2) $(FORMAL_KERNEL) \
		$(FORMAL_CHECKERS) hw/formal/nasmac_kernel_formal.sv

# Checks too slow for make test.
check-hw: formal-kernel

LINT_TARGETS += lint-formal
lint-formal:
	@echo "  LINT    hw/formal (verilator --lint-only -Wall)"
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nasmac_ctrl_formal $(LAYOUT_GEN_SV) \
		hw/rtl/nasmac_ctrl.sv $(FORMAL_CHECKERS) hw/formal/nasmac_ctrl_formal.sv
	$(Q)for t in nasmac_broken_master_formal nasmac_broken_lite_formal nasmac_broken_write_formal; do \
		$(VERILATOR) --lint-only -Wall --top-module $$t $(FORMAL_CHECKERS) hw/formal/nasmac_broken_formal.sv || exit 1; done
	$(Q)$(VERILATOR) --lint-only -Wall $(FORMAL_KDEFS) --top-module nasmac_kernel_formal $(FORMAL_KERNEL) \
		$(FORMAL_CHECKERS) hw/formal/nasmac_kernel_formal.sv

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
xclbin:
	@command -v $(VPP) >/dev/null 2>&1 && command -v $(VIVADO) >/dev/null 2>&1 || \
		{ echo "make xclbin: needs Vitis v++ and Vivado on PATH (source <Vitis>/settings64.sh and /opt/xilinx/xrt/setup.sh)"; exit 1; }
	@[ -n "$(ALVEO_CFG)" ] && [ -n "$(ALVEO_PART)" ] || \
		{ echo "make xclbin: no v++ config or part known for PLATFORM=$(PLATFORM); set ALVEO_CFG= and ALVEO_PART="; exit 1; }
	@case "$(XCLBIN_TARGET)" in hw|hw_emu) ;; *) \
		echo "make xclbin: XCLBIN_TARGET is hw or hw_emu (an RTL kernel has no sw_emu model)"; exit 1;; esac
	@[ -n "$(ALVEO_HAS_MSG)" ] || \
		{ echo "make xclbin: hw/rtl/nasmac.sv has no m_axi_msg port yet (issue 9 contract); kernel.xml and the v++ configs name it"; exit 1; }
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
	@echo "  XCLBIN  $(XCLBIN_DIR)/nasmac_$(XCLBIN_TARGET).xclbin ($(ALVEO_CFG), part $(ALVEO_PART))"
