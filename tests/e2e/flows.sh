#!/bin/sh
# End-to-end flow tests on loopback: `nasmac run` starts nasmacd mme and nasmacd amf as child
# processes and drives seeded UE load through them; each case then checks
#  - the --json summary (attempts, registered, rejections by reason, unexpected == 0),
#  - the MME's and the AMF's own counters (their logs),
#  - K_AMF: the AMF's check value of every registered UE equals the UE's (kamf_mismatch == 0,
#    and compared here line by line), and for a few UEs both equal KDF(K_ASME, FC 0x75, c)
#    recomputed with `nasmac kdf` from the UE db, c = the uplink COUNT the MME verified
#    (TS 33.501 A.15.1: the TAU's in FIG. 2 and 3GPP mode, the Registration Request's in FIG. 3),
# against expectations computed from the run's plan (plan.txt: every attempt the seeded load
# generator made and what it planned: flow, manner, tampering, replay, UE known or not).
# Every share given to a case must show up in its plan (so a feature cannot silently vanish).
# Also: tshark over the MME's capture (no refusal carries an MM Context or K_AMF; nothing
# malformed), the MME's "No resources" answer under a one-slot --max-pending, retransmitted
# Context Requests (against the model backend, and deterministically with flows_retx, which plays
# the AMF towards nasmacd mme).
#
# usage: flows.sh BINDIR [quick|sim]   (quick: the cpu cases; sim: two short --backend sim runs)
set -eu

E2E_NAME=flows
. "$(dirname "$0")/lib.sh"
WHAT=${2:-quick}
NASMAC=$BIN/nasmac
e2e_tmpdir e2e-flows
cases=0

# The K_AMF check value the KDF gives for UE $2 of run directory $1 at COUNT ul + 1.
kamf_check_of() {
	line=$(grep "^ue id=$2 " "$1/ue.db")
	kasme=$(echo "$line" | sed 's/.* kasme=\([0-9a-f]*\).*/\1/')
	ul=$(echo "$line" | sed 's/.* ul=\([0-9]*\).*/\1/')
	kamf=$("$NASMAC" kdf kamf --kasme "$kasme" --ul-count "$(printf %x $((ul + 1)))")
	# nasmac__key_check(): KDF(K_AMF, FC 0xff, "nasmac key check value"), first 4 octets.
	"$NASMAC" kdf generic --key "$kamf" --fc ff \
		--param 6e61736d6163206b657920636865636b2076616c7565 | cut -c1-8
}

