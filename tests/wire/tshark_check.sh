#!/bin/sh
# Dissects the captures wire_gen_pcap wrote through the daemons' pcap writer (DIR/gtp.pcap,
# DIR/nas.pcap, DIR/link.pcap: Wireshark upper-PDU records, host/common/pcap.c) with tshark and
# fails on any malformed packet or expert error (both in the -V text and by the display filter
# `_ws.malformed || _ws.expert.severity >= error`), on a wrong frame count, or on a decoded field
# that differs from the value the specs give for the fixture (tests/wire/fixtures.h), including the
# exported-PDU tags that carry the datagram's addresses and ports. Prints "N passed, M failed".
#
# No expert error is tolerated. (Until 2026-11-29 the FIG. 3 Context Request carried its 5GS
# Registration Request in a Complete Request Message of spare type 2, which Wireshark 4.0 hands to
# NAS-EPS whatever the type; it now travels in a Private Extension, frame 4.)
#
# nas-5gs.null_decipher: the SMC Complete (header type 4) and Registration Accept (type 2) are
# "ciphered" with 5G-EA0, which Wireshark only shows decoded with this preference on.
set -u
dir=$1
TSHARK=${TSHARK:-tshark}
opts="-o nas-5gs.null_decipher:TRUE -o nas-eps.null_decipher:TRUE"
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "tshark_check: FAIL: $*"; }

# The integrity-protected TAU Request of the fixtures (tests/wire/fixtures.h) as NAS-EPS decodes
# it, in whichever capture and frame ($1 $2) it travels.
protected_tau() {
	for fv in "security_header_type 1+0" "msg_auth_code 0xdeadbeef" "seq_no 5" \
		"nas_msg_emm_type 0x48" "emm.m_tmsi 3237998081"; do
		echo "$1 $2 nas_eps.$fv"
	done
}

