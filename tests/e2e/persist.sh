#!/bin/sh
# Replays across MME restarts: the MME on its durable store (LMDB) never
# accepts a COUNT twice, whatever kills it and whenever.
#  - load N UEs (registered), the same load again (all rejected_replay);
#  - kill -9 the MME, restart it on the same store: the same load is still all rejected_replay,
#    and the Echo Recovery (restart counter) went up; SIGHUP keeps both daemons running;
#    SIGTERM stops the MME with its counters and status 0;
#  - rounds of: a load of fresh COUNTs, kill -9 of the MME at a random point of it and an
#    immediate restart on the same store, then the same load replayed: no UE the AMF
#    registered before is registered again (per UE, from the AMF's log), no UE is unknown (none
#    lost), and a third replay is all rejected_replay;
#  - a second MME process on the same store, started before the load (its index is stale):
#    the same load through it is refused by the store's compare-and-set (all rejected_replay,
#    its store counter refused=N);
#  - the same kill/restart on memory: DOES register the replayed load again (the test sees
#    what it is meant to catch);
#  - files holding keys are 0600 (nasmac load --write-db, nasmac run --keep and --pcap), their
#    directories 0700; the db loader's refusals as nasmacd mme reports them.
# usage: persist.sh BIN [quick]   (PERSIST_UES, PERSIST_ROUNDS override the sizes)
set -u
N=${PERSIST_UES:-1500}
ROUNDS=${PERSIST_ROUNDS:-3}
T=$(mktemp -d /tmp/nasmac-persist.XXXXXX)
E2E_NAME=persist
. "$(dirname "$0")/lib.sh"
MME_PID=""
AMF_PID=""
# Every MME of this test logs, per context it sends, the store's commit generation of its
# COUNT and the generation durable at that moment (mme.c, order_check): checked at the end.
NASMAC_TEST_ORDER_LOG="$T/order.log"
export NASMAC_TEST_ORDER_LOG

