# tests/lib: libnasmac.so, its modules and nasmac.pc as an outside program uses them.
LIB_STAGE := $(BUILD)/stage
.PHONY: test-lib
TEST_TARGETS += test-lib
test-lib: lib $(NASMAC_BIN) $(NASMACD_BIN)
	$(Q)rm -rf $(LIB_STAGE)
	$(Q)$(MAKE) --no-print-directory -s install DESTDIR=$(abspath $(LIB_STAGE)) PREFIX=/usr/local >/dev/null
	$(Q)$(TEST_DRIVER_ENV) sh tests/lib/test_lib.sh $(abspath $(LIB_STAGE)) /usr/local
