# tests/driver: libnasmac tests (cmocka): every backend against the CPU reference, exactly-once,
# close with jobs in flight, bad jobs, fault injection with CPU fallback, and a libuv loop.
# The xrt backend runs on the XRT stand-in (tests/xrt_stub) over the kernel model, linked in
# place of libxrt_coreutil (it defines the XRT C++ members the shim calls; xrt::uuid's inline
# members need libuuid). Without the model (no SIM_LIBS yet) the sim and xrt tests skip.
XRT_STUB_OBJ := $(OBJ)/tests/xrt_stub/xrt_on_model.o
XRT_STUB_LIB := $(BUILD)/lib/libxrt_stub.a
$(XRT_STUB_OBJ): CXXFLAGS += -Wall -Wextra -Werror -Idriver/src -Isim $(NASMAC_XRT_INC)

$(XRT_STUB_LIB): $(XRT_STUB_OBJ)
	$(call say,AR)
	$(Q)rm -f $@ && ar rcs $@ $^

ifeq ($(strip $(SIM_LIBS)),)
TEST_DRIVER_ENV := NASMAC_TEST_SKIP_SIM=no-model
TEST_DRIVER_XRT :=
TEST_DRIVER_XRT_LDLIBS := -lxrt_coreutil
else
TEST_DRIVER_ENV :=
TEST_DRIVER_XRT := $(XRT_STUB_LIB)
TEST_DRIVER_XRT_LDLIBS := -luuid
endif
TEST_DRIVER_LDLIBS := $(TEST_DRIVER_XRT_LDLIBS) -lIPSec_MB -lcrypto -lpthread $(SIM_LDLIBS) -lcmocka

TEST_DRIVER_BINS := $(BIN)/test_driver $(BIN)/test_driver_uv
# test_driver asks the model itself whether the kernel has RUN_STATUS (sim/sim.h).
$(OBJ)/tests/driver/test_driver.o: CFLAGS += -Isim -Idriver/src

$(BIN)/test_driver: $(OBJ)/tests/driver/test_driver.o $(NASMAC_LIBS) $(TEST_DRIVER_XRT)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(NASMAC_STATIC_BE) $(NASMAC_LIB) $(TEST_DRIVER_XRT) $(SIM_LIBS) $(TEST_DRIVER_LDLIBS)

$(BIN)/test_driver_uv: $(OBJ)/tests/driver/test_driver_uv.o $(NASMAC_LIBS) $(TEST_DRIVER_XRT)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(NASMAC_STATIC_BE) $(NASMAC_LIB) $(TEST_DRIVER_XRT) $(SIM_LIBS) $(TEST_DRIVER_LDLIBS) -luv

# Without a card the tool's xrt backend must refuse with -ENODEV and one line, not abort.
.PHONY: test-driver test-driver-san test-driver-noxrt
TEST_TARGETS += test-driver
ifneq ($(SAN),1)
TEST_TARGETS += test-driver-san
endif
test-driver: $(TEST_DRIVER_BINS) test-driver-noxrt
	$(Q)$(if $(TEST_DRIVER_ENV),echo "test-driver: sim and xrt cases skipped ($(TEST_DRIVER_ENV))")
	$(Q)$(TEST_DRIVER_ENV) $(BIN)/test_driver
	$(Q)$(TEST_DRIVER_ENV) $(BIN)/test_driver_uv

test-driver-noxrt: $(NASMAC_BIN)
	$(Q)out=$$(env -u XILINX_XRT $(NASMAC_BIN) verify --backend xrt - </dev/null 2>&1); rc=$$?; \
	lines=$$(printf '%s\n' "$$out" | grep -c .); \
	if [ $$rc -eq 2 ] && [ $$lines -eq 1 ] && printf '%s' "$$out" | grep -q 'nasmac: xrt:'; then \
		echo "test-driver-noxrt: 1 passed, 0 failed"; \
	else echo "test-driver-noxrt: rc=$$rc, output: $$out"; echo "test-driver-noxrt: 0 passed, 1 failed"; exit 1; fi

# The same C tests under ASan+UBSan (sim-backed cases run smaller there). The model is shared
# with the normal tree, so it is built here first; the SAN tree's reference objects are also
# built by test-ref-san, so that one goes first rather than racing this sub-make.
test-driver-san: $(SIM_LIBS) | test-ref-san
	$(Q)$(MAKE) --no-print-directory SAN=1 $(BUILD)/san/bin/test_driver $(BUILD)/san/bin/test_driver_uv
	$(Q)$(TEST_DRIVER_ENV) $(BUILD)/san/bin/test_driver
	$(Q)$(TEST_DRIVER_ENV) $(BUILD)/san/bin/test_driver_uv

# nasmac_verify() against a concurrent thread's completions (issue 13 finding 1).
$(BIN)/test_driver_race: $(OBJ)/tests/driver/test_race.o $(NASMAC_LIBS) $(TEST_DRIVER_XRT)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(NASMAC_STATIC_BE) $(NASMAC_LIB) $(TEST_DRIVER_XRT) $(SIM_LIBS) $(TEST_DRIVER_LDLIBS)

.PHONY: test-driver-race
TEST_TARGETS += test-driver-race
test-driver-race: $(BIN)/test_driver_race
	$(Q)$(TEST_DRIVER_ENV) $(BIN)/test_driver_race sim 3
	$(Q)$(BIN)/test_driver_race cpu 1

# The race test and the cpu backend's lull worker (which reads a due time the callers publish
# without the lock, dev.c) under ThreadSanitizer: the cpu backend only, since the model and
# XRT are not built with -fsanitize=thread; the driver compiled from source into its own tree.
TSAN_DRIVER_SRC := driver/src/dev.c driver/src/be_cpu.c driver/src/module.c \
	$(wildcard driver/src/ref/*.c) tests/driver/tsan_backends.c tests/driver/test_race.c
$(BUILD)/tsan/test_driver_race: $(TSAN_DRIVER_SRC) $(wildcard driver/src/*.h driver/src/ref/*.h driver/include/*.h)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  CC      $@ (ThreadSanitizer)")
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=thread -Idriver/include -Idriver/src \
		-o $@ $(TSAN_DRIVER_SRC) -lIPSec_MB -lcrypto -lpthread -ldl

.PHONY: test-driver-tsan
TEST_TARGETS += test-driver-tsan
test-driver-tsan: $(BUILD)/tsan/test_driver_race
	$(Q)TSAN_OPTIONS=halt_on_error=1:exitcode=66 $< cpu 1