cleanup() {
	[ -n "$MME_PID" ] && kill -9 "$MME_PID" 2>/dev/null
	[ -n "$AMF_PID" ] && kill "$AMF_PID" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

rand_ms() { # a random delay in [$1, $2) ms
	echo $(($1 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % ($2 - $1)))
}

# start_mme STORE: on MME_PORT, log appended to $T/mme.log.
start_mme() {
	n=$(grep -c 'serving N26' "$T/mme.log" 2>/dev/null)
	"$BIN/nasmacd" mme --listen "127.0.0.1:$MME_PORT" --backend cpu --ue-db "$T/ue.db" \
		--store "$1" >>"$T/mme.log" 2>&1 &
	MME_PID=$!
	wait_line "$T/mme.log" 'serving N26' $((n + 1)) || bad "the MME did not start on $1"
}

kill9_mme() {
	kill -9 "$MME_PID"
	wait "$MME_PID" 2>/dev/null
	MME_PID=""
}

start_amf() {
	AMF_PORT=$(free_port)
	"$BIN/nasmacd" amf --listen "127.0.0.1:$AMF_PORT" --mme "127.0.0.1:$MME_PORT" \
		--backend cpu --kamf-check --t3-ms 200 --n3 10 >"$T/amf.log" 2>&1 &
	AMF_PID=$!
	wait_line "$T/amf.log" 'UE test link on' 1 || bad "the AMF did not start"
}

# load NAME: the same N UEs every time (seed 11); JSON in $T/NAME.json, the ids the AMF
# registered during it in $T/NAME.ids.
load() { # NAME [AMF port]
	off=$(wc -c <"$T/amf.log")
	"$BIN/nasmac" load --amf "127.0.0.1:${2:-$AMF_PORT}" --ues "$N" --seed 11 --upgraded 0.5 \
		--window 32 --timeout-ms 20000 --json --no-progress >"$T/$1.json" 2>"$T/$1.err"
	tail -c +$((off + 1)) "$T/amf.log" | sed -n 's/.*UE \([0-9]*\): registered,.*/\1/p' |
		sort >"$T/$1.ids"
}

mode_of() { stat -c %a "$1"; }

# restarted NAME WHAT: the MME back on $S after WHAT stopped it: its Recovery (restart counter)
# must have grown past $rec (then $rec is the new one, added to $recoveries), and the load NAME
# is all refused as replays.
restarted() {
	start_mme "$S"
	_r=$(recovery "$MME_PORT")
	[ "$_r" -gt "$rec" ] || bad "Recovery after $2: $rec -> $_r, want it to grow"
	rec=$_r recoveries="$recoveries -> $_r"
	load "$1"
	expect_json "$1" registered 0
	expect_json "$1" rejected_replay "$N"
}

MME_PORT=$(free_port)
"$BIN/nasmac" load --write-db "$T/ue.db" --ues "$N" --seed 11 --upgraded 0.5 ||
	bad "nasmac load --write-db"
[ "$(mode_of "$T/ue.db")" = 600 ] || bad "nasmac load --write-db: mode $(mode_of "$T/ue.db")"
# An existing file keeps no looser mode either.
chmod 644 "$T/ue.db"
"$BIN/nasmac" load --write-db "$T/ue.db" --ues "$N" --seed 11 --upgraded 0.5
[ "$(mode_of "$T/ue.db")" = 600 ] || bad "--write-db over a 0644 file: mode $(mode_of "$T/ue.db")"

# --- kill -9, SIGHUP, SIGTERM on one store --------------------------------------------------
S="lmdb:$T/store0"
start_mme "$S"
[ "$(mode_of "$T/store0")" = 700 ] || bad "store directory mode $(mode_of "$T/store0")"
[ "$(mode_of "$T/store0/data.mdb")" = 600 ] || bad "data.mdb mode $(mode_of "$T/store0/data.mdb")"
start_amf
rec=$(recovery "$MME_PORT")
recoveries=$rec
# MME B: another process on the same store, with its own AMF, loaded before any COUNT moved.
B_PORT=$(free_port)
"$BIN/nasmacd" mme --listen "127.0.0.1:$B_PORT" --backend cpu --store "$S" >"$T/mme_b.log" 2>&1 &
B_PID=$!
wait_line "$T/mme_b.log" 'serving N26' 1 || bad "MME B did not start"
BA_PORT=$(free_port)
"$BIN/nasmacd" amf --listen "127.0.0.1:$BA_PORT" --mme "127.0.0.1:$B_PORT" --backend cpu \
	>"$T/amf_b.log" 2>&1 &
BA_PID=$!
wait_line "$T/amf_b.log" 'UE test link on' 1 || bad "AMF B did not start"
load first
expect_json first registered "$N"
load again
expect_json again registered 0
expect_json again rejected_replay "$N"
load via_b "$BA_PORT"
expect_json via_b registered 0
expect_json via_b rejected_replay "$N"
kill -USR1 "$B_PID"
wait_line "$T/mme_b.log" 'store lmdb.*(SIGUSR1)' 1
grep -q "(SIGUSR1): commits=[0-9]* committed=0 refused=$N " "$T/mme_b.log" ||
	bad "MME B: $(grep 'store lmdb.*(SIGUSR1)' "$T/mme_b.log")"
kill "$B_PID" "$BA_PID"
wait "$B_PID" "$BA_PID" 2>/dev/null
kill -HUP "$MME_PID" "$AMF_PID"
sleep 0.3
kill -0 "$MME_PID" 2>/dev/null || bad "SIGHUP killed the MME"
kill -0 "$AMF_PID" 2>/dev/null || bad "SIGHUP killed the AMF"
grep -q 'SIGHUP' "$T/mme.log" || bad "the MME did not log the SIGHUP"
grep -q 'SIGHUP' "$T/amf.log" || bad "the AMF did not log the SIGHUP"
kill9_mme
restarted after_kill "kill -9"
expect_json after_kill rejected_unknown 0
kill -TERM "$MME_PID"
wait "$MME_PID"
st=$?
MME_PID=""
[ "$st" = 0 ] || bad "SIGTERM: the MME exited with $st"
grep -q 'counters (exit)' "$T/mme.log" || bad "SIGTERM: no exit counters"
restarted after_term SIGTERM
echo "persist: lmdb: $N registered, replayed: all refused (also through a second MME process" \
	"on the same store: refused by the store); after kill -9 and after SIGTERM still all" \
	"refused; Recovery $recoveries"
kill9_mme

# --- kill -9 at random points of a load, on fresh stores ------------------------------------
round=1
while [ "$round" -le "$ROUNDS" ]; do
	S="lmdb:$T/store$round"
	start_mme "$S"
	ra=$(recovery "$MME_PORT")
	# The kill comes once the AMF registered a random number of UEs of this load.
	k=$(rand_ms 1 $((N * 9 / 10)))
	off=$(wc -c <"$T/amf.log")
	load "r$round" &
	lp=$!
	for _ in $(seq 2000); do
		[ "$(tail -c +$((off + 1)) "$T/amf.log" | grep -c ': registered,')" -ge "$k" ] && break
		sleep 0.005
	done
	kill9_mme
	at=$(tail -c +$((off + 1)) "$T/amf.log" | grep -c ': registered,')
	start_mme "$S"
	rb=$(recovery "$MME_PORT")
	wait "$lp"
	[ "$rb" -gt "$ra" ] || bad "round $round: Recovery $ra -> $rb"
	A=$(wc -l <"$T/r$round.ids")
	load "r${round}_replay"
	B=$(wc -l <"$T/r${round}_replay.ids")
	both=$(comm -12 "$T/r$round.ids" "$T/r${round}_replay.ids" | wc -l)
	[ "$both" = 0 ] || bad "round $round: $both UEs registered before the kill were registered again after it: $(comm -12 "$T/r$round.ids" "$T/r${round}_replay.ids" | head -5 | tr '\n' ' ')"
	expect_json "r${round}_replay" rejected_unknown 0
	expect_json "r${round}_replay" rejected_mac 0
	load "r${round}_third"
	expect_json "r${round}_third" registered 0
	expect_json "r${round}_third" rejected_replay "$N"
	echo "persist: round $round: kill -9 at $at registered (aimed at $k): $A registered in" \
		"that load (before and after the restart), $B on its replay (none twice)," \
		"$((N - A - B)) refused as replays after the restart (COUNT committed, answer" \
		"lost with the process: $(field "r$round" rejected_replay)), timeouts" \
		"$(field "r$round" rejected_timeout); third replay all refused; Recovery $ra -> $rb"
	kill9_mme
	round=$((round + 1))
done

# --- the same on memory: shows the replay the durable store stops ---------------------------
start_mme memory:
grep -q 'nothing persists' "$T/mme.log" || bad "memory: without its warning"
load mem_first
expect_json mem_first registered "$N"
kill9_mme
start_mme memory:
load mem_replay
expect_json mem_replay registered "$N"
echo "persist: memory: the same load after kill -9 and restart: $(field mem_replay registered)" \
	"of $N registered again (the replays lmdb refuses)"
kill9_mme
kill "$AMF_PID"
wait "$AMF_PID" 2>/dev/null
AMF_PID=""

# --- keys at rest: nasmac run --keep / --pcap --------------------------------------------------
"$BIN/nasmac" run --backend cpu --ues 30 --keep "$T/keep" --pcap "$T/cap" --no-progress \
	>"$T/run.out" 2>&1 || bad "nasmac run --keep: $(tail -3 "$T/run.out")"
for f in "$T"/keep/* "$T"/cap/* "$T"/keep/mme-store/*; do
	[ -f "$f" ] || continue
	[ "$(mode_of "$f")" = 600 ] || bad "$f: mode $(mode_of "$f"), want 600"
done
for dd in "$T/keep" "$T/cap" "$T/keep/mme-store"; do
	[ "$(mode_of "$dd")" = 700 ] || bad "$dd: mode $(mode_of "$dd"), want 700"
done

# --- the db loader, as the daemon reports it --------------------------------------------------
refuse() { # what, ue-db, expected text
	MME_PORT=$(free_port)
	timeout 10 "$BIN/nasmacd" mme --listen "127.0.0.1:$MME_PORT" --store memory: \
		--ue-db "$2" >"$T/refuse.log" 2>&1
	st=$?
	[ "$st" = 1 ] || bad "$1: exit status $st, want 1"
	grep -q "cannot load UE db $2: $3" "$T/refuse.log" ||
		bad "$1: $(grep error "$T/refuse.log")"
}
refuse "/dev/zero" /dev/zero "not a regular file (a character device)"
refuse "a directory" "$T/keep" "is a directory"
refuse "a missing file" /nonexistent0 "No such file or directory"
python3 -c 'import sys; print("ue id=1 " + "x" * 600)' >"$T/long.db"
refuse "a long UE line" "$T/long.db" "line 1: longer than"
{ python3 -c 'print("#" + "c" * 700)'; sed -n 2p "$T/ue.db" | tr ' ' '\t'; } >"$T/tab.db"
MME_PORT=$(free_port)
start_mme_db() {
	"$BIN/nasmacd" mme --listen "127.0.0.1:$MME_PORT" --store memory: --ue-db "$1" \
		>"$T/ok.log" 2>&1 &
	MME_PID=$!
	wait_line "$T/ok.log" 'serving N26' 1
}
start_mme_db "$T/tab.db" || bad "a long comment and a tab-separated record: $(cat "$T/ok.log")"
grep -q ', 1 UEs loaded' "$T/ok.log" || bad "tab.db: $(grep serving "$T/ok.log")"
kill "$MME_PID"
wait "$MME_PID" 2>/dev/null
MME_PID=""

# No Context Response left before the commit holding its COUNT was durable (lmdb --sync full:
# its data and meta pages flushed), and the log does cover the loads above.
sent=$(grep -c '^ctx gen=' "$T/order.log" 2>/dev/null)
early=$(awk -F'[ =]' '/^ctx gen=/ && $5 + 0 < $3 + 0' "$T/order.log" 2>/dev/null | wc -l)
[ "${sent:-0}" -ge "$N" ] || bad "order log: ${sent:-0} contexts logged, want at least $N"
[ "$early" = 0 ] || bad "$early Context Responses sent before their COUNT was durable: \
$(awk -F'[ =]' '$5 + 0 < $3 + 0' "$T/order.log" | head -3)"
# ... and that is the MME's commit thread's hand-over (mme.c, commit_thread), not the libuv
# thread pool it falls back to.
! grep -q 'no commit thread' "$T/mme.log" || bad "$(grep 'no commit thread' "$T/mme.log" | head -1)"

if [ "$fails" -ne 0 ]; then
	echo "persist: $fails failure(s); logs kept in $T"
	exit 1
fi
rm -rf "$T"
echo "persist: all passed"
