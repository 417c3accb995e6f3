#!/bin/sh
# Tests of `nasmac mac` and `nasmac kdf`: outputs and exit statuses for good and bad input,
# batch mode (file, stdin, line numbers in errors, expected-MAC checks).
# usage: sh tests/ref/test_tool.sh path/to/nasmac   (run from the top of the tree)
NASMAC=${1:?usage: test_tool.sh NASMAC}
V=${NASMAC_VECTORS:-tests/vectors}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

# t NAME WANT_RC STDOUT_GLOB STDERR_GLOB CMD...: runs CMD; the globs must match the whole stdout /
# stderr ("*" for anything). An exit status of 2 must come with exactly one line on stderr.
t() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 4
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
	ok=1
	[ "$rc" = "$want_rc" ] || ok=0
	case $out in $want_out) ;; *) ok=0 ;; esac
	case $err in $want_err) ;; *) ok=0 ;; esac
	if [ "$want_rc" = 2 ] && [ "$(wc -l <"$T/err")" != 1 ]; then ok=0; fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $rc (want $want_rc)"
		echo "  stdout: $out"
		echo "  stderr: $err"
	fi
}

MAC="$NASMAC mac"
K2=d3c5d592327fb11c4035c6680af8c6d1 # 128-EIA2 Test Set 2 (TS 33.401 C.2)
EIA2_SET2="--alg eia2 --key $K2 --count 398a59b4 --bearer 26 --direction 1"

# ---- nasmac mac: good input -----------------------------------------------------------------
t "eia1 set 1" 0 731f1165 "" $MAC --alg eia1 --key 2bd6459f82c5b300952c49104881ff48 \
	--count 38a6f056 --bearer 31 --direction 0 --length-bits 88 --message 3332346263393861373479
t "eia2 set 2" 0 b93787e6 "" $MAC $EIA2_SET2 --length-bits 64 --message 484583d5afe082ae
t "eia3 set 1 (1 bit)" 0 c8a9595e "" $MAC --alg eia3 --key 00000000000000000000000000000000 \
	--count 0 --bearer 0 --direction 0 --length-bits 1 --message 00
t "nia2 alias, 0x count, upper-case hex" 0 b93787e6 "" $MAC --alg nia2 --key D3C5D592327FB11C4035C6680AF8C6D1 \
	--count 0x398A59B4 --bearer 26 --direction 1 --length-bits 64 --message 484583D5AFE082AE
t "length defaults to the whole message" 0 b93787e6 "" $MAC $EIA2_SET2 --message 484583d5afe082ae
t "bits after the length are ignored" 0 118c6eb8 "" $MAC --alg eia2 \
	--key 2bd6459f82c5b300952c49104881ff48 --count 38a6f056 --bearer 24 --direction 0 \
	--length-bits 58 --message 333234626339387f
t "empty message" 0 "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" "" \
	$MAC $EIA2_SET2 --length-bits 0 --message -
t "--backend cpu" 0 b93787e6 "" $MAC $EIA2_SET2 --message 484583d5afe082ae --backend cpu
t "--help" 0 "usage: nasmac mac*" "" $MAC --help

# ---- nasmac mac: bad input (exit 2, one line naming the field) --------------------------------
t "no arguments" 2 "" "*--help*" $MAC
t "short key" 2 "" "*--key*32 hex digits*" $MAC --alg eia2 --key d3c5 --count 0 --bearer 0 \
	--direction 0 --message 00
t "non-hex key" 2 "" "*--key*not hex*" $MAC --alg eia2 --key x3c5d592327fb11c4035c6680af8c6d1 \
	--count 0 --bearer 0 --direction 0 --message 00
t "length longer than the message" 2 "" "*--length-bits*longer than the 8-octet message*" \
	$MAC $EIA2_SET2 --length-bits 65 --message 484583d5afe082ae
t "length above the maximum" 2 "" "*--length-bits*65504*" $MAC $EIA2_SET2 --length-bits 65505 \
	--message 00
t "unknown algorithm" 2 "" "*--alg*eia4*" $MAC --alg eia4 --key $K2 --count 0 --bearer 0 \
	--direction 0 --message 00
