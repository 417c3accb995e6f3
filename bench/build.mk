# make bench: every benchmark in one run (each subcommand is built into build/bin/nasmac by the
# fragment of the part it measures: hw/ for engine, driver/ for driver, host/ for e2e).
BENCH_TARGETS += bench-all
.PHONY: bench-all
bench-all: $(NASMAC_BIN)
	$(Q)$(NASMAC_BIN) bench engine
	$(Q)$(NASMAC_BIN) bench driver
	$(Q)$(NASMAC_BIN) bench e2e

# make bench-report: every benchmark as JSON Lines (bench/bench.h's schema), then CSV tables,
# pictures (scripts/bench_report.py, gnuplot) and index.md in build/report/. The sweeps: the
# driver over message sizes (16..1024 octets) and over burst sizes, the engine over memory
# latency and over message sizes, e2e over stores and 1 and 2 MME workers. Progress goes to
# stderr; about 3 minutes on 2 idle cores.
BENCH_DIR := $(BUILD)/report
.PHONY: bench-report
bench-report: $(NASMAC_BIN) $(NASMACD_BIN)
	@mkdir -p $(BENCH_DIR)
	$(Q)$(NASMAC_BIN) bench engine --json --buffer-sz 64 --burst-sz 1024 \
		--mem-latency 0,40,80,150 >$(BENCH_DIR)/engine.jsonl
	$(Q)$(NASMAC_BIN) bench engine --json --buffer-sz 16,64,256,1024 --burst-sz 256 \
		--mem-latency 80 --no-mixed >$(BENCH_DIR)/engine_size.jsonl
	$(Q)$(NASMAC_BIN) bench driver --json --buffer-sz 16,64,256,1024 --burst-sz 256 \
		--seconds 0.3 >$(BENCH_DIR)/driver.jsonl
	$(Q)$(NASMAC_BIN) bench driver --json --buffer-sz 64 --burst-sz 1,4,16,64,256,1024 \
		--seconds 0.2 --no-sim --no-latency >$(BENCH_DIR)/driver_burst.jsonl
	$(Q)$(NASMAC_BIN) bench e2e --json --workers 1,2 >$(BENCH_DIR)/e2e.jsonl
	$(Q)$(PYTHON) scripts/bench_report.py $(BENCH_DIR)
