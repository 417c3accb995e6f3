# nasmacd (MME, AMF and UDP-echo roles), the UE simulator / load generator (`nasmac load`), the
# demo (`nasmac run`, `make run`) and the end-to-end benchmark (`nasmac bench e2e`).
# Codecs and the pcap writer are host/common/gtp.c, nas.c and pcap.c; MAC checks and KDFs from libnasmac (NASMAC_LIBS).
HOST_COMMON_SRCS := host/common/log.c host/common/count.c host/common/hex.c host/common/util.c host/common/guti.c host/common/store.c \
	host/common/link.c host/common/udp.c host/common/vq.c host/common/gtp.c host/common/nas.c host/common/pcap.c \
	host/common/gtp_txn.c host/common/store_db.c host/common/store_mem.c host/common/store_lmdb.c \
	host/common/store_redis.c
HOST_COMMON_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(HOST_COMMON_SRCS))
NASMACD_SRCS := host/nasmacd.c host/mme/mme.c host/amf/amf.c host/common/echo.c host/common/config.c \
	host/common/metrics.c host/common/workers.c host/common/daemon.c
NASMACD_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(NASMACD_SRCS))
HOST_TOOL_SRCS := host/ue/ue.c host/ue/load.c host/ue/run.c bench/bench_e2e.c
HOST_TOOL_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(HOST_TOOL_SRCS))
# The MME's durable store is LMDB (host/common/store_lmdb.c, Debian liblmdb-dev).
# The pool-wide store is Redis (host/common/store_redis.c, Debian libhiredis-dev).
# (A missing package is named by the Makefile's scripts/bootstrap.sh check before any rule runs.)
HOST_LDLIBS := -luv -llmdb -lhiredis
HOST_CFLAGS := -Ihost/common -Ihost/ue $(shell pkg-config --cflags libuv 2>/dev/null)

$(HOST_COMMON_OBJS) $(NASMACD_OBJS) $(HOST_TOOL_OBJS): CFLAGS += $(HOST_CFLAGS)
$(OBJ)/bench/bench_e2e.o: CFLAGS += -Itools

ALL_TARGETS += $(NASMACD_BIN)

$(NASMACD_BIN): $(NASMACD_OBJS) $(HOST_COMMON_OBJS) $(NASMAC_LIBS)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(NASMACD_OBJS) $(HOST_COMMON_OBJS) $(NASMAC_LIBS) \
		$(NASMAC_LDLIBS) $(HOST_LDLIBS) -lyaml -lmicrohttpd -lsystemd $(LDLIBS)

# Subcommand objects go straight into the tool.
TOOL_OBJS += $(HOST_TOOL_OBJS) $(HOST_COMMON_OBJS)
TOOL_LDLIBS += $(HOST_LDLIBS)

# make run: the demo on loopback (BACKEND=sim by default, BACKEND=cpu for the CPU): the patent's
# flows, FIG. 4 choosing between FIG. 2 and FIG. 3 per UE, then the 3GPP variant; 5% tampered
# MACs, 5% replays and 3% unknown UEs in each, K_AMF compared between UE and AMF.
RUN_ARGS ?= --ues 1000 --tampered 0.05 --replayed 0.05 --unknown 0.03 --kamf-check
run: $(NASMAC_BIN) $(NASMACD_BIN)
	$(Q)$(NASMAC_BIN) run --backend $(BACKEND) --mode patent $(RUN_ARGS)
	$(Q)$(NASMAC_BIN) run --backend $(BACKEND) --mode 3gpp $(RUN_ARGS)
