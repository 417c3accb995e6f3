# cmocka unit tests of the host internals: NAS COUNT estimation and replay, the UE store and
# UE db format, the test link framing, the K_AMF check value, GTP-C transactions bound to
# their peer and the log rate limiter (gtp_txn), the Redis store against redis-server processes
# it starts (redis), the GUTI mapping and GUMMEIs (guti). Also run under
# ASan+UBSan (test-host-san).
HOST_UNIT_NAMES := count link store db util gtp_txn redis guti
HOST_UNIT_BINS := $(patsubst %,$(BIN)/test_host_%,$(HOST_UNIT_NAMES))
HOST_UNIT_DEPS := $(OBJ)/host/common/count.o $(OBJ)/host/common/link.o \
	$(OBJ)/host/common/store.o $(OBJ)/host/common/hex.o $(OBJ)/host/common/util.o $(OBJ)/host/common/guti.o $(OBJ)/host/common/log.o \
	$(OBJ)/host/common/gtp_txn.o \
	$(OBJ)/host/common/store_db.o $(OBJ)/host/common/store_mem.o $(OBJ)/host/common/store_lmdb.o \
	$(OBJ)/host/common/store_redis.o $(OBJ)/host/common/udp.o $(OBJ)/host/common/gtp.o

$(patsubst %,$(OBJ)/tests/host/test_%.o,$(HOST_UNIT_NAMES)): CFLAGS += $(HOST_CFLAGS)

$(BIN)/test_host_%: $(OBJ)/tests/host/test_%.o $(HOST_UNIT_DEPS) $(NASMAC_REF_OBJS)
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcmocka -llmdb -lhiredis -luv $(NASMAC_REF_LDLIBS)

.PHONY: test-host test-host-san
test-host: $(HOST_UNIT_BINS)
	$(Q)for t in $(HOST_UNIT_BINS); do $$t || exit 1; done

test-host-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-host

TEST_TARGETS += test-host test-host-san

# lmdb's advance log and fold: the cost per COUNT advance at 50,000 and 1,000,000 UEs (not part
# of `make test`: ~15 s and ~100 MB of store in a temporary directory).
$(OBJ)/tests/host/bench_fold.o: CFLAGS += $(HOST_CFLAGS)
$(BIN)/bench_store_fold: $(OBJ)/tests/host/bench_fold.o $(HOST_UNIT_DEPS) $(NASMAC_REF_OBJS)
	$(call say,LD)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -llmdb -lhiredis $(NASMAC_REF_LDLIBS)

.PHONY: bench-store-fold
bench-store-fold: $(BIN)/bench_store_fold
	$(Q)for n in 50000 1000000; do d=$$(mktemp -d) && $< $$n 600000 $$d/s; rc=$$?; \
		rm -rf $$d; [ $$rc = 0 ] || exit 1; done

# nasmacd -c FILE.yaml (host/common/config.c) against the real daemon.
.PHONY: test-config
TEST_TARGETS += test-config
test-config: $(NASMACD_BIN)
	$(Q)sh tests/host/test_config.sh $(NASMACD_BIN)

# nasmacd under ThreadSanitizer: the lmdb MME's commit thread and its hand-over with the loop
# (mme.c: commit_thread, commit_poll, on_commit_async) under `nasmac bench e2e` load on lmdb
# full and nometasync, then at SIGTERM. Built from source into its own tree with the cpu
# backend only (tests/driver/tsan_backends.c, as test-driver-tsan: the Verilator model and XRT
# are not built with -fsanitize=thread). tests/host/test_tsan.sh fails on any report.
TSAN_NASMACD_SRC := $(NASMACD_SRCS) $(HOST_COMMON_SRCS) driver/src/dev.c driver/src/be_cpu.c \
	driver/src/module.c $(wildcard driver/src/ref/*.c) tests/driver/tsan_backends.c
$(BUILD)/tsan/nasmacd: $(TSAN_NASMACD_SRC) $(BUILD_INFO_H) $(wildcard host/common/*.h host/ue/*.h \
		driver/src/*.h driver/src/ref/*.h driver/include/*.h)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  CC      $@ (ThreadSanitizer)")
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=thread -I$(BUILD)/gen \
		-Idriver/include -Idriver/src -Ihost/common -Ihost/ue $(HOST_CFLAGS) -o $@ \
		$(TSAN_NASMACD_SRC) -luv -llmdb -lhiredis -lyaml -lmicrohttpd -lsystemd -lIPSec_MB \
		-lcrypto -lpthread -ldl -lm

.PHONY: test-host-tsan
TEST_TARGETS += test-host-tsan
test-host-tsan: $(BUILD)/tsan/nasmacd $(NASMAC_BIN)
	$(Q)sh tests/host/test_tsan.sh $(BUILD)/tsan $(NASMAC_BIN)
