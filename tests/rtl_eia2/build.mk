# RTL tests of the EIA2 lane (helper H2): Verilator testbenches for the pipelined AES-128 core and
# the whole nasmac_eia2_lane, checked against the reference crypto of driver/src/ref.
# Builds under $(BUILD)/rtl_eia2/. Seed the random parts with NASMAC_SEED=<n>.

RTL_EIA2_DIR      := $(BUILD)/rtl_eia2
RTL_EIA2_TB_DIR   := hw/tb/eia2
RTL_EIA2_AES_RTL  := hw/rtl/nasmac_sbox_pkg.sv hw/rtl/nasmac_aes_sbox.sv hw/rtl/nasmac_aes_keyexp.sv \
	hw/rtl/nasmac_aes_round.sv hw/rtl/nasmac_aes128_pipe.sv
RTL_EIA2_LANE_RTL := $(RTL_EIA2_AES_RTL) hw/rtl/nasmac_ram.sv hw/rtl/nasmac_fifo.sv hw/rtl/nasmac_ffs.sv \
	hw/rtl/nasmac_eia2_lane.sv $(RTL_EIA2_TB_DIR)/peek.vlt

# One core, no threads, no trace; -Wall warnings stop the build (the lint is part of the test).
RTL_EIA2_VFLAGS := --cc --exe --build -j 1 -Wall --x-assign unique --x-initial unique \
	-MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O1 OPT_GLOBAL=-O1" \
	-CFLAGS "-std=c++17 -I$(abspath $(RTL_EIA2_TB_DIR)) -I$(abspath driver/src/ref) -I$(abspath driver/include)"

define rtl_eia2_verilate
	@mkdir -p $(RTL_EIA2_DIR)/$(1)
	@$(if $(filter 1,$(V)),,echo "  VERILATE $(2)")
	$(Q)$(VERILATOR) $(RTL_EIA2_VFLAGS) --Mdir $(abspath $(RTL_EIA2_DIR)/$(1)) --top-module $(2) \
		-o $(abspath $(RTL_EIA2_DIR)/$(1)/V$(2)) \
		-LDFLAGS "$(abspath $(NASMAC_REF_OBJS)) $(NASMAC_REF_LDLIBS)" \
		$(abspath $(3)) > $(RTL_EIA2_DIR)/$(1)/build.log 2>&1 || { cat $(RTL_EIA2_DIR)/$(1)/build.log; exit 1; }
endef

$(RTL_EIA2_DIR)/aes/Vnasmac_aes128_pipe: $(RTL_EIA2_AES_RTL) $(RTL_EIA2_TB_DIR)/tb_aes128_pipe.cc \
		$(RTL_EIA2_TB_DIR)/tb_util.h $(NASMAC_REF_OBJS)
	$(call rtl_eia2_verilate,aes,nasmac_aes128_pipe,$(RTL_EIA2_AES_RTL) $(RTL_EIA2_TB_DIR)/tb_aes128_pipe.cc)

$(RTL_EIA2_DIR)/lane/Vnasmac_eia2_lane: $(RTL_EIA2_LANE_RTL) $(RTL_EIA2_TB_DIR)/tb_eia2_lane.cc \
		$(RTL_EIA2_TB_DIR)/tb_util.h $(NASMAC_REF_OBJS)
	$(call rtl_eia2_verilate,lane,nasmac_eia2_lane,$(RTL_EIA2_LANE_RTL) $(RTL_EIA2_TB_DIR)/tb_eia2_lane.cc)

.PHONY: test-rtl-aes128 test-rtl-eia2-lane
TEST_TARGETS += test-rtl-aes128 test-rtl-eia2-lane

test-rtl-aes128: $(RTL_EIA2_DIR)/aes/Vnasmac_aes128_pipe
	$(Q)$<

test-rtl-eia2-lane: $(RTL_EIA2_DIR)/lane/Vnasmac_eia2_lane
	$(Q)$<
