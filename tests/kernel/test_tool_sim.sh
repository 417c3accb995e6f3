#!/bin/sh
# nasmac mac --backend sim (the whole-kernel Verilator model behind libnasmac) against
# --backend cpu (libipsec-mb) and the published MACs: every known-answer vector of
# tests/vectors/eia{1,2,3}.txt (sources named in those files) one by one and as a batch, and a
# seeded random batch mixing the three algorithms at bit lengths 1..4096, also through a model
# with memory latency and random stalls, and through one whose memory answers bus errors
# (SLVERR on a read and DECERR on a write of every run: the driver recomputes on the CPU).
# Usage: test_tool_sim.sh NASMAC_BIN VECTOR_DIR [SEED]
set -u
bin=$1
vec=$2
seed=${3:-${NASMAC_SEED:-$(date +%s)}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for alg in eia1 eia2 eia3; do
	f=$vec/$alg.txt
	if "$bin" mac --backend sim --batch "$f" >"$tmp/sim" 2>"$tmp/err"; then ok; else
		bad "$alg.txt through sim: exit $? ($(head -1 "$tmp/err"))"; fi
	"$bin" mac --backend cpu --batch "$f" >"$tmp/cpu" 2>/dev/null
	if cmp -s "$tmp/sim" "$tmp/cpu"; then ok; else bad "$alg.txt: sim and cpu differ"; diff "$tmp/sim" "$tmp/cpu" | head -5; fi
	n=$(grep -c ' ok$' "$tmp/sim")
	m=$(grep -c "^$alg " "$f")
	if [ "$n" -eq "$m" ] && [ "$m" -gt 0 ]; then ok; else bad "$alg.txt: $n of $m vectors ok through sim"; fi
	# One by one through the single-MAC form of the command line.
	grep "^$alg " "$f" | while read -r a key count bearer dir len msg mac; do
		got=$("$bin" mac --backend sim --alg "$a" --key "$key" --count "$count" --bearer "$bearer" \
			--direction "$dir" --length-bits "$len" --message "$msg" 2>&1)
		if [ "$got" = "$mac" ]; then echo ok; else echo "FAIL: $a $key $count: sim gave '$got', published $mac"; fi
	done >"$tmp/one"
	pass=$((pass + $(grep -c '^ok$' "$tmp/one")))
	fail=$((fail + $(grep -c '^FAIL' "$tmp/one")))
	grep '^FAIL' "$tmp/one" | head -3
done

# Seeded random jobs: the same file through both backends must give the same MACs.
awk -v seed="$seed" 'BEGIN {
	srand(seed); split("eia1 eia2 eia3", algs, " ")
	for (i = 0; i < 300; i++) {
		len = 1 + int(rand() * 4096); octets = int((len + 7) / 8)
		key = ""; for (j = 0; j < 16; j++) key = key sprintf("%02x", int(rand() * 256))
		msg = ""; for (j = 0; j < octets; j++) msg = msg sprintf("%02x", int(rand() * 256))
		printf "%s %s %08x %d %d %d %s\n", algs[1 + i % 3], key, int(rand() * 4294967295),
			int(rand() * 32), int(rand() * 2), len, msg
	}
}' >"$tmp/rand.txt"
"$bin" mac --backend sim --batch "$tmp/rand.txt" >"$tmp/rsim" 2>"$tmp/err" || bad "random batch through sim: $(head -1 "$tmp/err")"
"$bin" mac --backend cpu --batch "$tmp/rand.txt" >"$tmp/rcpu" 2>/dev/null || bad "random batch through cpu"
if [ "$(wc -l <"$tmp/rsim")" -eq 300 ] && cmp -s "$tmp/rsim" "$tmp/rcpu"; then ok; else
	bad "random batch (seed $seed): sim and cpu differ"; diff "$tmp/rsim" "$tmp/rcpu" | head -5; fi
for spec in "sim:latency=80,stall=20,seed=$seed" "sim:latency=40,rd_err=slverr,err_burst=3" \
	"sim:wr_err=decerr,max_reads=4"; do
	"$bin" mac --backend "$spec" --batch "$tmp/rand.txt" >"$tmp/rsim" 2>"$tmp/err" || bad "random batch through $spec: $(head -1 "$tmp/err")"
	if [ "$(wc -l <"$tmp/rsim")" -eq 300 ] && cmp -s "$tmp/rsim" "$tmp/rcpu"; then ok; else
		bad "random batch (seed $seed) through $spec: differs from cpu"; diff "$tmp/rsim" "$tmp/rcpu" | head -5; fi
done

echo "test-tool-sim (seed $seed): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