t "bearer above 31" 2 "" "*--bearer*31*" $MAC --alg eia1 --key $K2 --count 0 --bearer 32 \
	--direction 0 --message 00
t "direction 2" 2 "" "*--direction*0*1*" $MAC --alg eia1 --key $K2 --count 0 --bearer 0 \
	--direction 2 --message 00
t "odd message hex" 2 "" "*--message*odd*" $MAC $EIA2_SET2 --message 484
t "non-hex message" 2 "" "*--message*not hex*" $MAC $EIA2_SET2 --message 48zz
t "count of 9 digits" 2 "" "*--count*8 hex digits*" $MAC --alg eia3 --key $K2 --count 123456789 \
	--bearer 0 --direction 0 --message 00
t "missing key" 2 "" "*--key is required*" $MAC --alg eia3 --count 0 --bearer 0 --direction 0 \
	--message 00
t "unknown option" 2 "" "*--frob*" $MAC --frob
t "backend not built" 2 "" "*--backend*nope*" $MAC $EIA2_SET2 --message 00 --backend nope
t "stray argument" 2 "" "*unexpected argument*" $MAC $EIA2_SET2 --message 00 extra

# ---- nasmac mac --batch -------------------------------------------------------------------------
n_vec=0
for f in "$V"/eia1.txt "$V"/eia2.txt "$V"/eia3.txt; do
	n=$(grep -c '^eia' "$f")
	n_vec=$((n_vec + n))
	t "batch $f" 0 "*expected*ok*" "*$n checked, 0 mismatched*" $MAC --batch "$f"
	if grep -q MISMATCH "$T/out" || [ "$(wc -l <"$T/out")" != "$n" ]; then
		fail=$((fail + 1))
		echo "FAIL: batch $f: want $n lines, all ok"
	fi
done
cat "$V"/eia1.txt "$V"/eia2.txt "$V"/eia3.txt >"$T/all.txt"
t "batch from stdin" 0 "*ok*" "*$n_vec checked, 0 mismatched*" sh -c "$MAC --batch - <'$T/all.txt'"

cat >"$T/nocheck.txt" <<EOT
# comment line, then a blank one

eia2 $K2 398a59b4 26 1 64 484583d5afe082ae   # trailing comment
eia3 00000000000000000000000000000000 00000000 0 0 0 -
EOT
t "batch without expected MACs" 0 "b93787e6
[0-9a-f]*" "" $MAC --batch "$T/nocheck.txt"

cat >"$T/mismatch.txt" <<EOT
eia2 $K2 398a59b4 26 1 64 484583d5afe082ae b93787e6
eia2 $K2 398a59b4 26 1 64 484583d5afe082ae b93787e7
eia2 $K2 398a59b4 26 1 64 484583d5afe082ae B93787E6
EOT
t "batch with a mismatch (exit 1, every line still printed)" 1 "b93787e6 expected b93787e6 ok
b93787e6 expected b93787e7 MISMATCH
b93787e6 expected B93787E6 ok" "*3 checked, 1 mismatched*" $MAC --batch "$T/mismatch.txt"

printf 'eia2 %s 398a59b4 26 1 64 484583d5afe082ae\n# two good lines, then a bad key\n' "$K2" >"$T/bad.txt"
printf 'eia2 %s 398a59b4 26 1 64 484583d5afe082ae\neia2 d3c5 0 0 0 8 00\n' "$K2" >>"$T/bad.txt"
t "batch: bad key names line 4" 2 "b93787e6
b93787e6" "*bad.txt:4: KEY: must be 32 hex digits*" $MAC --batch "$T/bad.txt"
printf 'eia2 %s 398a59b4 26 1 64\n' "$K2" >"$T/fields.txt"
t "batch: too few fields" 2 "" "*fields.txt:1: 6 fields*" $MAC --batch "$T/fields.txt"
printf '\n\neia1 %s 0 32 0 8 00\n' "$K2" >"$T/bearer.txt"
t "batch: bearer 32 on line 3" 2 "" "*bearer.txt:3: BEARER*31*" $MAC --batch "$T/bearer.txt"
printf 'eia3 %s 0 1 0 9 00\n' "$K2" >"$T/len.txt"
t "batch: length longer than the message" 2 "" "*len.txt:1: LENGTH_BITS*" $MAC --batch "$T/len.txt"
printf 'eia9 %s 0 1 0 8 00\n' "$K2" >"$T/alg.txt"
t "batch: unknown algorithm" 2 "" "*alg.txt:1: ALG*eia9*" $MAC --batch "$T/alg.txt"
printf 'eia2 %s 0 1 0 8 00 12345\n' "$K2" >"$T/exp.txt"
t "batch: bad expected MAC" 2 "" "*exp.txt:1: EXPECTED_MAC*" $MAC --batch "$T/exp.txt"
t "batch: missing file" 2 "" "*cannot open*" $MAC --batch "$T/none.txt"
t "batch with MAC options" 2 "" "*--batch*" $MAC --batch "$T/nocheck.txt" --key $K2

