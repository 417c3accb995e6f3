# --- helper F: per-flow end-to-end tests (tests/e2e/flows.sh) ---------------------------------
# FIG. 2 (each manner), FIG. 3 (K_AMF by the MME / K_ASME returned), FIG. 4 (mixed and stale),
# 3GPP mode, tampering, replays, unknown UEs, the MME's overload answer, K_AMF compared on both
# sides, and tshark over the MME's capture: no context in any refusal. test-e2e-flows also runs
# one short case through the Verilator model (--backend sim); test-e2e-flows-san runs the cpu
# cases with nasmac and nasmacd built with ASan+UBSan.
.PHONY: test-e2e-flows test-e2e-flows-cpu test-e2e-flows-san
TEST_TARGETS += test-e2e-flows test-e2e-flows-san

test-e2e-flows-cpu: $(NASMAC_BIN) $(NASMACD_BIN)
	$(Q)sh tests/e2e/flows.sh $(BIN) quick

test-e2e-flows: test-e2e-flows-cpu $(SIM_LIBS)
	$(Q)sh tests/e2e/flows.sh $(BIN) sim

test-e2e-flows-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 test-e2e-flows-cpu
# --- end helper F ------------------------------------------------------------------------------
