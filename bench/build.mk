# make bench: every benchmark in one run (each subcommand is built into build/bin/nasmac by the
# fragment of the part it measures: hw/ for engine, driver/ for driver, host/ for e2e).
BENCH_TARGETS += bench-all
.PHONY: bench-all
bench-all: $(NASMAC_BIN)
	$(Q)$(NASMAC_BIN) bench engine
	$(Q)$(NASMAC_BIN) bench driver
	$(Q)$(NASMAC_BIN) bench e2e

# make bench-report: every benchmark as JSON Lines (the engine at four memory latencies), then
# CSV tables, pictures (scripts/bench_report.py, gnuplot) and index.md in build/report/.
BENCH_DIR := $(BUILD)/report
.PHONY: bench-report
bench-report: $(NASMAC_BIN)
	@mkdir -p $(BENCH_DIR)
	$(Q)$(NASMAC_BIN) bench engine --json --mem-latency 0,40,80,150 >$(BENCH_DIR)/engine.jsonl
	$(Q)$(NASMAC_BIN) bench driver --json >$(BENCH_DIR)/driver.jsonl
	$(Q)$(NASMAC_BIN) bench e2e --json >$(BENCH_DIR)/e2e.jsonl
	$(Q)$(PYTHON) scripts/bench_report.py $(BENCH_DIR)
