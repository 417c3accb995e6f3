# RTL tests of the EIA2 lane: Verilator testbenches for the pipelined AES-128 core and
# the whole nasmac_eia2_lane, checked against the reference crypto of driver/src/ref.
# Builds under $(BUILD)/rtl_eia2/. Seed the random parts with NASMAC_SEED=<n>.

RTL_EIA2_DIR      := $(BUILD)/rtl_eia2
RTL_EIA2_TB_DIR   := hw/tb/eia2
RTL_EIA2_AES_RTL  := hw/rtl/nasmac_sbox_pkg.sv hw/rtl/nasmac_aes_sbox.sv hw/rtl/nasmac_aes_keyexp.sv \
	hw/rtl/nasmac_aes_round.sv hw/rtl/nasmac_aes128_pipe.sv
RTL_EIA2_LANE_RTL := hw/rtl/nasmac_lane_pkg.sv $(RTL_EIA2_AES_RTL) hw/rtl/nasmac_ram.sv hw/rtl/nasmac_fifo.sv hw/rtl/nasmac_ffs.sv \
	hw/rtl/nasmac_eia2_lane.sv $(RTL_EIA2_TB_DIR)/peek.vlt

# $(1) build dir, $(2) top module (the model is V$(2)), $(3) sources.
rtl_eia2_verilate = $(call verilate_tb,$(RTL_EIA2_DIR)/$(1),$(2),V$(2),$(3),,\
	-I$(abspath $(RTL_EIA2_TB_DIR)) -I$(abspath driver/src/ref) -I$(abspath driver/include),\
	$(abspath $(NASMAC_REF_OBJS)) $(NASMAC_REF_LDLIBS))

$(RTL_EIA2_DIR)/aes/Vnasmac_aes128_pipe: $(RTL_EIA2_AES_RTL) $(RTL_EIA2_TB_DIR)/tb_aes128_pipe.cc \
		$(RTL_EIA2_TB_DIR)/tb_util.h hw/tb/tb_util.h $(NASMAC_REF_OBJS)
	$(call rtl_eia2_verilate,aes,nasmac_aes128_pipe,$(RTL_EIA2_AES_RTL) $(RTL_EIA2_TB_DIR)/tb_aes128_pipe.cc)

$(RTL_EIA2_DIR)/lane/Vnasmac_eia2_lane: $(RTL_EIA2_LANE_RTL) $(RTL_EIA2_TB_DIR)/tb_eia2_lane.cc \
		$(RTL_EIA2_TB_DIR)/tb_util.h hw/tb/tb_util.h hw/tb/lane_port.h $(NASMAC_REF_OBJS)
	$(call rtl_eia2_verilate,lane,nasmac_eia2_lane,$(RTL_EIA2_LANE_RTL) $(RTL_EIA2_TB_DIR)/tb_eia2_lane.cc)

.PHONY: test-rtl-aes128 test-rtl-eia2-lane
TEST_TARGETS += test-rtl-aes128 test-rtl-eia2-lane

test-rtl-aes128: $(RTL_EIA2_DIR)/aes/Vnasmac_aes128_pipe
	$(Q)$<

test-rtl-eia2-lane: $(RTL_EIA2_DIR)/lane/Vnasmac_eia2_lane
	$(Q)$<