# check NAME KEY=VALUE...: compares the expectations derived from DIR/plan.txt with the JSON
# summary and the daemons' counters. Knobs: kamf_all=1 (nasmacd mme --kamf-by-mme),
# want_flow=F / want_manner=N (every first attempt must have them), need=LIST (plan
# categories that must be non-empty: mac, replay, unknown, stale, fig2, fig3, kamf_mme,
# second).
check() {
	name=$1
	shift
	dir=$T/$name
	exit_counters "$dir/mme.log" | sed 's/^/mme_/' >"$dir/got"
	exit_counters "$dir/amf.log" | sed 's/^/amf_/' >>"$dir/got"
	tr -d '{}"' <"$dir/json" | tr ',' '\n' | tr -d ' ' | tr ':' ' ' | sed 's/^/json_/' \
		>>"$dir/got"
	kamf_all=0 want_flow="" want_manner="" need="" retx=0
	for kv in "$@"; do
		case $kv in
		kamf_all=*) kamf_all=${kv#*=} ;;
		retx=*) retx=${kv#*=} ;;
		want_flow=*) want_flow=${kv#*=} ;;
		want_manner=*) want_manner=${kv#*=} ;;
		need=*) need=${kv#*=} ;;
		*) bad "$name: unknown check option $kv" ;;
		esac
	done
	awk -v name="$name" -v kamf_all="$kamf_all" -v want_flow="$want_flow" -v retx="$retx" \
		-v want_manner="$want_manner" -v need="$need" '
		function want(k, v) { wnt[k] = v }
		FNR == NR { got[$1] = $2; next }
		/^#/ { next }
		{
			for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			if (f["replay"] == 1) { n_replay++; e[f["expect"]]++; next }
			n++
			nflow[f["flow"]]++
			if (want_flow != "" && f["flow"] != want_flow) wrongflow++
			if (want_manner != "" && f["flow"] == "fig2" && f["manner"] != want_manner)
				wrongmanner++
			e[f["expect"]]++
			if (f["in_db"] == 0) { unknown++; next }
			if (f["flow"] == "fig3" && f["upgraded"] == 0) { stale++; next }
			if (f["tamper"] == "first") { first++; next }
			accepted++
			if (f["tamper"] == "second") second++
			if (f["flow"] == "fig3" && (f["kamf_by_mme"] == 1 || kamf_all == 1)) kamf_mme++
		}
		END {
			reg = e["registered"] + 0
			# Rejections by reason, as the load generator and the AMF count them.
			np = split("mac:mac replay:replay unknown:unknown_ue", pairs, " ")
			for (i = 1; i <= np; i++) {
				split(pairs[i], ab, ":")
				want("json_rejected_" ab[1], e[ab[2]] + 0)
				want("amf_rejected_" ab[1], e[ab[2]] + 0)
			}
			want("json_rejected_malformed", e["malformed"] + 0)
			want("json_rejected_other", e["other"] + 0)
			want("amf_rejected_other", e["malformed"] + e["other"])
			nz = split("json_rejected_overload json_rejected_timeout " \
				   "json_unexpected json_kamf_mismatch mme_overload mme_busy_ue " \
				   "mme_acks_unknown amf_malformed amf_overload amf_timeouts " \
				   "amf_smc_timeouts", zero, " ")
			for (i = 1; i <= nz; i++) want(zero[i], 0)
			want("json_attempts", n + n_replay)
			want("amf_registrations", n + n_replay)
			want("json_registered", reg)
			want("amf_accepted", reg)
			want("mme_acks", reg)
			want("json_kamf_checked", reg)
			want("json_fig2", nflow["fig2"] + 0)
			want("json_fig3", nflow["fig3"] + 0)
			want("json_mode_3gpp", nflow["3gpp"] + 0)
			# The MME: what it verified, derived, refused, and got acknowledged.
			want("mme_accepted", accepted + 0)
			want("mme_kamf_by_mme", kamf_mme + 0)
			want("mme_acks_rejected", second + 0)
			if (retx) {
				# A retransmitted refusal is handled afresh (same answer, counted
				# again); an accepted request is recognised and answered again.
				if (got["mme_retransmit"] + 0 == 0 || got["amf_gtp_retransmits"] + 0 == 0)
					{ printf "flows: FAIL: %s: no retransmission\n", name; bad0++ }
				printf "flows: %s: %d Context Requests sent again by the AMF, %d " \
					"recognised by the MME\n", name, got["amf_gtp_retransmits"],
					got["mme_retransmit"]
			} else {
				want("mme_mac_fail", first + 0)
				want("mme_replay", n_replay + 0)
				want("mme_unknown_ue", unknown + 0)
				want("mme_not_upgraded", stale + 0)
				want("mme_malformed", stale + 0)
				want("mme_retransmit", 0)
			}
			bad = bad0 + 0
			for (k in wnt)
				if (!(k in got) || got[k] != wnt[k]) {
					printf "flows: FAIL: %s: %s = %s, expected %d\n", name, k,
						(k in got) ? got[k] : "(missing)", wnt[k]
					bad++
				}
			if (wrongflow) { printf "flows: FAIL: %s: %d UEs not in flow %s\n", name,
						wrongflow, want_flow; bad++ }
			if (wrongmanner) { printf "flows: FAIL: %s: %d UEs not in manner %s\n",
						  name, wrongmanner, want_manner; bad++ }
			cat["mac"] = e["mac"]; cat["replay"] = n_replay; cat["unknown"] = unknown
			cat["stale"] = stale; cat["fig2"] = nflow["fig2"]; cat["fig3"] = nflow["fig3"]
			cat["kamf_mme"] = kamf_mme; cat["second"] = second; cat["first"] = first
			nn = split(need, needs, ",")
			for (i = 1; i <= nn; i++)
				if (needs[i] != "" && cat[needs[i]] + 0 == 0) {
					printf "flows: FAIL: %s: the plan has no %s case\n", name, needs[i]
					bad++
				}
			printf "flows: %s: %d attempts, %d registered, %d mac, %d replay, %d unknown, " \
				"%d stale FIG. 4, %d K_AMF by MME: %s\n", name, n + n_replay, reg,
				e["mac"], n_replay, unknown, stale, kamf_mme, bad ? "FAIL" : "ok"
			exit bad ? 1 : 0
		}' "$dir/got" "$dir/plan.txt" || fails=$((fails + 1))

	# K_AMF: the AMF's check values, UE by UE, against the KDF recomputed from the UE db.
	grep -o 'UE [0-9]*: registered, K_AMF check value [0-9a-f]*' "$dir/amf.log" |
		awk '{ print $2, $7 }' | tr -d ':' >"$dir/amf.kamf"
	if [ "$(wc -l <"$dir/amf.kamf")" -ne "$(grep -c 'expect=registered' "$dir/plan.txt")" ]; then
		bad "$name: the AMF logged $(wc -l <"$dir/amf.kamf") K_AMF check values"
	fi
	for id in $(awk 'NR % 37 == 1 { print $1 }' "$dir/amf.kamf" | head -4); do
		got=$(awk -v id="$id" '$1 == id { print $2 }' "$dir/amf.kamf")
		exp=$(kamf_check_of "$dir" "$id")
		[ "$got" = "$exp" ] || bad "$name: UE $id: AMF K_AMF check value $got, KDF gives $exp"
	done
}

