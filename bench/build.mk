# make bench: every benchmark in one run (each subcommand is built into build/bin/nasmac by the
# fragment of the part it measures: hw/ for engine, driver/ for driver, host/ for e2e).
BENCH_TARGETS += bench-all
.PHONY: bench-all
bench-all: $(NASMAC_BIN)
	$(Q)$(NASMAC_BIN) bench engine
	$(Q)$(NASMAC_BIN) bench driver
	$(Q)$(NASMAC_BIN) bench e2e
