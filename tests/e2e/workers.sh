#!/bin/sh
# nasmacd mme --workers 2: two processes on one port sharing one LMDB store.
#  - hand-made Context Requests (flows_retx plays the AMF: an accepted request, its
#    retransmission whose first answer was lost, a replay, spoiled MACs, an unknown GUTI): the
#    counters summed over the workers are exactly those of one MME, so the retransmission
#    reached the worker that held its transaction (else: a second accept or a replay); the
#    same with the default worker count (one per online core), where one scrape of --metrics
#    (served by worker 0) gives the same sums as the one counters line at exit;
#  - SIGHUP reopens the log file in every process, SIGUSR1 prints one summed line;
#  - a load through a real AMF: every worker served part of it (sequence-number steering),
#    the registrations are all there, and the same load again is refused as replays in full:
#    no COUNT was accepted twice, whichever worker saw it;
#  - Echo Recovery is the same whichever worker answers (one restart counter per start);
#  - kill -9 of a worker stops the service with a non-zero status (systemd restarts it); kill -9
#    of the parent takes the workers with it;
#  - memory: runs one process (a warning by default, an error with --workers 2).
# Usage: workers.sh BINDIR
set -u
T=$(mktemp -d)
PID=
trap 'kill $PID 2>/dev/null; rm -rf "$T"' EXIT
E2E_NAME=workers
. "$(dirname "$0")/lib.sh"
sum() { # LOG KEY: the key of the one exit counters line (the parent's sum over the workers)
	grep 'counters (exit)' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | awk '{s += $1} END {print s + 0}'
}
own() { # LOG WORKER KEY: that worker's own count at exit
	grep "mme.$2 .*share (exit)" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"
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
[ "$(grep -c 'counters (exit)' "$T/retx.log")" -eq 1 ] && [ "$(grep -c 'share (exit)' "$T/retx.log")" -eq 2 ] &&
	ok || bad "not one summed counters line and two workers' shares: $(grep '(exit)' "$T/retx.log")"
got=""
for k in accepted mac_fail replay unknown_ue retransmit; do got="$got$k=$(sum "$T/retx.log" $k) "; done
want="accepted=2 mac_fail=3 replay=1 unknown_ue=1 retransmit=1 "
[ "$got" = "$want" ] && ok || bad "counters over the workers $got, want $want"
# The parent's line is the sum of the workers' own.
[ "$(( $(own "$T/retx.log" 0 rx) + $(own "$T/retx.log" 1 rx) ))" = "$(sum "$T/retx.log" rx)" ] && ok ||
	bad "rx: the workers' $(own "$T/retx.log" 0 rx) + $(own "$T/retx.log" 1 rx) != $(sum "$T/retx.log" rx)"

# --- the same with the default worker count, --metrics, SIGHUP and SIGUSR1 ------------------
CORES=$(getconf _NPROCESSORS_ONLN)
P=$(free_port) MP=$(free_port tcp)
"$BIN/flows_retx" --write-db "$T/retx2.db"
"$BIN/nasmacd" mme --listen 127.0.0.1:$P --backend cpu --ue-db "$T/retx2.db" --store "lmdb:$T/s0" \
	--metrics 127.0.0.1:$MP --log "$T/def.log" 2>"$T/def.err" &
PID=$!
wait_line "$T/def.log" 'serving N26' "$CORES" || bad "$CORES workers did not start: $(cat "$T/def.log" "$T/def.err")"
if [ "$CORES" -gt 1 ]; then
	grep -q "workers: $CORES processes on one port" "$T/def.log" && ok || bad "default: not $CORES workers"
else
	echo "workers: 1 online core: the default runs one process (the case above covers 2)"
fi
"$BIN/flows_retx" --mme 127.0.0.1:$P >"$T/retx2.out" 2>&1 && ok || bad "flows_retx (default workers): $(cat "$T/retx2.out")"
python3 - $MP >"$T/scrape" <<'PY' || bad "no scrape"
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())
PY
mv "$T/def.log" "$T/def.log.1"
kill -HUP $PID
# The parent reopens too (it logs): one line per worker and one of the parent's.
HUPS=$CORES; [ "$CORES" -gt 1 ] && HUPS=$((CORES + 1))
wait_line "$T/def.log" 'SIGHUP: reopened' "$HUPS" || bad "SIGHUP: not every worker reopened: $(cat "$T/def.log")"
for w in $(seq 0 $((CORES - 1))); do
	[ "$CORES" = 1 ] && w=
	grep -q "mme${w:+.$w} .*SIGHUP: reopened $T/def.log" "$T/def.log" && ok || bad "worker $w did not reopen the log: $(cat "$T/def.log")"