# run NAME [nasmac run options]: one case.
run() {
	name=$1
	shift
	cases=$((cases + 1))
	rc=0
	"$NASMAC" run --no-progress --json --kamf-check --keep "$T/$name" "$@" \
		>"$T/$name/json" 2>"$T/$name/stderr" || rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "$name: nasmac run exited with $rc"
		cat "$T/$name/stderr"
	fi
}

mkcase() { mkdir -p "$T/$1"; }

# tshark: every Context Response that refuses (cause != 16 Request accepted) carries no MM
# Context IE (type 107) and no K_AMF (private extension, 255); the cause-92 answers are as many
# as the MME's mac_fail counter.
check_pcap() {
	name=$1
	dir=$T/$name
	if ! command -v "$TSHARK" >/dev/null 2>&1; then
		bad "$name: tshark not found (apt-get install tshark)"
		return
	fi
	"$TSHARK" -r "$dir/cap/mme.pcap" \
		-Y 'gtpv2.message_type == 131' -T fields -e gtpv2.cause -e gtpv2.ie_type \
		>"$dir/rsp" 2>/dev/null || bad "$name: tshark failed"
	leaks=$(awk '$1 != 16 && $2 ~ /(^|,)(107|255)(,|$)/' "$dir/rsp" | wc -l)
	n92=$(awk '$1 == 92' "$dir/rsp" | wc -l)
	mac_fail=$(exit_counters "$dir/mme.log" | awk '$1 == "mac_fail" { print $2 }')
	[ "$leaks" -eq 0 ] || bad "$name: $leaks refusing Context Responses carry a context"
	[ "$n92" -eq "$mac_fail" ] && [ "$n92" -gt 0 ] ||
		bad "$name: $n92 cause-92 Context Responses, MME mac_fail $mac_fail"
	echo "flows: $name: $(wc -l <"$dir/rsp") Context Responses, $n92 with cause 92, none of" \
		"the refusing ones with a context: $([ "$leaks" -eq 0 ] && echo ok || echo FAIL)"
	# Full dissection of the N26 traffic: nothing malformed, no expert error. FIG. 3 requests
	# carry the Registration Request in a Private Extension IE (enterprise 32473, host/README.md)
	# that tshark shows as vendor data; the FIG. 4 case must have some.
	ts -r "$dir/cap/mme.pcap" -V >"$dir/dissect" || bad "$name: tshark -V failed"
	fig3_req=$("$TSHARK" -r "$dir/cap/mme.pcap" \
		-Y 'gtpv2.message_type == 130 && gtpv2.enterprise_id == 32473' 2>/dev/null | wc -l)
	malformed=$(grep -c 'Malformed' "$dir/dissect" || true)
	experts=$(grep -c '\[Expert Info (Error' "$dir/dissect" || true)
	[ "$malformed" -eq 0 ] || bad "$name: $malformed malformed packets in the MME capture"
	[ "$experts" -eq 0 ] || bad "$name: $experts expert errors in the MME capture"
	[ "$fig3_req" -eq "$2" ] || bad "$name: $fig3_req FIG. 3 Context Requests captured, want $2"
	echo "flows: $name: tshark: $(grep -c '^Frame ' "$dir/dissect") frames, $malformed malformed," \
		"$experts expert errors, $fig3_req FIG. 3 requests"
}

