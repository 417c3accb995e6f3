#!/bin/sh
# Runs each libFuzzer target for a fixed time on a copy of its seed corpus (the committed corpus
# is never written to) and fails if any target finds a crash, a sanitizer report or a failed
# consistency check. Usage: run.sh FUZZ_DIR SECONDS NAME...
# Prints per target the executions done and the corpus size reached, then "N passed, M failed".
set -u
dir=$1
secs=$2
shift 2
pass=0
fail=0
for name in "$@"; do
	bin=$dir/fuzz_$name
	work=$dir/work/$name
	log=$dir/$name.log
	mkdir -p "$work" "$dir/artifacts"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$dir/artifacts/$name-" \
		"$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
		echo "fuzz $name: ${runs:-?} executions in ${secs} s, $cov, corpus $(ls "$work" | wc -l) files, no crash"
		pass=$((pass + 1))
	else
		echo "fuzz $name: FAILED (log $log, reproducer in $dir/artifacts/):"
		grep -E 'ERROR|SUMMARY|consistency check|runtime error|Test unit written' "$log" | head -20
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
