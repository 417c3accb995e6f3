#!/bin/sh
# An MME pool behind one AMF: nasmacd amf --mme GUMMEI=ADDR:PORT picks the
# old MME from the GUTI mapped back from the UE's 5G-GUTI, the MMEs share one store.
#  - pool 1 (three MMEs on one store): every UE's Context Request reaches the MME of its GUTI's
#    GUMMEI (each MME's accepted counter = the UEs of its MMEC in the UE db, the AMF's
#    per-MME count too); UEs of a GUMMEI outside the pool are rejected (#9, unknown_gummei)
#    without any MME seeing them;
#  - a UE registered through MME A and replayed through MME B (a second AMF with the GUMMEIs
#    rotated) is refused: the store's compare-and-set, not B's stale index, decides;
#  - pool 2: kill -9 of one MME during a load: every UE of the other MMECs registers, only the
#    dead MME's UEs time out, the other MMEs still serve;
#  - the proof: the same cross-MME replay against two MMEs on separate memory: stores IS
#    accepted twice (what the shared store prevents);
#  - a Context Response from another member of the pool than the MME the request went to is
#    dropped (gtp_wrong_peer), the same answer from that MME is taken;
#  - pool 3 (two MMEs on one store): each has its own restart counter (one's restart leaves the
#    other's Echo Recovery as it was); an MME asked for the UEs of another MME's GUMMEI hands
#    them out without --gummei (the attack) and refuses them with Context Not Found with it.
# usage: pool.sh BIN   (POOL_UES: UEs per load; POOL_STORE: the shared store's URI prefix, the
# pools get ${POOL_STORE}1 and ${POOL_STORE}2; default lmdb:TMPDIR/store; a redis:// prefix
# such as redis://127.0.0.1:6379/ runs the same test on Redis databases 1 and 2)
set -u
N=${POOL_UES:-300}
T=$(mktemp -d /tmp/nasmac-pool.XXXXXX)
STORE=${POOL_STORE:-lmdb:$T/store}
G0=001-01-8001-4a G1=001-01-8001-4b G2=001-01-8001-4c
PIDS=""
E2E_NAME=pool
. "$(dirname "$0")/lib.sh"

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM # (so that the EXIT trap stops the daemons then too)

# mme NAME STORE [--ue-db FILE]: an MME on a free port; its port in $NAME_PORT, pid in $NAME_PID.
mme() {
	name=$1 store=$2
	shift 2
	e2e_daemon "$name" 'serving N26' mme --backend cpu --store "$store" "$@"
}

# amf NAME GUMMEI=PORT...: an AMF towards the MMEs on those ports; port in $NAME_PORT.
amf() {
	name=$1
	shift
	args=""
	for m in "$@"; do args="$args --mme ${m%=*}=127.0.0.1:${m#*=}"; done
	# T3 x (N3 + 1) = 2 s: long enough for a live MME whose fdatasync stalls behind other I/O
	# (600 ms timed out 9 of a live MME's UEs once, under ASan beside the persist test), short
	# enough for the dead MME's UEs of pool 2 to time out quickly.
	# shellcheck disable=SC2086
	e2e_daemon "$name" 'UE test link on' amf --backend cpu --kamf-check --t3-ms 500 --n3 3 $args
}

LOAD_OPTS="--ues $N --mmes 3 --upgraded 0.5 --window 32 --timeout-ms 20000 --no-progress"

# load NAME AMF_PORT SEED [more options]: JSON in $T/NAME.json
load() {
	name=$1 port=$2 seed=$3
	shift 3
	# shellcheck disable=SC2086
	"$BIN/nasmac" load --amf "127.0.0.1:$port" $LOAD_OPTS --seed "$seed" --json "$@" \
		>"$T/$name.json" 2>"$T/$name.err"
}

