# tests/kernel: the whole kernel through the Verilator model (sim/sim.h) against the C reference.
TEST_KERNEL_BIN := $(BIN)/test_kernel
$(OBJ)/tests/kernel/test_kernel.o: CFLAGS += -Isim -Idriver/src -Ihost/common
$(OBJ)/tests/kernel/test_kernel.o: $(SIM_LIBS)

# The vectors' hex goes through the tree's one hex codec (host/common/hex.c).
$(TEST_KERNEL_BIN): $(OBJ)/tests/kernel/test_kernel.o $(OBJ)/host/common/hex.o $(NASMAC_REF_OBJS) \
		$(SIM_LIBS)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(OBJ)/host/common/hex.o $(NASMAC_REF_OBJS) $(SIM_LIBS) \
		$(NASMAC_REF_LDLIBS) $(SIM_LDLIBS)

# The AXI memory model on its own (sim/axi_mem.h): its checks catch what a wrong master does.
TEST_AXI_MEM_BIN := $(BIN)/test_axi_mem
$(TEST_AXI_MEM_BIN): tests/kernel/test_axi_mem.cc tests/kernel/check.h $(SIM_LIBS)
	$(call say,CXX)
	$(Q)$(CXX) -std=c++17 -O1 -g -Wall -Wextra -Werror $(filter -fsanitize%,$(CFLAGS)) -Isim -o $@ $< \
		$(SIM_BASE)/sim/axi_mem.o

.PHONY: test-kernel
TEST_TARGETS += test-kernel
test-kernel: $(TEST_KERNEL_BIN) $(TEST_AXI_MEM_BIN)
	$(Q)$(TEST_AXI_MEM_BIN)
	$(Q)$(TEST_KERNEL_BIN)

# Only the key check of test_kernel (also part of it): no key left in a FIFO after ap_done.
.PHONY: test-key-wipe
test-key-wipe: $(TEST_KERNEL_BIN)
	$(Q)$(TEST_KERNEL_BIN) key-wipe

# The same test built with ASan+UBSan (the model archive itself is shared, uninstrumented).
.PHONY: test-kernel-san
TEST_TARGETS += test-kernel-san
test-kernel-san: $(SIM_LIBS)
	$(Q)$(MAKE) --no-print-directory SAN=1 test-kernel

# nasmac mac --backend sim against --backend cpu and the published MACs (every EIA vector).
.PHONY: test-tool-sim
TEST_TARGETS += test-tool-sim
test-tool-sim: $(NASMAC_BIN) $(SIM_LIBS)
	$(Q)sh tests/kernel/test_tool_sim.sh $(NASMAC_BIN) tests/vectors
