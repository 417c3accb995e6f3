#!/bin/sh
set -u
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "test-bench-report: FAIL: $*"; }
cp tests/bench/engine.jsonl tests/bench/driver.jsonl "$t/"
python3 scripts/bench_report.py "$t" >/dev/null || bad "bench_report failed"
head -1 "$t/engine.csv" | grep -q '^alg,jobs,mem_latency,.*cycles_per_mac' && ok || bad "engine.csv header: $(head -1 "$t/engine.csv")"
[ "$(wc -l <"$t/engine.csv")" -eq 3 ] && ok || bad "engine.csv rows"
[ "$(wc -l <"$t/driver.csv")" -eq 3 ] && ok || bad "driver.csv: the skipped row must be left out"
for p in engine driver; do
	[ -s "$t/$p.png" ] && [ "$(head -c 4 "$t/$p.png" | tail -c 3)" = PNG ] && ok || bad "$p.png"
done
grep -q '^!\[Engine: cycles per MAC against memory latency\](engine.png)$' "$t/index.md" && ok || bad "index.md: $(head -8 "$t/index.md")"
printf '{"alg":\n' >"$t/e2e.jsonl"
out=$(python3 scripts/bench_report.py "$t" 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "e2e.jsonl:1: not JSON" && ok || bad "broken line: rc $rc: $out"
echo "test-bench-report: $pass passed, $fail failed"
[ $fail -eq 0 ]
