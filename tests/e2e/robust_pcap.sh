#!/bin/sh
# tshark over the daemons' own captures: every encoding must be decoded by tshark with no
# malformed or expert-error field. Two short `nasmac run --backend cpu --pcap DIR` runs (patent
# mode with tampered, replayed and unknown UEs; 3GPP mode), then for DIR/mme.pcap and amf.pcap:
#  - every record dissects as GTPv2-C or NAS (nas-eps / nas-5gs, Wireshark upper-PDU export),
#    none is malformed and none has any expert item (the FIG. 3 Registration Request travels in
#    a Private Extension IE, enterprise 32473, which tshark leaves alone; as a Complete Request
#    Message it was read as EPS NAS and flagged);
#  - Context Request, Response and Acknowledge (TS 29.274 130/131/132) all appear; every Context
#    Response with a cause other than 16 carries no MM Context, every accepting one does;
#  - the UE link: Registration Request, Security Mode Command/Complete, Registration Accept and
#    Reject all appear (TS 24.501 0x41, 0x5d, 0x5e, 0x42, 0x44; NEA0, so tshark is told to read
#    the "ciphered" ones as plain), one Accept per registered UE and one Reject per refused one.
#
# usage: robust_pcap.sh BINDIR
set -eu

E2E_NAME=robust_pcap
. "$(dirname "$0")/lib.sh"
e2e_tmpdir e2e-pcap
checks=0

# expect NAME GOT WANT
expect() {
	checks=$((checks + 1))
	[ "$2" = "$3" ] || bad "$1: got $2, expected $3"
}

# expect_pos NAME GOT
expect_pos() {
	checks=$((checks + 1))
	[ "$2" -gt 0 ] || bad "$1: got $2, expected > 0"
}

# count FILE FILTER: records matching a display filter.
count() {
	ts -r "$1" -Y "$2" | wc -l | tr -d ' '
}

check_caps() {
	name=$1
	dir=$T/$name
	for f in mme amf; do
		cap=$dir/$f.pcap
		[ -s "$cap" ] || { bad "$name: no $f.pcap"; continue; }
		all=$(count "$cap" "frame")
		expect_pos "$name/$f records" "$all"
		expect "$name/$f records dissected" "$(count "$cap" "gtpv2 || nas-eps || nas-5gs")" "$all"
		expect "$name/$f malformed" "$(count "$cap" "_ws.malformed")" 0
		expect "$name/$f expert items" "$(count "$cap" "_ws.expert")" 0
		for t in 130 131 132; do
			expect_pos "$name/$f GTPv2-C type $t" "$(count "$cap" "gtpv2.message_type == $t")"
		done
		expect "$name/$f refusals with a context" \
			"$(count "$cap" "gtpv2.message_type == 131 && gtpv2.cause != 16 && gtpv2.mm_context_kasme")" 0
		# An acceptance carries K_ASME in the MM Context, or (FIG. 3, K_AMF from the MME)
		# K_AMF in the project's Private Extension and no MM Context at all: never a
		# made-up K_ASME beside K_AMF (host/README.md, "Trust model").
		expect "$name/$f acceptances with a context" \
			"$(count "$cap" "gtpv2.message_type == 131 && gtpv2.cause == 16 && (gtpv2.mm_context_kasme || gtpv2.enterprise_id == 32473)")" \
			"$(count "$cap" "gtpv2.message_type == 131 && gtpv2.cause == 16")"
		expect "$name/$f acceptances with K_AMF and an MM Context" \
			"$(count "$cap" "gtpv2.message_type == 131 && gtpv2.mm_context_kasme && gtpv2.enterprise_id == 32473")" 0
	done
	if [ "$name" = patent ]; then
		expect_pos "$name FIG. 3 Context Requests" \
			"$(count "$dir/mme.pcap" "gtpv2.message_type == 130 && gtpv2.enterprise_id == 32473")"
	fi
	cap=$dir/amf.pcap
	for t in 0x41 0x5d 0x5e; do
		expect_pos "$name/amf 5GMM type $t" "$(count "$cap" "nas_5gs.mm.message_type == $t")"
	done
	reg=$(json_field "$dir/json" registered)
	att=$(json_field "$dir/json" attempts)
	expect "$name unexpected" "$(json_field "$dir/json" unexpected)" 0
	expect "$name/amf Registration Accepts" \
		"$(count "$cap" "nas_5gs.mm.message_type == 0x42")" "$reg"
	expect "$name/amf Registration Rejects" \
		"$(count "$cap" "nas_5gs.mm.message_type == 0x44")" $((att - reg))
}

run() {
	name=$1
	shift
	mkdir -p "$T/$name"
	if ! "$BIN/nasmac" run --backend cpu --pcap "$T/$name" --json "$@" >"$T/$name/json" \
		2>"$T/$name/log"; then
		bad "$name: nasmac run failed: $(tail -3 "$T/$name/log")"
		return
	fi
	check_caps "$name"
}

run patent --ues 300 --tampered 0.1 --replayed 0.1 --unknown 0.05 --seed 21
# Every refusal must show up, or the checks above prove nothing about them.
expect_pos "patent rejects" "$(count "$T/patent/amf.pcap" "nas_5gs.mm.message_type == 0x44")"
run 3gpp --mode 3gpp --ues 100 --tampered 0.1 --seed 22

echo "robust_pcap: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