# Expectations: file frame field value ("+" joins repeated occurrences of one field).
expect() {
	cat <<'EOF'
# gtp.pcap 1: Context Request with the protected TAU Request (TS 29.274 7.3.5)
gtp 1 gtpv2.message_type 130
gtp 1 gtpv2.teid 0x00000000
gtp 1 gtpv2.seq 0x123456
gtp 1 gtpv2.mme_grp_id 32769
gtp 1 gtpv2.mme_code 65
gtp 1 gtpv2.complete_req_msg_type 1
EOF
	protected_tau gtp 1
	cat <<'EOF'
gtp 1 gtpv2.f_teid_interface_type 40
gtp 1 gtpv2.f_teid_gre_key 0x11223344
gtp 1 gtpv2.f_teid_ipv4 127.0.0.1
gtp 1 gtpv2.rat_type 10
gtp 1 exported_pdu.prot_name gtpv2
gtp 1 exported_pdu.ipv4_src 127.0.0.1
gtp 1 exported_pdu.ipv4_dst 127.0.0.2
gtp 1 exported_pdu.port_type 3
gtp 1 exported_pdu.src_port 40000
gtp 1 exported_pdu.dst_port 2123
# 2: Context Response, Request accepted, MM Context (8.38) without K_AMF
gtp 2 gtpv2.message_type 131
gtp 2 gtpv2.teid 0x11223344
gtp 2 gtpv2.cause 16
gtp 2 e212.imsi 001010123456789
gtp 2 gtpv2.mm_context_sm 4
gtp 2 gtpv2.mm_context_ksi_a 3
gtp 2 gtpv2.mm_context_unipa 2
gtp 2 gtpv2.mm_context_unc 0
gtp 2 gtpv2.mm_context_nas_dl_cnt 258
gtp 2 gtpv2.mm_context_nas_ul_cnt 255
gtp 2 gtpv2.mm_context_kasme 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
gtp 2 gtpv2.f_teid_interface_type 12
gtp 2 gtpv2.f_teid_gre_key 0x55667788
gtp 2 gtpv2.f_teid_ipv4 10.0.0.1
gtp 2 gtpv2.enterprise_id
gtp 2 exported_pdu.ipv4_src 127.0.0.2
gtp 2 exported_pdu.src_port 2123
gtp 2 exported_pdu.dst_port 40000
# 3: Context Acknowledge, SGW Change Indication (7.3.7)
gtp 3 gtpv2.message_type 132
gtp 3 gtpv2.teid 0x55667788
gtp 3 gtpv2.cause 16
gtp 3 gtpv2.sgwci 1
# 4: FIG. 3 Context Request, the Registration Request in a Private Extension (8.67), tag 2
gtp 4 gtpv2.message_type 130
gtp 4 gtpv2.enterprise_id 32473
gtp 4 gtpv2.f_teid_interface_type 40
# 5: FIG. 3 Context Response with K_AMF from the MME: no MM Context (no K_ASME field), K_AMF
# (tag 1) and KSI, algorithms, DL and UL COUNT (tag 3) in Private Extensions (8.67)
gtp 5 gtpv2.message_type 131
gtp 5 gtpv2.cause 16
gtp 5 gtpv2.mm_context_kasme
gtp 5 gtpv2.enterprise_id 32473+32473
gtp 5 gtpv2.proprietary_value 01404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f+0303200001020000ff
# 6: Context Acknowledge
gtp 6 gtpv2.message_type 132
gtp 6 gtpv2.cause 16
# 7-16: Context Response rejections, Cause only (Table 8.4-1)
gtp 7 gtpv2.cause 64
gtp 8 gtpv2.cause 65
gtp 9 gtpv2.cause 67
gtp 10 gtpv2.cause 69
gtp 11 gtpv2.cause 70
gtp 12 gtpv2.cause 73
gtp 13 gtpv2.cause 92
gtp 14 gtpv2.cause 94
gtp 15 gtpv2.cause 103
gtp 16 gtpv2.cause 110
gtp 7 gtpv2.mm_context_kasme
gtp 16 gtpv2.message_type 131
# 17: Echo Response (7.2.2), Recovery
gtp 17 gtpv2.message_type 2
gtp 17 gtpv2.seq 0x000042
gtp 17 gtpv2.rec 0
# 18: not GTPv2-C (version 1): written for the "data" dissector, not as a broken GTPv2-C
gtp 18 exported_pdu.prot_name data
gtp 18 data.data 300100006e61736d6163
gtp 18 gtpv2.message_type
# nas.pcap 1: plain TRACKING AREA UPDATE REQUEST (TS 24.301 8.2.29)
nas 1 exported_pdu.prot_name nas-eps
nas 1 exported_pdu.ipv4_src 127.0.0.3
nas 1 exported_pdu.src_port 50000
nas 1 exported_pdu.dst_port 38412
nas 1 nas_eps.security_header_type 0
nas 1 nas_eps.nas_msg_emm_type 0x48
nas 1 nas_eps.emm.update_type_value 1
nas 1 nas_eps.emm.m_tmsi 3237998081
nas 1 nas_eps.emm.mme_grp_id 32769
# 2: the same, integrity protected (9.1)
EOF
	protected_tau nas 2
	cat <<'EOF'
# 3: REGISTRATION REQUEST with the EPS NAS message container (TS 24.501 8.2.6, 9.11.3.24)
nas 3 nas_5gs.security_header_type 0
nas 3 nas_5gs.mm.message_type 0x41
nas 3 nas_5gs.mm.5gs_reg_type 2
nas 3 nas_5gs.mm.nas_key_set_id.h1 7
nas 3 nas_5gs.mm.tsc.h1 0
nas 3 nas_5gs.amf_region_id 128
nas 3 nas_5gs.amf_set_id 5
nas 3 nas_5gs.amf_pointer 1
nas 3 nas_5gs.5g_tmsi 3237998081
nas 3 nas_eps.security_header_type 1+0
nas 3 nas_eps.msg_auth_code 0xdeadbeef
nas 3 nas_eps.nas_msg_emm_type 0x48
# 4: FIG. 3 REGISTRATION REQUEST, integrity protected (9.1.1), ngKSI mapped 3
nas 4 nas_5gs.security_header_type 1+0
nas 4 nas_5gs.msg_auth_code 0xdeadbeef
nas 4 nas_5gs.seq_no 5
nas 4 nas_5gs.mm.message_type 0x41
nas 4 nas_5gs.mm.nas_key_set_id.h1 3
nas 4 nas_5gs.mm.tsc.h1 1
nas 4 nas_eps.nas_msg_emm_type
# 5: SECURITY MODE COMMAND (8.2.25), new 5G context (header type 3)
nas 5 exported_pdu.prot_name nas-5gs
nas 5 exported_pdu.ipv4_src 127.0.0.1
nas 5 exported_pdu.src_port 38412
nas 5 nas_5gs.security_header_type 3+0
nas 5 nas_5gs.mm.message_type 0x5d
nas 5 nas_5gs.mm.nas_sec_algo_ip 2
nas 5 nas_5gs.mm.nas_sec_algo_enc 0
nas 5 nas_5gs.mm.nas_key_set_id 3
nas 5 nas_5gs.mm.tsc 1
# 6: SECURITY MODE COMPLETE (8.2.26), header type 4
nas 6 nas_5gs.security_header_type 4+0
nas 6 nas_5gs.mm.message_type 0x5e
# 7: REGISTRATION ACCEPT (8.2.7), header type 2, 3GPP access
nas 7 nas_5gs.security_header_type 2+0
nas 7 nas_5gs.seq_no 1
nas 7 nas_5gs.mm.message_type 0x42
nas 7 nas_5gs.mm.reg_res.res 1
# 8-11: REGISTRATION REJECT (8.2.9), 5GMM cause
nas 8 nas_5gs.mm.message_type 0x44
nas 8 nas_5gs.mm.5gmm_cause 3
nas 9 nas_5gs.mm.5gmm_cause 9
nas 10 nas_5gs.mm.5gmm_cause 22
nas 11 nas_5gs.mm.5gmm_cause 111
# link.pcap 1-2: one FIG. 2 uplink frame of two PDUs, link header stripped, one record each
link 1 exported_pdu.prot_name nas-5gs
link 1 exported_pdu.ipv4_src 127.0.0.3
link 1 exported_pdu.ipv4_dst 127.0.0.1
link 1 exported_pdu.src_port 50000
link 1 exported_pdu.dst_port 38412
link 1 nas_5gs.security_header_type 1+0
link 1 nas_5gs.msg_auth_code 0xdeadbeef
link 1 nas_5gs.mm.message_type 0x41
link 1 nas_5gs.5g_tmsi 3237998081
link 2 exported_pdu.prot_name nas-eps
link 2 exported_pdu.src_port 50000
EOF
	protected_tau link 2
	cat <<'EOF'
# 3: 3GPP flow uplink frame, Registration Request with the TAU in the container
link 3 nas_5gs.mm.message_type 0x41
link 3 nas_eps.nas_msg_emm_type 0x48
# 4: downlink frame, Registration Reject #3
link 4 exported_pdu.ipv4_src 127.0.0.1
link 4 exported_pdu.src_port 38412
link 4 exported_pdu.dst_port 50000
link 4 nas_5gs.mm.5gmm_cause 3
# 5: a frame of unknown kind 0x09: kept whole as data
link 5 exported_pdu.prot_name data
link 5 data.data 0000000000000007090000017e
link 5 nas_5gs.mm.message_type
EOF
}

