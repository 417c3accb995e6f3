# --- Per-flow end-to-end tests (tests/e2e/flows.sh) ---------------------------------------------
# FIG. 2 (each manner), FIG. 3 (K_AMF by the MME / K_ASME returned), FIG. 4 (mixed and stale),
# 3GPP mode, tampering, replays, unknown UEs, the MME's overload answer, K_AMF compared on both
# sides, and tshark over the MME's capture: no context in any refusal. test-e2e-flows also runs
# one short case through the Verilator model (--backend sim); test-e2e-flows-san runs the cpu
# cases with nasmac and nasmacd built with ASan+UBSan.
.PHONY: test-e2e-flows test-e2e-flows-cpu test-e2e-flows-san
TEST_TARGETS += test-e2e-flows test-e2e-flows-san

# flows_retx: plays the AMF with hand-made Context Requests (retransmission after a lost answer).
FLOWS_RETX_BIN := $(BIN)/flows_retx
$(OBJ)/tests/e2e/flows_retx.o: CFLAGS += $(HOST_CFLAGS)
$(FLOWS_RETX_BIN): $(OBJ)/tests/e2e/flows_retx.o $(OBJ)/host/ue/ue.o $(HOST_COMMON_OBJS) \
		$(NASMAC_LIBS)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(OBJ)/tests/e2e/flows_retx.o $(OBJ)/host/ue/ue.o \
		$(HOST_COMMON_OBJS) $(NASMAC_LIBS) $(NASMAC_LDLIBS) $(HOST_LDLIBS) $(LDLIBS)

test-e2e-flows-cpu: $(NASMAC_BIN) $(NASMACD_BIN) $(FLOWS_RETX_BIN)
	$(Q)sh tests/e2e/flows.sh $(BIN) quick

test-e2e-flows: test-e2e-flows-cpu $(SIM_LIBS)
	$(Q)sh tests/e2e/flows.sh $(BIN) sim

test-e2e-flows-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-e2e-flows-cpu

# --- The C end-to-end tests: cmocka programs on the shared harness (tests/e2e/e2e.c) and the UE
# simulator, each run against this tree's nasmacd; test-e2e-NAME-san runs the same test against
# nasmacd built with ASan+UBSan.
#  robust.c: truncated, oversized, nonsense and subtly wrong GTPv2-C and test link datagrams,
#    unknown UEs, retransmission and overload floods, hostile N26 answers to the AMF; counters,
#    liveness and "no context without a verified MAC" checked after each.
#  trust.c: forged Context Responses from another port with the right sequence number
#    and TEID (read from a silent stand-in MME the test owns), spoofed Context Acknowledges,
#    retransmissions that differ in one octet, missing F-TEID, IMSI/GUTI contradiction, Echo/VNSI
#    floods, the log's burst summary.
E2E_C_TESTS := robust trust
E2E_HARNESS_OBJS := $(OBJ)/tests/e2e/e2e.o $(OBJ)/host/ue/ue.o $(OBJ)/host/ue/load.o \
	$(OBJ)/host/ue/run.o $(HOST_COMMON_OBJS)
$(patsubst %,$(OBJ)/tests/e2e/%.o,e2e $(E2E_C_TESTS)): CFLAGS += $(HOST_CFLAGS)

$(BIN)/test_e2e_%: $(OBJ)/tests/e2e/%.o $(E2E_HARNESS_OBJS) $(NASMAC_LIBS)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(E2E_HARNESS_OBJS) $(NASMAC_LIBS) $(NASMAC_LDLIBS) \
		$(HOST_LDLIBS) -lcmocka $(LDLIBS)

E2E_C_TARGETS := $(patsubst %,test-e2e-%,$(E2E_C_TESTS))
.PHONY: $(E2E_C_TARGETS) $(addsuffix -san,$(E2E_C_TARGETS))
TEST_TARGETS += $(E2E_C_TARGETS) $(addsuffix -san,$(E2E_C_TARGETS))