# Overload: a one-slot pending pool, a wide window: the MME must answer "No resources"
# (cause 73, no context) and every other request must still end as planned.
check_overload() {
	name=$1
	dir=$T/$name
	got() { tr -d '{}"' <"$dir/json" | tr ',' '\n' | tr -d ' ' | awk -F: -v k="$1" '$1 == k { print $2 }'; }
	ovl=$(got rejected_overload)
	reg=$(got registered)
	att=$(got attempts)
	mme_ovl=$(exit_counters "$dir/mme.log" | awk '$1 == "overload" { print $2 }')
	"$TSHARK" -r "$dir/cap/mme.pcap" \
		-Y 'gtpv2.message_type == 131 && gtpv2.cause == 73' -T fields -e gtpv2.ie_type \
		>"$dir/rsp73" 2>/dev/null || bad "$name: tshark failed"
	n73=$(wc -l <"$dir/rsp73")
	leaks=$(grep -c -E '(^|,)(107|255)(,|$)' "$dir/rsp73" || true)
	[ "$(got unexpected)" -eq 0 ] || bad "$name: unexpected $(got unexpected)"
	[ "$ovl" -gt 0 ] || bad "$name: no request was refused for overload"
	[ "$ovl" -eq "$mme_ovl" ] && [ "$n73" -eq "$mme_ovl" ] ||
		bad "$name: rejected_overload $ovl, MME overload $mme_ovl, cause-73 answers $n73"
	[ "$leaks" -eq 0 ] || bad "$name: $leaks cause-73 answers carry a context"
	[ $((reg + ovl)) -eq "$att" ] || bad "$name: $reg registered + $ovl overload != $att"
	echo "flows: $name: $att attempts, $reg registered, $ovl refused with cause 73 (MME" \
		"overload $mme_ovl), no context in them"
}

common="--backend cpu --window 64"
if [ "$WHAT" = sim ]; then
	mkcase sim
	run sim --backend sim --ues 48 --seed 11 --tampered 0.2 --replayed 0.2 --unknown 0.1 \
		--upgraded 0.5 --kamf-by-mme 0.5 --echo-mismatch 0.2 --window 8
	check sim need=fig2,fig3,mac,replay
	# Retransmissions: all 1500 UEs at once against the slower model backend, the AMF's T3
	# at 30 ms (10 tries): Context Requests come again while being verified or after the
	# answer (hundreds per run), every outcome must still be as planned, none refused as a
	# replay of itself.
	mkcase retransmit
	run retransmit --backend sim --window 1500 --ues 1500 --seed 71 --tampered 0.1 \
		--replayed 0.1 --unknown 0.03 --amf-arg=--t3-ms=30 --amf-arg=--n3=10
	check retransmit retx=1 need=mac,replay,unknown
