# libFuzzer targets of the gtp.c and nas.c decoders: GTPv2-C, EPS NAS, 5GS NAS, each with
# decode -> encode -> decode consistency checks, and of the UE test link frames as the AMF gets
# them (link.c decoder, pcap.c link writer, the NAS decoders on each PDU), built with clang and
# ASan+UBSan. `make test`
# runs each for FUZZ_SMOKE_TIME seconds (test-fuzz); `make fuzz` runs each for FUZZ_TIME.
# The codec sources are compiled again here with the fuzzer's coverage instrumentation.
FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ_SMOKE_TIME ?= 6
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_NAMES := gtp nas_eps nas_5g link
FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g $(FUZZ_SAN) -Wall -Wextra -MMD -MP \
	-Idriver/include -Ihost/common -Itests/wire $(shell pkg-config --cflags libuv 2>/dev/null)
FUZZ_LIB_OBJS := $(patsubst %,$(FUZZ_DIR)/obj/host/common/%.o,gtp nas util guti hex link pcap log)
FUZZ_HARNESS_OBJS := $(patsubst %,$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_NAMES))
FUZZ_GEN_CORPUS := $(BIN)/fuzz_gen_corpus

# The harnesses are ours and warning-free; the codec sources get clang's warnings, not -Werror.
$(FUZZ_DIR)/obj/tests/fuzz/%.o: FUZZ_WERROR := -Werror

$(FUZZ_DIR)/obj/%.o: %.c
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || \
		{ echo "fuzz: $(FUZZ_CC) not found (apt-get install clang libclang-rt-14-dev)"; exit 1; }
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WERROR) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(call say,LD)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

$(OBJ)/tests/fuzz/gen_corpus.o: CFLAGS += $(HOST_CFLAGS) -Itests/wire

$(FUZZ_GEN_CORPUS): $(OBJ)/tests/fuzz/gen_corpus.o $(OBJ)/host/common/gtp.o $(OBJ)/host/common/nas.o \
	$(OBJ)/host/common/util.o $(OBJ)/host/common/guti.o $(OBJ)/host/common/hex.o \
	$(OBJ)/host/common/link.o
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# Pattern-built objects would otherwise be deleted as intermediates and rebuilt every run.
.SECONDARY: $(FUZZ_LIB_OBJS) $(FUZZ_HARNESS_OBJS)

.PHONY: test-fuzz fuzz fuzz-corpus
test-fuzz: $(FUZZ_BINS)
	$(Q)sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SMOKE_TIME) $(FUZZ_NAMES)

fuzz: $(FUZZ_BINS)
	$(Q)sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME) $(FUZZ_NAMES)

# Regenerates the committed seed corpora from tests/wire/fixtures.h.
fuzz-corpus: $(FUZZ_GEN_CORPUS)
	$(Q)mkdir -p $(patsubst %,tests/fuzz/corpus/%,$(FUZZ_NAMES))
	$(Q)$(FUZZ_GEN_CORPUS) tests/fuzz/corpus

TEST_TARGETS += test-fuzz

-include $(wildcard $(FUZZ_DIR)/obj/tests/fuzz/*.d $(FUZZ_DIR)/obj/host/common/*.d)
