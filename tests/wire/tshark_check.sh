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

# Expectations: tests/wire/tshark_expect.txt (file frame field value; "#" lines are comments).
expect() {
	cat "$(dirname "$0")/tshark_expect.txt"
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
