#!/bin/sh
# scripts/bench_report.py on fixed benchmark output in the shared row schema (bench/bench.h):
# CSV columns and rows, the pictures, index.md, a skipped row kept with its reason, a broken
# line refused. The fixtures are cut from real `nasmac bench ... --json` runs.
set -u
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "test-bench-report: FAIL: $*"; }
rows() { grep -c '"kind":"row"' "tests/bench/$1.jsonl"; }
cp tests/bench/engine.jsonl tests/bench/driver.jsonl tests/bench/driver_burst.jsonl tests/bench/e2e.jsonl "$t/"
python3 scripts/bench_report.py "$t" >/dev/null || bad "bench_report failed"
for c in engine driver driver_burst e2e; do
	head -1 "$t/$c.csv" | grep -q '^kind,bench,section,backend,alg,msg_bytes,burst,mem_latency,mac_per_s,ns_per_mac,cycles_per_mac' \
		&& ok || bad "$c.csv header: $(head -1 "$t/$c.csv")"
	[ "$(($(wc -l <"$t/$c.csv") - 1))" -eq "$(rows $c)" ] && ok || bad "$c.csv: $(wc -l <"$t/$c.csv") lines for $(rows $c) rows"
done
grep -q '^row,driver,throughput,xrt:0,eia2,.*,no card,' "$t/driver.csv" && ok || bad "driver.csv: the skipped row and its reason"
for p in engine_latency throughput_size driver_burst e2e; do
	[ -s "$t/$p.png" ] && [ "$(head -c 4 "$t/$p.png" | tail -c 3)" = PNG ] && ok || bad "$p.png"
done
grep -q '^!\[Engine: cycles per MAC against memory latency\](engine_latency.png)$' "$t/index.md" && ok || bad "index.md: $(head -8 "$t/index.md")"
grep -q '^| throughput | cpu | eia2 | 16 | 256 |' "$t/index.md" && ok || bad "index.md: no cpu eia2 16-octet row"
# bench e2e: store, sync and workers from each row's extra, in the CSV and in index.md.
grep -q '^row,e2e,mme,cpu,.*,lmdb,nosync,2,256,' "$t/e2e.csv" && ok || bad "e2e.csv: no lmdb nosync 2-worker row"
grep -q '^| mme | cpu | .* | redis | aof-everysec | 1 | 256 | ' "$t/index.md" && ok || bad "index.md: no e2e redis row"
printf '{"alg":\n' >"$t/e2e.jsonl"
out=$(python3 scripts/bench_report.py "$t" 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "e2e.jsonl:1: not JSON" && ok || bad "broken line: rc $rc: $out"
echo "test-bench-report: $pass passed, $fail failed"
[ $fail -eq 0 ]