$(E2E_C_TARGETS): test-e2e-%: $(BIN)/test_e2e_% $(NASMACD_BIN)
	$(Q)$< $(NASMACD_BIN)

$(addsuffix -san,$(E2E_C_TARGETS)): test-e2e-%-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-e2e-$*

# test-e2e-NAME runs tests/e2e/SCRIPT.sh BINDIR once nasmac, nasmacd and any more
# PREREQUISITES are built: $(eval $(call e2e_sh,NAME,SCRIPT[,PREREQUISITES])).
define e2e_sh
.PHONY: test-e2e-$(1)
TEST_TARGETS += test-e2e-$(1)
test-e2e-$(1): $$(NASMAC_BIN) $$(NASMACD_BIN) $(3)
	$$(Q)sh tests/e2e/$(2).sh $$(BIN)
endef

# tshark over the MME's and the AMF's captures of two short `nasmac run`s (tests/e2e/robust_pcap.sh).
$(eval $(call e2e_sh,robust-pcap,robust_pcap))

# A shell test that runs a load of KNOB UEs, and its -san twin with nasmac and nasmacd built with
# ASan+UBSan and SAN_UES UEs: $(eval $(call e2e_sized,NAME,KNOB,SAN_UES)) for tests/e2e/NAME.sh.
define e2e_sized
.PHONY: test-e2e-$(1) test-e2e-$(1)-san
TEST_TARGETS += test-e2e-$(1) test-e2e-$(1)-san
test-e2e-$(1): $$(NASMAC_BIN) $$(NASMACD_BIN)
	$$(Q)$(2)=$$($(2)) sh tests/e2e/$(1).sh $$(BIN)
test-e2e-$(1)-san:
	$$(Q)$$(MAKE) --no-print-directory SAN=1 $(2)=$(3) test-e2e-$(1)
endef

# --- Replays across MME restarts (tests/e2e/persist.sh) -------------------------------------------
# kill -9 of the MME at random points of a load, restart on the same LMDB store, the load
# replayed: no UE registered twice, none lost; Echo Recovery grows; memory: shown to accept the
# replays; SIGHUP/SIGTERM; key files 0600; the db loader's refusals. test-e2e-persist-san runs it
# with nasmac and nasmacd built with ASan+UBSan (fewer UEs).
PERSIST_UES ?= 1500
$(eval $(call e2e_sized,persist,PERSIST_UES,500))

# --metrics on both daemons under a real load (tests/e2e/metrics.sh): scrape = exit log = load.
$(eval $(call e2e_sh,metrics,metrics))

# nasmacd mme --workers 2 (tests/e2e/workers.sh): retransmissions stay with their worker, a load
# spreads over the workers, no COUNT accepted twice across them, one restart counter, a killed
# worker stops the service.
$(eval $(call e2e_sh,workers,workers,$(FLOWS_RETX_BIN)))

# An MME pool on Redis (tests/e2e/redis.sh, its own redis-server on a free loopback port): a
# replay through another MME refused, two MMEs racing on one COUNT accept it once, kill -9 of
# one MME mid-load, Redis stopped mid-load and restarted; memory: shown to accept the attacks.
$(eval $(call e2e_sh,redis,redis))

# An MME pool behind one AMF (tests/e2e/pool.sh): --mme GUMMEI=ADDR:PORT routes each
# UE to the MME of its GUTI, unknown GUMMEIs refused (#9), a replay through another MME of the
# pool refused by the shared store (and accepted with separate memory: stores: the proof), kill
# -9 of one MME: the others keep serving. POOL_STORE=URI-prefix runs it on another shared store.
# test-e2e-pool-san: the same with nasmac and nasmacd built with ASan+UBSan (fewer UEs).
POOL_UES ?= 300
$(eval $(call e2e_sized,pool,POOL_UES,150))