done
kill -USR1 $PID
wait_line "$T/def.log" 'counters (SIGUSR1)' || bad "no SIGUSR1 line"
kill $PID; wait $PID; rc=$?; PID=
[ $rc -eq 0 ] && ok || bad "default workers, SIGTERM: exit status $rc: $(tail -n 20 "$T/def.log" "$T/def.err")"
[ "$(grep -c 'counters (SIGUSR1)' "$T/def.log")" = 1 ] && [ "$(grep -c 'counters (exit)' "$T/def.log")" = 1 ] && ok ||
	bad "not one line per signal: $(grep 'counters (' "$T/def.log")"
got="" scraped=""
for k in accepted mac_fail replay unknown_ue retransmit; do
	got="$got$k=$(sum "$T/def.log" $k) "
	scraped="$scraped$k=$(metric "$T/scrape" nasmac_mme_${k}_total) "
done
[ "$got" = "$want" ] && ok || bad "default workers: counters $got, want $want"
[ "$scraped" = "$want" ] && ok || bad "default workers: one scrape $scraped, want $want"
[ "$(metric "$T/scrape" nasmac_mme_rx_total)" = "$(sum "$T/def.log" rx)" ] && ok ||
	bad "scraped rx $(metric "$T/scrape" nasmac_mme_rx_total), exit rx $(sum "$T/def.log" rx)"
[ "$(metric "$T/scrape" nasmac_mme_restart_counter)" = 1 ] && ok || bad "the restart gauge is not summed"

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
	a=$(own "$T/mme.log" $w accepted)
	[ "${a:-0}" -gt 0 ] && ok || bad "worker $w accepted nothing (no steering?): $(grep 'share (exit)' "$T/mme.log")"
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
# kill -9 of the parent: no worker keeps serving alone (PR_SET_PDEATHSIG).
P=$(free_port)
"$BIN/nasmacd" mme --listen 127.0.0.1:$P --backend cpu --store "lmdb:$T/s4" --workers 2 >"$T/k2.log" 2>&1 &
PID=$!
wait_line "$T/k2.log" 'serving N26' 2
ws=$(grep -l "^PPid:[[:space:]]*$PID$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3 | tr '\n' ' ')
kill -9 $PID; wait $PID 2>/dev/null; PID=
left=
for _ in $(seq 40); do
	left=
	for w in $ws; do [ -d /proc/$w ] && [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$w/status)" != Z ] && left="$left $w"; done
	[ -z "$left" ] && break
	sleep 0.05
done
[ -n "$ws" ] && [ -z "$left" ] && ok || bad "kill -9 of the parent left workers '$left' of '$ws'"
# --workers 2 with memory: is refused (nothing shared); the default runs one process, says so.
out=$("$BIN/nasmacd" mme --listen 127.0.0.1:$P --store memory: --workers 2 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "needs a store the workers share" && ok || bad "memory: with workers: $rc $out"
"$BIN/nasmacd" mme --listen 127.0.0.1:$P --store memory: >"$T/m.log" 2>&1 &
PID=$!
wait_line "$T/m.log" 'serving N26'
kill $PID; wait $PID; rc=$?; PID=
[ $rc -eq 0 ] && ! grep -q 'mme\.[0-9]' "$T/m.log" && ! grep -q 'share (exit)' "$T/m.log" && ok || bad "memory: not one process: $(cat "$T/m.log")"
if [ "$CORES" -gt 1 ]; then
	[ "$(grep -c "store memory: is one process's: 1 worker" "$T/m.log")" = 1 ] && ok || bad "memory: no warning: $(cat "$T/m.log")"
fi

echo "workers: $passes passed, $fails failed"
[ $fails -eq 0 ]
