# RTL tests of the EIA1 and EIA3 lanes: Verilator testbenches for the SNOW 3G and ZUC
# keystream cores, the GF(2^64) multiplier and the whole nasmac_eia1_lane / nasmac_eia3_lane,
# checked against tests/vectors and the reference crypto of driver/src/ref. Builds under
# $(BUILD)/rtl_eia13/. Seed the random parts with NASMAC_SEED=<n>.

RTL_EIA13_DIR    := $(BUILD)/rtl_eia13
RTL_EIA13_TB_DIR := hw/tb/eia13
RTL_EIA13_SNOW   := hw/rtl/nasmac_sbox_pkg.sv hw/rtl/nasmac_snow3g_core.sv hw/rtl/nasmac_eia13_ks_ctrl.sv
RTL_EIA13_ZUC    := hw/rtl/nasmac_zuc_core.sv
RTL_EIA13_GF64   := hw/rtl/nasmac_gf64_mul.sv
RTL_EIA13_EIA1   := hw/rtl/nasmac_lane_pkg.sv hw/rtl/nasmac_eia1_lane.sv hw/rtl/nasmac_lane_frame.sv hw/rtl/nasmac_eia1_ks.sv hw/rtl/nasmac_eia1_eval.sv \
	hw/rtl/nasmac_fifo.sv hw/rtl/nasmac_ram.sv $(RTL_EIA13_GF64) $(RTL_EIA13_SNOW)
RTL_EIA13_EIA3   := hw/rtl/nasmac_lane_pkg.sv hw/rtl/nasmac_eia3_lane.sv hw/rtl/nasmac_lane_frame.sv hw/rtl/nasmac_eia3_unit.sv \
	hw/rtl/nasmac_fifo.sv hw/rtl/nasmac_ram.sv $(RTL_EIA13_ZUC)
RTL_EIA13_HDRS   := $(RTL_EIA13_TB_DIR)/tb_common.h hw/tb/tb_util.h hw/tb/lane_port.h

# $(1) build dir, $(2) top module, $(3) model prefix, $(4) sources, $(5) extra -D flags.
rtl_eia13_verilate = $(call verilate_tb,$(RTL_EIA13_DIR)/$(1),$(2),$(3),$(4),,\
	-I$(abspath $(RTL_EIA13_TB_DIR)) -I$(abspath driver/src/ref) -I$(abspath driver/include) $(5),\
	$(abspath $(NASMAC_REF_OBJS)) $(NASMAC_REF_LDLIBS))

$(RTL_EIA13_DIR)/snow3g/Vsnow3g: $(RTL_EIA13_SNOW) $(RTL_EIA13_TB_DIR)/tb_ks.cpp $(RTL_EIA13_HDRS) $(NASMAC_REF_OBJS)
	$(call rtl_eia13_verilate,snow3g,nasmac_snow3g_core,Vsnow3g,$(RTL_EIA13_SNOW) $(RTL_EIA13_TB_DIR)/tb_ks.cpp,\
		-DVTOP=Vsnow3g -DVTOP_H='\"Vsnow3g.h\"' -DVEC_TAG='\"snow3g\"' \
		-DVEC_PATH='\"$(abspath tests/vectors/snow3g.txt)\"' -DREF_KS=nasmac__snow3g_keystream)

$(RTL_EIA13_DIR)/zuc/Vzuc: $(RTL_EIA13_ZUC) $(RTL_EIA13_TB_DIR)/tb_ks.cpp $(RTL_EIA13_HDRS) $(NASMAC_REF_OBJS)
	$(call rtl_eia13_verilate,zuc,nasmac_zuc_core,Vzuc,$(RTL_EIA13_ZUC) $(RTL_EIA13_TB_DIR)/tb_ks.cpp,\
		-DVTOP=Vzuc -DVTOP_H='\"Vzuc.h\"' -DVEC_TAG='\"zuc\"' \
		-DVEC_PATH='\"$(abspath tests/vectors/zuc.txt)\"' -DREF_KS=nasmac__zuc_keystream)

$(RTL_EIA13_DIR)/gf64/Vgf64: $(RTL_EIA13_GF64) $(RTL_EIA13_TB_DIR)/tb_gf64.cpp $(RTL_EIA13_HDRS) $(NASMAC_REF_OBJS)
	$(call rtl_eia13_verilate,gf64,nasmac_gf64_mul,Vgf64,$(RTL_EIA13_GF64) $(RTL_EIA13_TB_DIR)/tb_gf64.cpp,)

$(RTL_EIA13_DIR)/eia1/Veia1: $(RTL_EIA13_EIA1) $(RTL_EIA13_TB_DIR)/tb_lane.cpp $(RTL_EIA13_HDRS) $(NASMAC_REF_OBJS)
	$(call rtl_eia13_verilate,eia1,nasmac_eia1_lane,Veia1,$(RTL_EIA13_EIA1) $(RTL_EIA13_TB_DIR)/tb_lane.cpp,\
		-DVTOP=Veia1 -DVTOP_H='\"Veia1.h\"' -DVEC_TAG='\"eia1\"' \
		-DVEC_PATH='\"$(abspath tests/vectors/eia1.txt)\"' -DREF_FN=nasmac_eia1 -DMIXED_MAX_CPM=10)

$(RTL_EIA13_DIR)/eia3/Veia3: $(RTL_EIA13_EIA3) $(RTL_EIA13_TB_DIR)/tb_lane.cpp $(RTL_EIA13_HDRS) $(NASMAC_REF_OBJS)
	$(call rtl_eia13_verilate,eia3,nasmac_eia3_lane,Veia3,$(RTL_EIA13_EIA3) $(RTL_EIA13_TB_DIR)/tb_lane.cpp,\
		-DVTOP=Veia3 -DVTOP_H='\"Veia3.h\"' -DVEC_TAG='\"eia3\"' \
		-DVEC_PATH='\"$(abspath tests/vectors/eia3.txt)\"' -DREF_FN=nasmac_eia3 -DMIXED_MAX_CPM=12)

.PHONY: test-rtl-snow3g test-rtl-zuc test-rtl-gf64 test-rtl-eia1-lane test-rtl-eia3-lane
TEST_TARGETS += test-rtl-snow3g test-rtl-zuc test-rtl-gf64 test-rtl-eia1-lane test-rtl-eia3-lane

test-rtl-snow3g: $(RTL_EIA13_DIR)/snow3g/Vsnow3g
	$(Q)$<

test-rtl-zuc: $(RTL_EIA13_DIR)/zuc/Vzuc
	$(Q)$<

test-rtl-gf64: $(RTL_EIA13_DIR)/gf64/Vgf64
	$(Q)$<

test-rtl-eia1-lane: $(RTL_EIA13_DIR)/eia1/Veia1
	$(Q)$<

test-rtl-eia3-lane: $(RTL_EIA13_DIR)/eia3/Veia3
	$(Q)$<
