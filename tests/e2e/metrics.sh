#!/bin/sh
# --metrics: both daemons serve Prometheus text over HTTP while a real load runs through them;
# what a scrape says after the load equals what the daemons log at exit and what the load
# generator saw; the latency histograms count every answered request; a port already taken
# makes the daemon refuse to start; anything but GET /metrics gets a 404/405.
# Usage: metrics.sh BINDIR
set -u
T=$(mktemp -d)
MME_PID= AMF_PID=
trap 'kill $MME_PID $AMF_PID 2>/dev/null; rm -rf "$T"' EXIT
E2E_NAME=metrics
. "$(dirname "$0")/lib.sh"
scrape() { # PORT [PATH] -> body on stdout, status in $T/status
	python3 - "$1" "${2:-/metrics}" "$T/status" <<'PY'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5)
    open(sys.argv[3], "w").write("%d %s" % (r.status, r.headers.get("Content-Type")))
    sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    open(sys.argv[3], "w").write("%d" % e.code)
PY
}
logged() { sed -n 's/.*counters (exit): //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

N=300
MP=$(free_port) MMP=$(free_port tcp) AP=$(free_port) AMP=$(free_port tcp)
LOAD_OPTS="--ues $N --seed 5 --upgraded 0.5 --tampered 0.1 --replayed 0.1"
"$BIN/nasmac" load --write-db "$T/ue.db" $LOAD_OPTS >/dev/null
"$BIN/nasmacd" mme --listen 127.0.0.1:$MP --backend cpu --ue-db "$T/ue.db" --store "lmdb:$T/store" \
	--metrics 127.0.0.1:$MMP >"$T/mme.log" 2>&1 &
MME_PID=$!
"$BIN/nasmacd" amf --listen 127.0.0.1:$AP --mme 127.0.0.1:$MP --backend cpu \
	--metrics 127.0.0.1:$AMP >"$T/amf.log" 2>&1 &
AMF_PID=$!
wait_line "$T/mme.log" "metrics on http://127.0.0.1:$MMP/metrics" && wait_line "$T/amf.log" "metrics on" \
	&& ok || bad "daemons did not start: $(cat "$T/mme.log" "$T/amf.log")"

scrape $MMP >"$T/m0"
grep -q "^200 text/plain; version=0.0.4" "$T/status" && ok || bad "content type: $(cat "$T/status")"
[ "$(metric "$T/m0" nasmac_mme_accepted_total)" = 0 ] && ok || bad "accepted before the load"
grep -q '^# TYPE nasmac_mme_request_duration_seconds histogram$' "$T/m0" && ok || bad "no histogram"

# 10 % tampered, 10 % replayed: every outcome shows up somewhere.
"$BIN/nasmac" load --amf 127.0.0.1:$AP $LOAD_OPTS \
	--window 32 --json --no-progress >"$T/load.json" 2>"$T/load.err" || bad "load failed: $(cat "$T/load.err")"
reg=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["registered"])' "$T/load.json")
[ "$reg" -gt 0 ] && ok || bad "nothing registered: $(cat "$T/load.json")"
scrape $MMP >"$T/m1"
scrape $AMP >"$T/a1"
[ "$(metric "$T/a1" nasmac_amf_accepted_total)" = "$reg" ] && ok || bad "amf accepted $(metric "$T/a1" nasmac_amf_accepted_total) != registered $reg"
[ "$(metric "$T/a1" nasmac_amf_registration_duration_seconds_count)" = "$reg" ] && ok || bad "amf histogram count"
[ "$(metric "$T/a1" 'nasmac_amf_registration_duration_seconds_bucket{le="+Inf"}')" = "$reg" ] && ok || bad "amf +Inf bucket"
# Histogram buckets are cumulative (Prometheus): never decreasing, the last one the count, and
# the observations not all in the +Inf bucket (the ones under a second are in finite buckets).
for h in "$T/a1 nasmac_amf_registration_duration_seconds" "$T/m1 nasmac_mme_request_duration_seconds"; do
	set -- $h
	python3 - "$1" "$2" <<'PY' && ok || bad "$2: buckets not cumulative"
import sys
v = [float(l.split()[-1]) for l in open(sys.argv[1]) if l.startswith(sys.argv[2] + "_bucket{")]
assert len(v) == 17 and all(a <= b for a, b in zip(v, v[1:])) and v[-2] > 0, v
PY
done
[ "$(metric "$T/m1" nasmac_mme_mac_fail_total)" -gt 0 ] && ok || bad "no mac_fail at the MME"
[ "$(metric "$T/m1" nasmac_mme_replay_total)" -gt 0 ] && ok || bad "no replay at the MME"
hc=$(metric "$T/m1" nasmac_mme_request_duration_seconds_count)
checked=$(( $(metric "$T/m1" nasmac_mme_accepted_total) + $(metric "$T/m1" nasmac_mme_mac_fail_total) ))
[ "$hc" -ge "$checked" ] && ok || bad "mme histogram count $hc < accepted + mac_fail $checked"
[ "$(metric "$T/m1" nasmac_mme_restart_counter)" = 1 ] && ok || bad "restart counter gauge"
[ "$(metric "$T/m1" nasmac_mme_committed_total)" = "$(metric "$T/m1" nasmac_mme_accepted_total)" ] && ok ||
	bad "store committed $(metric "$T/m1" nasmac_mme_committed_total) != accepted"

scrape $MMP /other >/dev/null; [ "$(cat "$T/status")" = 404 ] && ok || bad "/other: $(cat "$T/status")"

# A second daemon on a metrics port already taken refuses to run.
"$BIN/nasmacd" mme --listen 127.0.0.1:$(free_port) --store memory: --metrics 127.0.0.1:$MMP \
	>"$T/busy.log" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "cannot serve metrics on 127.0.0.1:$MMP" "$T/busy.log" && ok || bad "busy port: rc $rc: $(cat "$T/busy.log")"

kill $MME_PID $AMF_PID; wait $MME_PID $AMF_PID 2>/dev/null; MME_PID= AMF_PID=
# The last scrape and the exit log agree (no traffic came between them).
for k in accepted mac_fail replay rx acks; do
	[ "$(metric "$T/m1" nasmac_mme_${k}_total)" = "$(logged "$T/mme.log" $k)" ] && ok ||
		bad "mme $k: scrape $(metric "$T/m1" nasmac_mme_${k}_total), log $(logged "$T/mme.log" $k)"
done
for k in accepted registrations rejected_mac rejected_replay; do
	[ "$(metric "$T/a1" nasmac_amf_${k}_total)" = "$(logged "$T/amf.log" $k)" ] && ok ||
		bad "amf $k: scrape $(metric "$T/a1" nasmac_amf_${k}_total), log $(logged "$T/amf.log" $k)"
done

echo "metrics: $passes passed, $fails failed"
[ $fails -eq 0 ]
