# RTL tests of the shared primitives (nasmac_fifo, nasmac_ram, nasmac_ffs): each is built in a few
# parameter configurations and driven with random stimulus against a C++ model
# (hw/tb/prim/tb_*.cc). Builds under $(BUILD)/rtl_prim/. Seed with NASMAC_SEED=<n>.

RTL_PRIM_DIR    := $(BUILD)/rtl_prim
RTL_PRIM_TB_DIR := hw/tb/prim

# $(1) configuration name, $(2) top module, $(3) model prefix, $(4) sources, $(5) -G parameters,
# $(6) -D flags for the testbench.
rtl_prim_verilate = $(call verilate_tb,$(RTL_PRIM_DIR)/$(1),$(2),$(3),$(4),$(5),\
	-I$(abspath $(RTL_PRIM_TB_DIR)) $(6))

RTL_PRIM_FIFO_SRC := hw/rtl/nasmac_fifo.sv hw/rtl/nasmac_ram.sv $(RTL_PRIM_TB_DIR)/tb_fifo.vlt
# name: Width Depth SyncRead OutReg Wipe
RTL_PRIM_FIFOS := fifo_a2:33:2:0:0:0 fifo_a16:64:16:0:0:0 fifo_s2:33:2:1:0:0 fifo_s32:64:32:1:0:0 \
	fifo_a2ow:33:2:0:1:1 fifo_a8w:33:8:0:0:1 fifo_s4o:40:4:1:1:0 fifo_s16ow:64:16:1:1:1
rtl_prim_f = $(word $(2),$(subst :, ,$(1)))

define rtl_prim_fifo_rule
$(RTL_PRIM_DIR)/$(call rtl_prim_f,$(1),1)/Vfifo: $(RTL_PRIM_FIFO_SRC) $(RTL_PRIM_TB_DIR)/tb_fifo.cc $(RTL_PRIM_TB_DIR)/tb_prim.h hw/tb/tb_util.h
	$$(call rtl_prim_verilate,$(call rtl_prim_f,$(1),1),nasmac_fifo,Vfifo,$(RTL_PRIM_FIFO_SRC) $(RTL_PRIM_TB_DIR)/tb_fifo.cc,\
		-GWidth=$(call rtl_prim_f,$(1),2) -GDepth=$(call rtl_prim_f,$(1),3) -GSyncRead=$(call rtl_prim_f,$(1),4) \
		-GOutReg=$(call rtl_prim_f,$(1),5) -GWipe=$(call rtl_prim_f,$(1),6),\
		-DFIFO_WIDTH=$(call rtl_prim_f,$(1),2) -DFIFO_DEPTH=$(call rtl_prim_f,$(1),3) -DFIFO_SYNC=$(call rtl_prim_f,$(1),4) \
		-DFIFO_OUTREG=$(call rtl_prim_f,$(1),5) -DFIFO_WIPE=$(call rtl_prim_f,$(1),6))
endef
$(foreach f,$(RTL_PRIM_FIFOS),$(eval $(call rtl_prim_fifo_rule,$(f))))
RTL_PRIM_FIFO_BINS := $(foreach f,$(RTL_PRIM_FIFOS),$(RTL_PRIM_DIR)/$(call rtl_prim_f,$(f),1)/Vfifo)

$(RTL_PRIM_DIR)/ram/Vram: hw/rtl/nasmac_ram.sv $(RTL_PRIM_TB_DIR)/tb_ram.cc $(RTL_PRIM_TB_DIR)/tb_prim.h hw/tb/tb_util.h
	$(call rtl_prim_verilate,ram,nasmac_ram,Vram,hw/rtl/nasmac_ram.sv $(RTL_PRIM_TB_DIR)/tb_ram.cc,\
		-GWidth=40 -GDepth=24,-DRAM_WIDTH=40 -DRAM_DEPTH=24)

$(RTL_PRIM_DIR)/ffs32/Vffs: hw/rtl/nasmac_ffs.sv $(RTL_PRIM_TB_DIR)/tb_ffs.cc $(RTL_PRIM_TB_DIR)/tb_prim.h hw/tb/tb_util.h
	$(call rtl_prim_verilate,ffs32,nasmac_ffs,Vffs,hw/rtl/nasmac_ffs.sv $(RTL_PRIM_TB_DIR)/tb_ffs.cc,-GN=32,-DFFS_N=32)

$(RTL_PRIM_DIR)/ffs5/Vffs: hw/rtl/nasmac_ffs.sv $(RTL_PRIM_TB_DIR)/tb_ffs.cc $(RTL_PRIM_TB_DIR)/tb_prim.h hw/tb/tb_util.h
	$(call rtl_prim_verilate,ffs5,nasmac_ffs,Vffs,hw/rtl/nasmac_ffs.sv $(RTL_PRIM_TB_DIR)/tb_ffs.cc,-GN=5,-DFFS_N=5)

.PHONY: test-rtl-fifo test-rtl-ram test-rtl-ffs
TEST_TARGETS += test-rtl-fifo test-rtl-ram test-rtl-ffs

test-rtl-fifo: $(RTL_PRIM_FIFO_BINS)
	$(Q)$(foreach b,$^,$(b) &&) true

test-rtl-ram: $(RTL_PRIM_DIR)/ram/Vram
	$(Q)$<

test-rtl-ffs: $(RTL_PRIM_DIR)/ffs32/Vffs $(RTL_PRIM_DIR)/ffs5/Vffs
	$(Q)$(foreach b,$^,$(b) &&) true
