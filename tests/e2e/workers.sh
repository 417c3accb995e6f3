#!/bin/sh
# nasmacd mme --workers 2: two processes on one port sharing one LMDB store.
#  - hand-made Context Requests (flows_retx plays the AMF: an accepted request, its
#    retransmission whose first answer was lost, a replay, spoiled MACs, an unknown GUTI): the
#    counters summed over the workers are exactly those of one MME, so the retransmission
#    reached the worker that held its transaction (else: a second accept or a replay);
#  - a load through a real AMF: every worker served part of it (sequence-number steering),
#    the registrations are all there, and the same load again is refused as replays in full:
#    no COUNT was accepted twice, whichever worker saw it;
#  - Echo Recovery is the same whichever worker answers (one restart counter per start);
#  - kill -9 of a worker stops the service with a non-zero status (systemd restarts it).
# Usage: workers.sh BINDIR
set -u
BIN=$1
T=$(mktemp -d)
PID=
trap 'kill $PID 2>/dev/null; rm -rf "$T"' EXIT
E2E_NAME=workers
. "$(dirname "$0")/lib.sh"
sum() { # LOG KEY: the key summed over every worker's exit counters
	grep 'counters (exit)' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | awk '{s += $1} END {print s + 0}'
}

# --- the retransmission case -------------------------------------------------------------
P=$(free_port)
"$BIN/flows_retx" --write-db "$T/retx.db"
"$BIN/nasmacd" mme --listen 127.0.0.1:$P --backend cpu --ue-db "$T/retx.db" --store "lmdb:$T/s1" \
	--workers 2 >"$T/retx.log" 2>&1 &
PID=$!
wait_line "$T/retx.log" 'serving N26' 2 || bad "two workers did not start: $(cat "$T/retx.log")"
"$BIN/flows_retx" --mme 127.0.0.1:$P >"$T/retx.out" 2>&1 && ok || bad "flows_retx: $(cat "$T/retx.out")"
kill $PID; wait $PID; rc=$?; PID=
[ $rc -eq 0 ] && ok || bad "SIGTERM: exit status $rc"
[ "$(grep -c 'counters (exit)' "$T/retx.log")" -eq 2 ] && ok || bad "not two workers' counters"
got=""
for k in accepted mac_fail replay unknown_ue retransmit; do got="$got$k=$(sum "$T/retx.log" $k) "; done
want="accepted=2 mac_fail=3 replay=1 unknown_ue=1 retransmit=1 "
[ "$got" = "$want" ] && ok || bad "counters over the workers $got, want $want"

# --- a load, then the same load again -----------------------------------------------------
N=400
OPTS="--ues $N --seed 9 --upgraded 0.5"
P=$(free_port) AP=$(free_port)
"$BIN/nasmac" load --write-db "$T/ue.db" $OPTS
"$BIN/nasmacd" mme --listen 127.0.0.1:$P --backend cpu --ue-db "$T/ue.db" --store "lmdb:$T/s2" \
	--sync nosync --workers 2 >"$T/mme.log" 2>&1 &
PID=$!
"$BIN/nasmacd" amf --listen 127.0.0.1:$AP --mme 127.0.0.1:$P --backend cpu >"$T/amf.log" 2>&1 &
APID=$!
wait_line "$T/mme.log" 'serving N26' 2 && wait_line "$T/amf.log" 'UE test link' 1 || bad "did not start"
"$BIN/nasmac" load --amf 127.0.0.1:$AP $OPTS --window 32 --json --no-progress >"$T/l1.json" 2>/dev/null
"$BIN/nasmac" load --amf 127.0.0.1:$AP $OPTS --window 32 --json --no-progress >"$T/l2.json" 2>/dev/null
[ "$(json_field "$T/l1.json" registered)" = $N ] && ok || bad "first load: $(cat "$T/l1.json")"
[ "$(json_field "$T/l2.json" registered)" = 0 ] && [ "$(json_field "$T/l2.json" rejected_replay)" = $N ] && ok ||
	bad "the replayed load: $(cat "$T/l2.json")"
# Echo Recovery from both workers (sequence numbers 0..7 spread over them).
rec=$(python3 - $P <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
vals = set()
for seq in range(8):
    s.sendto(bytes([0x40, 1, 0, 9, 0, 0, seq, 0, 3, 0, 1, 0, 0]), ('127.0.0.1', int(sys.argv[1])))
    d = s.recv(100)
    vals.add(d[12])
print(" ".join(map(str, sorted(vals))))
PY
)
[ "$rec" = 1 ] && ok || bad "Echo Recovery from the workers: '$rec' (one value, 1, expected)"
kill $APID; wait $APID 2>/dev/null
kill $PID; wait $PID; PID=
for w in 0 1; do
	a=$(grep "mme.$w .*counters (exit)" "$T/mme.log" | tr ' ' '\n' | sed -n 's/^accepted=//p')
	[ "${a:-0}" -gt 0 ] && ok || bad "worker $w accepted nothing (no steering?): $(grep 'counters (exit)' "$T/mme.log")"
done
[ "$(sum "$T/mme.log" accepted)" = $N ] && ok || bad "accepted over the workers $(sum "$T/mme.log" accepted), want $N"

# --- a worker killed -----------------------------------------------------------------------
P=$(free_port)
"$BIN/nasmacd" mme --listen 127.0.0.1:$P --backend cpu --store "lmdb:$T/s3" --workers 2 >"$T/k.log" 2>&1 &
PID=$!
wait_line "$T/k.log" 'serving N26' 2
# a worker: a child of the parent (from /proc, no procps needed)
w=$(grep -l "^PPid:[[:space:]]*$PID$" /proc/[0-9]*/status 2>/dev/null | head -1 | cut -d/ -f3)
kill -9 "$w"
wait $PID; rc=$?; PID=
[ $rc -ne 0 ] && grep -q "worker .* ended (signal 9): stopping the others" "$T/k.log" && ok ||
	bad "a killed worker: status $rc: $(tail -3 "$T/k.log")"
# --workers with memory: is refused (nothing shared).
out=$("$BIN/nasmacd" mme --listen 127.0.0.1:$P --store memory: --workers 2 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "needs a store the workers share" && ok || bad "memory: with workers: $rc $out"

echo "workers: $passes passed, $fails failed"
[ $fails -eq 0 ]