# ---- nasmac kdf (vectors from tests/vectors/kdf.txt) ---------------------------------------------
KDF="$NASMAC kdf"
KASME=d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d361597037990
KAMF=d655f16142035d4d72ca39583d228d2dd2ec0ca7929ad007f53b382d05544405
t "eps-nas int EIA1" 0 b79408e243dd367dc8c6392295b3b451 "" $KDF eps-nas --kasme $KASME --alg-type int --alg-id 1
t "eps-nas enc EEA0" 0 e4cf7fecbad4b8c37db4a190e119225c "" $KDF eps-nas --kasme $KASME --alg-type enc --alg-id 0
t "kamf count 0" 0 f8a2d33364d94c02ce96aa64cc2c260581ebaff426cc7f34402d9ea3e7a89dc8 "" \
	$KDF kamf --kasme $KASME --ul-count 0
t "kamf count 0x123" 0 3070f67ad77aeb9fab36a0de49aa120827396aa6c6048965818d0c66457bc194 "" \
	$KDF kamf --kasme $KASME --ul-count 00000123
t "5g-nas int NIA2" 0 3db72974cb13964b777e93ccd525a4e2 "" $KDF 5g-nas --kamf $KAMF --alg-type int --alg-id 2
t "generic K_gNB" 0 493a16c58b77b627fa3f1ac6344c183039f01ba0cb7636bbccc4365b023bd562 "" \
	$KDF generic --key $KAMF --fc 6e --param 00000000 --param 01
t "generic K_ASME (FC 0x10)" 0 238e457e0f758badbca8d34bb2612c10428d426757cb5553b2b184fa64bfc549 "" \
	$KDF generic --key b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441 \
	--fc 0x10 --param 024830 --param 57e673245c0d
t "kdf --help" 0 "usage: nasmac kdf*" "" $KDF --help
t "kdf eps-nas --help" 0 "usage: nasmac kdf*" "" $KDF eps-nas --help
t "kdf: no arguments" 2 "" "*--help*" $KDF
t "kdf: unknown derivation" 2 "" "*unknown derivation 'nh'*" $KDF nh --kasme $KASME
t "kdf: short K_ASME" 2 "" "*--kasme*64 hex digits*" $KDF eps-nas --kasme 00 --alg-type int --alg-id 1
t "kdf: bad alg type" 2 "" "*--alg-type*enc or int*" $KDF eps-nas --kasme $KASME --alg-type rrc --alg-id 1
t "kdf: alg id 16" 2 "" "*--alg-id*15*" $KDF 5g-nas --kamf $KAMF --alg-type int --alg-id 16
t "kdf: bad UL COUNT" 2 "" "*--ul-count*not hex*" $KDF kamf --kasme $KASME --ul-count 12g
t "kdf: missing UL COUNT" 2 "" "*--ul-count is required*" $KDF kamf --kasme $KASME
t "kdf: option of another derivation" 2 "" "*--kamf does not apply*" $KDF kamf --kasme $KASME --kamf $KAMF
t "kdf: FC of 3 digits" 2 "" "*--fc*2 hex digits*" $KDF generic --key 00 --fc 100
t "kdf: bad parameter" 2 "" "*--param*not hex*" $KDF generic --key 00 --fc 10 --param zz

echo "nasmac mac/kdf tool tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
