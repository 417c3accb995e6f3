# libnasmac: the device core, the cpu/sim/xrt backends and the reference crypto (from
# driver/src/ref/build.mk) in one archive, $(NASMAC_LIB). Programs link
#   $(NASMAC_LIBS) $(NASMAC_LDLIBS)
# with $(CXX) (the Verilator model and the XRT shim are C++).
NASMAC_DRV_SRCS := driver/src/dev.c driver/src/be_cpu.c driver/src/be_sim.c driver/src/be_xrt.c
NASMAC_DRV_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(NASMAC_DRV_SRCS)) $(OBJ)/driver/src/xrt_shim.o
NASMAC_LIB := $(BUILD)/lib/libnasmac.a
# The XRT headers do not build cleanly under -Wconversion: read them as system headers.
NASMAC_XRT_INC := -isystem /usr/include/xrt

# Without the kernel model (sim/ not built yet) the sim backend answers -ENODEV.
ifeq ($(strip $(SIM_LIBS)),)
NASMAC_SIM_DEF := -DNASMAC_NO_SIM
endif

$(NASMAC_DRV_OBJS): CFLAGS += -Idriver/src -Isim $(NASMAC_SIM_DEF)
$(OBJ)/driver/src/xrt_shim.o: CXXFLAGS += -Wall -Wextra -Werror -Idriver/src $(NASMAC_XRT_INC)

$(NASMAC_LIB): $(NASMAC_REF_OBJS) $(NASMAC_DRV_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

NASMAC_LDLIBS := -lIPSec_MB -lcrypto -lxrt_coreutil -lpthread $(SIM_LDLIBS)
NASMAC_LIBS := $(NASMAC_LIB) $(SIM_LIBS)
ALL_TARGETS += $(NASMAC_LIB)

# The tool takes the reference objects from the archive, plus the driver benchmark.
TOOL_OBJS := $(filter-out $(NASMAC_REF_OBJS),$(TOOL_OBJS)) $(OBJ)/bench/bench_driver.o
TOOL_LIBS += $(NASMAC_LIBS)
TOOL_LDLIBS += $(NASMAC_LDLIBS)
$(OBJ)/bench/bench_driver.o: CFLAGS += -Itools
