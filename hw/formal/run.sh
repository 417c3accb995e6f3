#!/bin/sh
# One bounded model check: hw/formal/run.sh <out_dir> <name> <top> <depth> <expect> <files...>
# <expect> is "pass", "fail" (any counterexample), "fail:<assertion>" (the replayed
# counterexample must name that assertion) or "reach:<n>" (exactly n properties fail, each at its
# own depth: the reachability targets compiled in with -DNASMAC_FORMAL_REACH).
#
# Yosys reads the files with `read_verilog -formal` and writes the flattened model twice: as
# AIGER (assertions = bad states, assumptions = invariant constraints, free initial state) and as
# SMT-LIB2. The search is ABC's bmc3 (yosys-abc, in Debian's yosys package). When it finds a
# counterexample, yosys-smtbmc replays ABC's witness with z3 and names the failing assertion and
# writes <out_dir>/<name>.vcd. (yosys-smtbmc doing the search itself is what FORMAL_ENGINE=smtbmc
# runs; with Debian's z3 4.8.12 it needs --unroll and a whole-kernel step takes minutes; see
# hw/README.md.) Expectation "fail" is for the deliberately broken fixtures and the reachability
# runs: the run passes when the check finds a counterexample. NASMAC_FORMAL_DEFINES adds -D
# options to read_verilog; FORMAL_REPLAY=0 skips the z3 replay (a whole-kernel replay takes
# minutes).
set -eu
out=$1 name=$2 top=$3 depth=$4 expect=$5
shift 5
mkdir -p "$out"
base=$out/$name
YOSYS=${YOSYS:-yosys}
ABC=${YOSYS_ABC:-yosys-abc}
SMTBMC=${YOSYS_SMTBMC:-yosys-smtbmc}
ENGINE=${FORMAL_ENGINE:-abc}
defs=${NASMAC_FORMAL_DEFINES:-}
t0=$(date +%s)

$YOSYS -q -l "$base.yosys.log" -p "read_verilog -formal -sv $defs $*; prep -flatten -top $top; \
	memory_map; opt -full; async2sync; dffunmap; write_smt2 -wires $base.smt2; \
	techmap; opt -fast; dffunmap; setundef -undriven -anyseq; setundef -anyseq; abc -g AND -fast; opt_clean; \
	write_aiger -zinit -map $base.aim $base.aig" >/dev/null 2>&1 || {
	echo "formal: $name: yosys failed, see $base.yosys.log"; exit 1; }

status=pass
if [ "$ENGINE" = smtbmc ]; then
	if ! $SMTBMC -s z3 --unroll -t "$depth" --dump-vcd "$base.vcd" "$base.smt2" >"$base.log" 2>&1; then
		status=fail
	fi
else
	all="" cex="; write_cex -a $base.aiw"
	case $expect in reach:*) all="-a" cex="" ;; esac
	$ABC -c "read_aiger $base.aig; fold; strash; bmc3 $all -F $depth$cex" \
		>"$base.log" 2>&1 || { echo "formal: $name: yosys-abc failed, see $base.log"; exit 1; }
	if [ -n "$all" ]; then
		status=reach:$(grep -c "was asserted in frame" "$base.log" || true)
	elif grep -q "was asserted in frame" "$base.log"; then
		status=fail
		# Name the assertion and dump the trace: replay the witness with z3.
		[ "${FORMAL_REPLAY:-1}" = 0 ] || $SMTBMC -s z3 --unroll --aig-noheader --aig "$base.aim:$base.aiw" --dump-vcd "$base.vcd" "$base.smt2" \
			>"$base.replay.log" 2>&1 || true
	elif ! grep -q "No output asserted in $depth frames" "$base.log"; then
		# (bmc3 prints this only when every frame up to the depth was solved.)
		echo "formal: $name: no verdict from bmc3 (see $base.log)"; exit 1
	fi
fi
secs=$(( $(date +%s) - t0 ))

if [ "${status%%:*}" = reach ]; then
	detail="$(sed -n 's/.*Output \([0-9]*\) .*asserted in frame *\([0-9]*\).*/output \1 at step \2/p' "$base.log" | tr '\n' ',' | sed 's/,$//; s/,/, /g') within $depth steps"
elif [ "$status" = fail ]; then
	what=$(grep -h "Assert failed in" "$base.replay.log" "$base.log" 2>/dev/null | head -1 | sed 's/.*Assert failed in //')
	frame=$(sed -n 's/.*was asserted in frame *\([0-9]*\).*/\1/p' "$base.log" | head -1)
	detail="counterexample at step ${frame:-?}: ${what:-see $base.log}"
	[ -s "$base.vcd" ] && detail="$detail (trace $base.vcd)"
else
	detail="no counterexample in $depth steps"
fi
want=${expect%%:*}
case $expect in reach:*) want=$expect ;; esac
ok=0
if [ "$status" = "$want" ]; then
	ok=1
	case $expect in fail:*) case $what in *"${expect#fail:}"*) ;; *) ok=0 ;; esac ;; esac
fi
if [ $ok = 1 ]; then
	echo "formal: $name: ok, $detail, ${secs} s"
else
	echo "formal: $name: FAILED (expected $expect), $detail, ${secs} s"
	exit 1
fi