if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "tshark_check: tshark not found (apt-get install tshark)"
	exit 1
fi

for f in gtp nas link; do
	pcap=$dir/$f.pcap
	if [ ! -s "$pcap" ]; then
		bad "$pcap missing"
		continue
	fi
	case $f in
	gtp) want=18 ;;
	nas) want=11 ;;
	link) want=5 ;;
	esac
	# shellcheck disable=SC2086
	n=$($TSHARK $opts -r "$pcap" 2>/dev/null | wc -l)
	if [ "$n" -eq "$want" ]; then ok; else bad "$f.pcap: $n frames, want $want"; fi

	# Malformed packets and expert errors, in the full dissection of every frame.
	# shellcheck disable=SC2086
	$TSHARK $opts -r "$pcap" -V >"$dir/$f.txt" 2>"$dir/$f.err" || bad "$f.pcap: tshark failed"
	if grep -q 'Malformed' "$dir/$f.txt"; then
		bad "$f.pcap: malformed packet(s):"
		grep -n 'Malformed' "$dir/$f.txt" | head -5
	else
		ok
	fi
	errs=$(grep -c '\[Expert Info (Error' "$dir/$f.txt")
	if [ "$errs" -eq 0 ]; then
		ok
	else
		bad "$f.pcap: $errs expert error(s):"
		grep -n '\[Expert Info (Error' "$dir/$f.txt" | head -5
	fi

	# The same by display filter.
	# shellcheck disable=SC2086
	errs=$($TSHARK $opts -r "$pcap" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | grep -c . ; true)
	if [ "$errs" -eq 0 ]; then ok; else bad "$f.pcap: $errs frame(s) match _ws.malformed || _ws.expert.severity >= error"; fi

	# Field values: one tshark run per file with every field named for it.
	fields=$(expect | awk -v f="$f" '$1 == f { print $3 }' | sort -u)
	eargs=""
	for x in $fields; do eargs="$eargs -e $x"; done
	# shellcheck disable=SC2086
	$TSHARK $opts -r "$pcap" -T fields -E separator='|' -E aggregator=+ -e frame.number \
		$eargs >"$dir/$f.fields" 2>"$dir/$f.fields.err" ||
		{ bad "$f.pcap: tshark -T fields failed:"; cat "$dir/$f.fields.err"; continue; }
	res=$(expect | awk -v f="$f" -v flist="$fields" -v table="$dir/$f.fields" '
		BEGIN {
			n = split(flist, names, /[ \n]+/)
			for (i = 1; i <= n; i++) col[names[i]] = i + 1
			FS = "|"
			while ((getline line < table) > 0) {
				split(line, v, "|")
				for (i = 1; i <= n; i++) got[v[1], names[i]] = v[i + 1]
			}
			FS = " "
			p = 0; q = 0
		}
		$1 == f {
			w = $4
			g = got[$2, $3]
			if (g == w) p++
			else { q++; printf "tshark_check: FAIL: %s.pcap frame %s %s = \"%s\", want \"%s\"\n", f, $2, $3, g, w }
		}
		END { printf "%d %d\n", p, q }')
	echo "$res" | grep 'FAIL' || true
	counts=$(echo "$res" | tail -n 1)
	pass=$((pass + ${counts% *}))
	fail=$((fail + ${counts#* }))
done

echo "tshark_check (tshark $($TSHARK --version 2>/dev/null | head -n 1 | awk '{print $3}')): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
