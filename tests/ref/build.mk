# Tests of the reference crypto (driver/src/ref/) and of `nasmac mac` / `nasmac kdf`.
# test-ref: known answers (tests/vectors/*) and differential tests against libipsec-mb and
# OpenSSL; test-ref-san: the same under ASan+UBSan (build/san); test-ref-tool: the CLI.
REF_TEST_COMMON := $(OBJ)/tests/ref/vec.o $(OBJ)/host/common/hex.o
# The tests reach the internals (raw keystreams, CMAC, UIA2 with any FRESH) through ref.h.
$(OBJ)/tests/ref/%.o: CFLAGS += -Idriver/src/ref -Ihost/common
REF_KAT_BIN := $(BIN)/test_ref_kat
REF_DIFF_BIN := $(BIN)/test_ref_diff

$(REF_KAT_BIN): $(OBJ)/tests/ref/test_kat.o $(REF_TEST_COMMON) $(NASMAC_REF_OBJS)
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(NASMAC_REF_LDLIBS)

$(REF_DIFF_BIN): $(OBJ)/tests/ref/test_diff.o $(NASMAC_REF_OBJS)
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka -lIPSec_MB $(NASMAC_REF_LDLIBS)

.PHONY: test-ref test-ref-san test-ref-tool
# The known answers twice: AES-128 on AES-NI (the default where the CPU has it) and on OpenSSL.
test-ref: $(REF_KAT_BIN) $(REF_DIFF_BIN)
	$(Q)$(REF_KAT_BIN)
	$(Q)NASMAC_REF_NO_AESNI=1 $(REF_KAT_BIN)
	$(Q)$(REF_DIFF_BIN)

# The sanitizer pass: a sub-make with SAN=1 builds everything above under build/san.
test-ref-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-ref

test-ref-tool: $(NASMAC_BIN)
	$(Q)sh tests/ref/test_tool.sh $(NASMAC_BIN)

TEST_TARGETS += test-ref test-ref-san test-ref-tool