else
	# FIG. 2 (every UE's MME is legacy), one manner per case.
	for m in 1 2 3 4; do
		mkcase fig2_manner$m
		run fig2_manner$m $common --ues 150 --seed $((m + 20)) --upgraded 0 --manner $m \
			--tampered 0.12 --replayed 0.1 --unknown 0.04
		check fig2_manner$m want_flow=fig2 want_manner=$m need=first,second,replay,unknown
	done
	# FIG. 3: the MME derives K_AMF (step 305), or returns K_ASME (305').
	mkcase fig3_kamf_by_mme
	run fig3_kamf_by_mme $common --ues 150 --seed 31 --upgraded 1 --kamf-by-mme 1 \
		--tampered 0.1 --replayed 0.1 --unknown 0.04
	check fig3_kamf_by_mme want_flow=fig3 need=mac,replay,unknown,kamf_mme
	mkcase fig3_kasme
	run fig3_kasme $common --ues 150 --seed 32 --upgraded 1 --kamf-by-mme 0 \
		--tampered 0.1 --replayed 0.1
	check fig3_kasme want_flow=fig3 need=mac,replay
	# The same with nasmacd mme --kamf-by-mme (every FIG. 3 UE, whatever its db record).
	mkcase fig3_mme_all
	run fig3_mme_all $common --ues 100 --seed 33 --upgraded 1 --kamf-by-mme 0 \
		--mme-arg=--kamf-by-mme
	check fig3_mme_all want_flow=fig3 kamf_all=1 need=kamf_mme
	# FIG. 4: mixed UEs decide by echo5g; some decided on stale knowledge (FIG. 3 to a legacy
	# MME: refused with Conditional IE missing; FIG. 2 to an upgraded MME: registers).
	mkcase fig4
	run fig4 $common --ues 300 --seed 41 --upgraded 0.5 --kamf-by-mme 0.5 \
		--echo-mismatch 0.15 --tampered 0.1 --replayed 0.1 --unknown 0.03 --pcap "$T/fig4/cap"
	check fig4 need=fig2,fig3,stale,mac,replay,unknown,kamf_mme,first,second
	check_pcap fig4 "$(grep -c " flow=fig3 " "$T/fig4/plan.txt")"
	# 3GPP mode (TS 33.501 8.2): K_AMF' from the TAU's uplink COUNT on both sides.
	mkcase mode_3gpp
	run mode_3gpp $common --ues 200 --seed 51 --mode 3gpp --tampered 0.1 --replayed 0.1 \
		--unknown 0.04 --pcap "$T/mode_3gpp/cap"
	check mode_3gpp want_flow=3gpp need=mac,replay,unknown
	check_pcap mode_3gpp 0
	# A retransmission whose first answer was lost, replays, spoiled MACs, an unknown GUTI:
	# hand-made Context Requests straight to the MME (flows_retx plays the AMF).
	cases=$((cases + 1))
	mkcase retx_direct
	d=$T/retx_direct
	"$BIN/flows_retx" --write-db "$d/ue.db"
	port=$(free_port)
	"$BIN/nasmacd" mme --listen "127.0.0.1:$port" --backend cpu --ue-db "$d/ue.db" \
		--store "lmdb:$d/store" >"$d/mme.log" 2>&1 &
	mme_pid=$!
	wait_line "$d/mme.log" 'serving N26' || bad "retx_direct: nasmacd mme did not start"
	"$BIN/flows_retx" --mme "127.0.0.1:$port" >"$d/out" 2>&1 || bad "retx_direct: $(cat "$d/out")"
	kill "$mme_pid"
	wait "$mme_pid" || bad "retx_direct: nasmacd mme exited with $?"
	# accepted: steps 1 and 5.1; retransmit: 2; replay: 3; mac_fail: 4 (twice) and 5.2.
	got=$(exit_counters "$d/mme.log" | awk '$1 ~ /^(accepted|retransmit|replay|mac_fail|unknown_ue)$/ {
		printf "%s=%s ", $1, $2 }')
	want="accepted=2 mac_fail=3 replay=1 unknown_ue=1 retransmit=1 "
	[ "$got" = "$want" ] || bad "retx_direct: MME counters $got, want $want"
	echo "flows: retx_direct: $(tail -1 "$d/out"); MME $got"
	# Overload: a one-slot pending pool at the MME.
	mkcase overload
	run overload --backend cpu --window 256 --ues 600 --seed 61 --upgraded 0.5 \
		--allow-overload --mme-arg=--max-pending=1 --pcap "$T/overload/cap"
	check_overload overload
fi

if [ "$fails" -ne 0 ]; then
	echo "flows: $fails failure(s) in $cases case(s); logs kept in $T.keep"
	rm -rf "$T.keep"
	cp -r "$T" "$T.keep"
	exit 1
fi
echo "flows: all $cases cases passed"
