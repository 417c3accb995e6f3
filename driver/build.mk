# libnasmac, two ways.
# In-tree programs link the static archive with every backend: $(NASMAC_LIBS) $(NASMAC_LDLIBS),
# with $(CXX) (the Verilator model and the XRT shim are C++); NASMAC_LIBS starts with
# backends.o, the table that pulls the sim and xrt objects out of the archive.
# Users link the shared library (make install, pkg-config nasmac): libnasmac.so.MAJOR holds the
# core, the cpu backend and the reference code (C only: libIPSec_MB, libcrypto), and the sim and
# xrt backends are modules, nasmac/nasmac-sim.so and nasmac/nasmac-xrt.so, loaded on first use.
NASMAC_CORE_SRCS := driver/src/dev.c driver/src/be_cpu.c driver/src/module.c
NASMAC_DRV_SRCS := $(NASMAC_CORE_SRCS) driver/src/be_sim.c driver/src/be_xrt.c
NASMAC_DRV_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(NASMAC_DRV_SRCS)) $(OBJ)/driver/src/xrt_shim.o
NASMAC_STATIC_BE := $(OBJ)/driver/src/backends.o
NASMAC_LIB := $(BUILD)/lib/libnasmac.a
# The XRT headers do not build cleanly under -Wconversion: read them as system headers.
NASMAC_XRT_INC := -isystem /usr/include/xrt

$(NASMAC_DRV_OBJS) $(NASMAC_STATIC_BE): CFLAGS += -Idriver/src -Isim
$(OBJ)/driver/src/xrt_shim.o: CXXFLAGS += -Wall -Wextra -Werror -Idriver/src $(NASMAC_XRT_INC)

$(NASMAC_LIB): $(NASMAC_REF_OBJS) $(NASMAC_DRV_OBJS)
	$(call say,AR)
	$(Q)rm -f $@ && ar rcs $@ $^

NASMAC_LDLIBS := -lIPSec_MB -lcrypto -lxrt_coreutil -lpthread $(SIM_LDLIBS)
NASMAC_LIBS := $(NASMAC_STATIC_BE) $(NASMAC_LIB) $(SIM_LIBS)
ALL_TARGETS += $(NASMAC_LIB)

# The tool takes the reference objects from the archive, plus the driver benchmark.
TOOL_OBJS += $(OBJ)/bench/bench_driver.o $(OBJ)/bench/bench_common.o
$(OBJ)/bench/bench_common.o: CFLAGS += -Itools -I$(BUILD)/gen -Idriver/src
TOOL_LIBS += $(NASMAC_LIBS)
TOOL_LDLIBS += $(NASMAC_LDLIBS)
$(OBJ)/bench/bench_driver.o: CFLAGS += -Itools -Idriver/src

# --- The shared library, its modules, pkg-config, make install. ---------------------------------
NASMAC_VER := $(shell sed -n 's/^\#define NASMAC_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$$/\2/p' \
	driver/include/nasmac.h | paste -sd.)
NASMAC_SOMAJOR := $(firstword $(subst ., ,$(NASMAC_VER)))
NASMAC_SO := $(BUILD)/lib/libnasmac.so.$(NASMAC_VER)
NASMAC_MODDIR := $(BUILD)/lib/nasmac
NASMAC_MODULES := $(NASMAC_MODDIR)/nasmac-sim.so $(NASMAC_MODDIR)/nasmac-xrt.so
NASMAC_CORE_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(NASMAC_CORE_SRCS)) $(NASMAC_REF_OBJS)
# Install locations (make install, make deb: pkg/build.mk).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
# Where an installed libnasmac looks for its modules when they are not beside it.
$(OBJ)/driver/src/module.o: CFLAGS += -DNASMAC_MODULE_DIR_DEFAULT='"$(LIBDIR)/nasmac"'

$(NASMAC_SO): $(NASMAC_CORE_OBJS) driver/libnasmac.map
	$(call say,LD)
	$(Q)$(CC) -shared $(LDFLAGS) -Wl,-soname,libnasmac.so.$(NASMAC_SOMAJOR) \
		-Wl,--version-script=driver/libnasmac.map -Wl,--no-undefined -o $@ \
		$(NASMAC_CORE_OBJS) -lIPSec_MB -lcrypto -lpthread
	$(Q)ln -sf $(notdir $@) $(BUILD)/lib/libnasmac.so.$(NASMAC_SOMAJOR)
	$(Q)ln -sf $(notdir $@) $(BUILD)/lib/libnasmac.so

# A module resolves the core's nasmac__ functions against libnasmac.so (it is linked with it).
$(NASMAC_MODDIR)/nasmac-sim.so: $(OBJ)/driver/src/be_sim.o $(SIM_LIBS) $(NASMAC_SO)
	$(call say,LD)
	$(Q)$(CXX) -shared $(LDFLAGS) -o $@ $(OBJ)/driver/src/be_sim.o \
		-Wl,--whole-archive $(SIM_LIBS) -Wl,--no-whole-archive \
		-L$(BUILD)/lib -lnasmac $(SIM_LDLIBS)

$(NASMAC_MODDIR)/nasmac-xrt.so: $(OBJ)/driver/src/be_xrt.o $(OBJ)/driver/src/xrt_shim.o $(NASMAC_SO)
	$(call say,LD)
	$(Q)$(CXX) -shared $(LDFLAGS) -o $@ $(OBJ)/driver/src/be_xrt.o $(OBJ)/driver/src/xrt_shim.o \
		-L$(BUILD)/lib -lnasmac -lxrt_coreutil

$(BUILD)/lib/pkgconfig/nasmac.pc: driver/nasmac.pc.in driver/include/nasmac.h
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@VERSION@|$(NASMAC_VER)|' $< >$@

.PHONY: lib
lib: $(NASMAC_SO) $(NASMAC_MODULES) $(BUILD)/lib/pkgconfig/nasmac.pc
ALL_TARGETS += lib