# counter LOG NAME: the value of NAME in the last counters line of the log.
counter() {
	grep 'counters (' "$1" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# usr1 NAME: the daemon prints its counters (SIGUSR1); waits for the line.
usr1() {
	n=$(grep -c 'counters (SIGUSR1)' "$T/$1.log")
	eval "kill -USR1 \$${1}_PID"
	for _ in $(seq 100); do
		[ "$(grep -c 'counters (SIGUSR1)' "$T/$1.log")" -gt "$n" ] && return 0
		sleep 0.05
	done
	bad "$1 printed no counters"
}

# in_db DB MMEGI MMEC: UEs of the db whose GUTI has that MMEGI and MMEC (hex).
in_db() {
	grep -c "guti=00f110$2$3" "$1"
}

t0=$(date +%s)

# --- pool 1: routing by GUMMEI, unknown GUMMEI, replay across MMEs ------------------------------
"$BIN/nasmac" load --write-db "$T/ue1.db" $LOAD_OPTS --seed 21 --unknown-gummei 0.1 ||
	bad "cannot write the UE db"
mme A "${STORE}1" --ue-db "$T/ue1.db"
mme B "${STORE}1"
mme C "${STORE}1"
amf AMF1 "$G0=$A_PORT" "$G1=$B_PORT" "$G2=$C_PORT"
load L1 "$AMF1_PORT" 21 --unknown-gummei 0.1
unknown=$(in_db "$T/ue1.db" 80ff '')
known=$((N - unknown))
[ "$unknown" -gt 0 ] && [ "$known" -gt 0 ] || bad "the db has $unknown UEs of an unknown GUMMEI"
expect_json L1 unexpected 0
expect_json L1 rejected_unknown "$unknown"
expect_json L1 attempts "$N"
usr1 AMF1
[ "$(counter "$T/AMF1.log" unknown_gummei)" = "$unknown" ] ||
	bad "AMF unknown_gummei = $(counter "$T/AMF1.log" unknown_gummei), want $unknown"
# One log line per unknown GUMMEI, rate-limited (5 a second, then a summary).
lines=$(grep -c "no MME configured for GUMMEI 001-01-80ff-4[abc] of its GUTI" "$T/AMF1.log")
[ "$lines" -ge 1 ] && [ "$lines" -le 10 ] || bad "$lines log lines for $unknown UEs of an unknown GUMMEI"
sum=0
for m in A:4a B:4b C:4c; do
	name=${m%:*} mmec=${m#*:}
	want=$(in_db "$T/ue1.db" 8001 "$mmec")
	usr1 "$name"
	acc=$(counter "$T/$name.log" accepted)
	# At most its own UEs (some are refused by flow); with the sum below: exactly those that
	# registered. (Every MME of the pool knows every UE: the store is shared.)
	[ "$acc" -gt 0 ] && [ "$acc" -le "$want" ] ||
		bad "MME $name (MMEC $mmec): accepted=$acc, its UEs: $want"
	sum=$((sum + acc))
done
[ "$sum" = "$(field L1 registered)" ] || bad "the MMEs accepted $sum, the load registered $(field L1 registered)"

# The same UEs again, through an AMF whose GUMMEIs point at the next MME: each verifies the MAC
# with its (stale) index and the store refuses the COUNT: all rejected_replay.
amf AMF2 "$G0=$B_PORT" "$G1=$C_PORT" "$G2=$A_PORT"
load L2 "$AMF2_PORT" 21 --unknown-gummei 0.1
expect_json L2 registered 0
expect_json L2 rejected_replay "$(field L1 registered)"
usr1 A
usr1 B
usr1 C
kill "$AMF1_PID" "$AMF2_PID" "$A_PID" "$B_PID" "$C_PID" 2>/dev/null
wait "$AMF1_PID" "$AMF2_PID" "$A_PID" "$B_PID" "$C_PID" 2>/dev/null
for name in AMF1 A B C; do
	grep -q 'counters (exit)' "$T/$name.log" || bad "$name did not stop cleanly"
done
# The AMF's count of Context Requests per MME is the db's count of UEs of that MMEC (a UE
# whose flow its MME refuses still went there).
for m in 4a:A 4b:B 4c:C; do
	mmec=${m%:*} name=${m#*:}
	n=$(grep -c "pool (exit): MME 001-01-8001-$mmec: $(in_db "$T/ue1.db" 8001 "$mmec") Context Requests" "$T/AMF1.log")
	[ "$n" = 1 ] || bad "AMF1's Context Requests to $name: $(grep "pool (exit)" "$T/AMF1.log")"
done

# --- pool 2: kill -9 of one MME during a load --------------------------------------------------
"$BIN/nasmac" load --write-db "$T/ue2.db" $LOAD_OPTS --seed 22 --upgraded 1 || bad "cannot write db 2"
mme D "${STORE}2" --ue-db "$T/ue2.db"
mme E "${STORE}2"
mme F "${STORE}2"
amf AMF3 "$G0=$D_PORT" "$G1=$E_PORT" "$G2=$F_PORT"
load L3 "$AMF3_PORT" 22 --upgraded 1 --window 16 &
lpid=$!
# Until the doomed MME has answered a few, then it dies with its requests in flight.
for _ in $(seq 200); do
	[ "$(grep -c "UE [0-9]*: registered" "$T/AMF3.log" 2>/dev/null)" -ge 20 ] && break
	sleep 0.01
done
kill -9 "$F_PID"
wait "$lpid"
kill -USR1 "$D_PID" "$E_PID" 2>/dev/null || bad "MMEs D and E died with F"
sed -n 's/.*UE \([0-9]*\): registered,.*/\1/p' "$T/AMF3.log" | sort -n >"$T/L3.ids"
# UE id k is UE k-1 of the load: MMEC 4a + (k-1) % 3.
lost=$(awk '($1 - 1) % 3 != 2' "$T/L3.ids" | wc -l)
want=$(( (N + 2) / 3 + (N + 1) / 3 ))
[ "$lost" = "$want" ] || bad "UEs of the live MMEs registered: $lost of $want"
f_reg=$(awk '($1 - 1) % 3 == 2' "$T/L3.ids" | wc -l)
[ "$f_reg" -lt $((N / 3)) ] || bad "all $f_reg UEs of the killed MME registered: the kill came too late"
[ "$(field L3 registered)" = $((lost + f_reg)) ] || bad "L3 registered $(field L3 registered), the AMF logged $((lost + f_reg))"
# Every UE of the dead MME that did not register timed out (nothing else went wrong).
[ "$(field L3 unexpected)" = $((N / 3 - f_reg)) ] ||
	bad "L3: unexpected $(field L3 unexpected), want the $((N / 3 - f_reg)) UEs of the dead MME ($(cat "$T/L3.json"))"
kill "$AMF3_PID" "$D_PID" "$E_PID" 2>/dev/null
wait "$AMF3_PID" "$D_PID" "$E_PID" 2>/dev/null

# --- the proof: two MMEs with separate memory: stores accept the cross-MME replay -------------
mme P memory: --ue-db "$T/ue1.db"
mme Q memory: --ue-db "$T/ue1.db"
mme R memory: --ue-db "$T/ue1.db"
amf AMF4 "$G0=$P_PORT" "$G1=$Q_PORT" "$G2=$R_PORT"
amf AMF5 "$G0=$Q_PORT" "$G1=$R_PORT" "$G2=$P_PORT"
load L4 "$AMF4_PORT" 21 --unknown-gummei 0.1
load L5 "$AMF5_PORT" 21 --unknown-gummei 0.1
expect_json L4 registered "$(field L1 registered)"
expect_json L5 registered "$(field L1 registered)"
expect_json L5 rejected_replay 0

# --- a Context Response from another member of the pool than the request's MME -------------
# A relay stands for two pool members X (IN) and Y (OUT) in front of a real MME: it passes the
# AMF's requests from IN to the MME and its answers back to the AMF from OUT ("swap": Y answers
# for a request that went to X, which the AMF must drop) or from IN ("same": the control, taken).
relay() { # NAME MODE MME_PORT: IN and OUT ports in $NAME_IN, $NAME_OUT
	python3 - "$2" "$3" >"$T/$1.relay" 2>&1 <<'PY' &
import select, socket, sys
mode, mme = sys.argv[1], ("127.0.0.1", int(sys.argv[2]))
def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s
inp, out, up = sock(), sock(), sock()
print(inp.getsockname()[1], out.getsockname()[1], flush=True)
amf = None
while True:
    r, _, _ = select.select([inp, out, up], [], [])
    for s in r:
        d, a = s.recvfrom(65536)
        if s is up and amf:
            (out if mode == "swap" else inp).sendto(d, amf)
        elif s is not up:
            amf = a
            up.sendto(d, mme)
PY
	PIDS="$PIDS $!"
	for _ in $(seq 100); do [ -s "$T/$1.relay" ] && break; sleep 0.05; done
	eval "$1_IN=$(cut -d' ' -f1 "$T/$1.relay") $1_OUT=$(cut -d' ' -f2 "$T/$1.relay")"
}
M=30
"$BIN/nasmac" load --write-db "$T/ue3.db" --ues $M --seed 23 --upgraded 1 || bad "cannot write db 3"
mme S memory: --ue-db "$T/ue3.db"
mme U memory: --ue-db "$T/ue3.db"
relay RS same "$S_PORT"
relay RW swap "$U_PORT"
amf AMF6 "$G0=$RS_IN" "$G1=$RS_OUT"
amf AMF7 "$G0=$RW_IN" "$G1=$RW_OUT"
"$BIN/nasmac" load --amf "127.0.0.1:$AMF6_PORT" --ues $M --seed 23 --upgraded 1 --json \
	--no-progress >"$T/L6.json" 2>"$T/L6.err"
"$BIN/nasmac" load --amf "127.0.0.1:$AMF7_PORT" --ues $M --seed 23 --upgraded 1 --json \
	--no-progress >"$T/L7.json" 2>"$T/L7.err"
expect_json L6 registered $M
expect_json L7 registered 0
usr1 AMF7
[ "$(counter "$T/AMF7.log" gtp_wrong_peer)" -ge $M ] && [ "$(counter "$T/AMF7.log" accepted)" = 0 ] ||
	bad "AMF7 took answers from the wrong pool member: $(grep 'counters (' "$T/AMF7.log" | tail -1)"
grep -q "Context Response from MME $G1, the request went to $G0: dropped" "$T/AMF7.log" ||
	bad "AMF7 did not log the wrong member"

# --- pool 3: a restart counter per MME, --gummei ----------------------------------------------
M=40
"$BIN/nasmac" load --write-db "$T/ue4.db" --ues $M --mmes 2 --seed 25 --upgraded 1 || bad "cannot write db 4"
own=$(in_db "$T/ue4.db" 8001 4a)
mme V "${STORE}3" --ue-db "$T/ue4.db" --gummei $G0
mme W "${STORE}3" --gummei $G1
rv=$(recovery "$V_PORT") rw=$(recovery "$W_PORT")
[ "$rv" -ge 0 ] && [ "$rw" -ge 0 ] || bad "no Echo Response: V $rv, W $rw"
kill "$W_PID"; wait "$W_PID" 2>/dev/null
mme W "${STORE}3" --gummei $G1
[ "$(recovery "$V_PORT")" = "$rv" ] && [ "$(recovery "$W_PORT")" = $((rw + 1)) ] ||
	bad "restart counters: V $rv -> $(recovery "$V_PORT") (want the same), W $rw -> $(recovery "$W_PORT") (want +1)"
# Every UE, whatever its GUMMEI, sent to V: with --gummei $G0 only its own register.
amf AMF8 "$G0=$V_PORT" "$G1=$V_PORT"
"$BIN/nasmac" load --amf "127.0.0.1:$AMF8_PORT" --ues $M --mmes 2 --seed 25 --upgraded 1 --json \
	--no-progress >"$T/L8.json" 2>"$T/L8.err"
expect_json L8 registered "$own"
expect_json L8 rejected_unknown $((M - own))
usr1 V
[ "$(counter "$T/V.log" foreign_gummei)" = $((M - own)) ] && [ "$(counter "$T/V.log" accepted)" = "$own" ] ||
	bad "V: $(grep 'counters (SIGUSR1)' "$T/V.log" | tail -1)"
grep -q "for a GUTI of MME $G1, not one of --gummei: Context Not Found" "$T/V.log" || bad "V did not log the foreign GUTI"
# The attack without the check: an MME with no --gummei on the same kind of store hands out
# the other MME's UEs.
mme Z "${STORE}4" --ue-db "$T/ue4.db"
grep -q "no --gummei: Context Requests for the GUTIs of any MME are answered" "$T/Z.log" || bad "Z: no warning"
amf AMF9 "$G0=$Z_PORT" "$G1=$Z_PORT"
"$BIN/nasmac" load --amf "127.0.0.1:$AMF9_PORT" --ues $M --mmes 2 --seed 25 --upgraded 1 --json \
	--no-progress >"$T/L9.json" 2>"$T/L9.err"
expect_json L9 registered $M
kill "$V_PID" "$W_PID" "$Z_PID" "$AMF8_PID" "$AMF9_PID" 2>/dev/null
wait "$V_PID" "$W_PID" "$Z_PID" "$AMF8_PID" "$AMF9_PID" 2>/dev/null

# --- nasmac run --mmes: the demo's pool ------------------------------------------------------
"$BIN/nasmac" run --backend cpu --mmes 3 --ues 150 --kamf-check --json --no-progress \
	--keep "$T/run" >"$T/R1.json" 2>"$T/R1.err" || bad "nasmac run --mmes 3 failed: $(cat "$T/R1.err")"
expect_json R1 registered 150
expect_json R1 unexpected 0
expect_json R1 kamf_checked 150
expect_json R1 kamf_mismatch 0
for k in 0 1 2; do
	[ "$(counter "$T/run/mme-$k.log" accepted)" = 50 ] || bad "nasmac run: MME $k accepted $(counter "$T/run/mme-$k.log" accepted), want 50"
done
out=$("$BIN/nasmac" run --backend cpu --mmes 2 --ues 10 --store memory: 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "needs a store the MMEs share" ||
	bad "nasmac run --mmes 2 --store memory: not refused: rc $rc: $out"

echo "pool: killed MME F after $f_reg of its $((N / 3)) UEs registered"
echo "pool: $N UEs per load, store ${STORE}1/2, $(($(date +%s) - t0)) s, $fails failures"
[ "$fails" -eq 0 ]
