# scripts/bench_report.py on fixed benchmark output (tests/bench/*.jsonl): CSV columns and rows,
# the pictures and index.md, a skipped row kept with its reason, a broken line refused.
.PHONY: test-bench-report
TEST_TARGETS += test-bench-report
test-bench-report:
	$(Q)sh tests/bench/test_report.sh
