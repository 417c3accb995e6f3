# scripts/bench_report.py on fixed benchmark output (tests/bench/*.jsonl): CSV columns and rows,
# a picture per benchmark, a skipped row left out, a broken line refused.
.PHONY: test-bench-report
TEST_TARGETS += test-bench-report
test-bench-report:
	$(Q)sh tests/bench/test_report.sh
