# Codec tests of host/common/gtp.c, nas.c and pcap.c: cmocka unit tests against hand-written
# octets (test-wire, also under ASan+UBSan as test-wire-san) and tshark dissection of pcap
# captures of every message kind the codecs encode (test-wire-tshark). Uses the objects
# host/build.mk compiles (HOST_COMMON_OBJS), so the code tested is the code the daemons link.
WIRE_DEPS := $(patsubst %,$(OBJ)/host/common/%.o,gtp nas util guti hex pcap link log)
WIRE_TEST_BIN := $(BIN)/test_wire
WIRE_GEN_PCAP := $(BIN)/wire_gen_pcap
WIRE_PCAP_DIR := $(BUILD)/wire
TSHARK ?= tshark

$(OBJ)/tests/wire/test_wire.o $(OBJ)/tests/wire/gen_pcap.o: CFLAGS += $(HOST_CFLAGS)

$(WIRE_TEST_BIN): $(OBJ)/tests/wire/test_wire.o $(WIRE_DEPS)
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka

$(WIRE_GEN_PCAP): $(OBJ)/tests/wire/gen_pcap.o $(WIRE_DEPS)
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

.PHONY: test-wire test-wire-san test-wire-tshark
test-wire: $(WIRE_TEST_BIN)
	$(Q)$(WIRE_TEST_BIN)

test-wire-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-wire

test-wire-tshark: $(WIRE_GEN_PCAP)
	@command -v $(TSHARK) >/dev/null 2>&1 || \
		{ echo "test-wire-tshark: tshark not found (apt-get install tshark)"; exit 1; }
	@mkdir -p $(WIRE_PCAP_DIR)
	$(Q)$(WIRE_GEN_PCAP) $(WIRE_PCAP_DIR)
	$(Q)TSHARK=$(TSHARK) sh tests/wire/tshark_check.sh $(WIRE_PCAP_DIR)

TEST_TARGETS += test-wire test-wire-san test-wire-tshark
