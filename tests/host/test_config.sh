#!/bin/sh
# nasmacd -c FILE.yaml: options from the file, overridden by the command line, a role's own
# section, and clear errors for a broken file. The daemon is real and answers a real GTPv2-C
# Echo Request (TS 29.274 7.1.1) on the port the configuration chose.
# Usage: test_config.sh NASMACD
set -u
d=$1
t=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$t"' EXIT
pid=
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "test-config: FAIL: $*"; }
ports=$(python3 -c "
import socket
ss=[socket.socket(socket.AF_INET,socket.SOCK_DGRAM) for _ in range(2)]
[s.bind(('127.0.0.1',0)) for s in ss]
print(' '.join(str(s.getsockname()[1]) for s in ss))")
a=${ports% *} b=${ports#* }
# 1 when PORT answers an Echo Request with an Echo Response.
echo_ok() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
req = bytes.fromhex('40010009' + '00000100' + '0300010000')
for _ in range(6):
    s.sendto(req, ('127.0.0.1', int(sys.argv[1])))
    try:
        r = s.recv(100)
        sys.exit(0 if r[1] == 2 and r[4:7] == req[4:7] else 1)
    except socket.timeout:
        pass
sys.exit(1)
PY
}
# (the log emptied here: the background redirection opens it only when the child runs)
start() { : >"$t/log"; "$d" "$@" >"$t/log" 2>&1 & pid=$!; }
stop() { kill $pid 2>/dev/null; wait $pid 2>/dev/null; pid=; }

cat >"$t/mme.yaml" <<EOF2
# the MME on port A; the amf section belongs to another role
listen: 127.0.0.1:$a
backend: cpu
store: lmdb:$t/store
verbose: false
amf:
  mme: 127.0.0.1:1
  t3-ms: 500
EOF2
start mme -c "$t/mme.yaml"
echo_ok $a && ok || bad "config listen port $a does not answer: $(cat $t/log)"
stop
start mme --config "$t/mme.yaml" --listen 127.0.0.1:$b
echo_ok $b && ok || bad "command-line --listen $b does not override the file: $(cat $t/log)"
echo_ok $a && bad "port $a from the file still answers" || ok
stop

printf 'listen: [\n' >"$t/broken.yaml"
out=$("$d" mme -c "$t/broken.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "broken.yaml:2:1:" && ok || bad "syntax error: rc $rc: $out"
printf 'listen: 127.0.0.1:%s\nno-such-option: 1\n' $a >"$t/unknown.yaml"
out=$("$d" mme -c "$t/unknown.yaml" 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "no-such-option" && ok || bad "unknown key: rc $rc: $out"
printf 'listen:\n  nested: 1\n' >"$t/shape.yaml"
out=$("$d" mme -c "$t/shape.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "shape.yaml:2: expected a value" && ok || bad "nested value: rc $rc: $out"
out=$("$d" mme -c "$t/none.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "cannot read config .*none.yaml: No such file" && ok || bad "missing file: rc $rc: $out"
# The shipped examples parse and name only options the roles know (--help stops after parsing).
for role in mme amf; do
	# (the MME's store on the command line: --help must not open the system's one)
	extra=; [ $role = mme ] && extra="--store memory:"
	out=$("$d" $role -c etc/nasmac/$role.yaml $extra --help 2>&1); rc=$?
	[ $rc -eq 0 ] && ok || bad "etc/nasmac/$role.yaml: rc $rc: $out"
done

# The AMF's MMEs: `mme:` at the top of the AMF's file is its --mme option, not the
# MME role's section (a value or a list, not a mapping); a list is the option repeated, in the
# file's top level or in the amf: section; the command line's --mme replaces the whole list.
# The AMF's start line says which MMEs it took.
amf_up() { # FILE [args]: starts the AMF, waits for its start line
	start amf -c "$@"
	for _ in $(seq 400); do grep -q "UE test link on" "$t/log" && return 0; sleep 0.05; done
	return 1
}
g1=001-01-8001-4a g2=001-01-8001-4b g3=310-410-0002-01
printf 'listen: 127.0.0.1:%s\nmme: 127.0.0.1:2123\n' $a >"$t/amf1.yaml"
amf_up "$t/amf1.yaml" && grep -q "MME at 127.0.0.1:2123," "$t/log" && ok || bad "top-level mme: value not taken by the AMF: $(cat $t/log)"
stop
printf 'listen: 127.0.0.1:%s\nmme: [%s=127.0.0.1:7001, %s=127.0.0.1:7002]\n' $a $g1 $g2 >"$t/amf2.yaml"
amf_up "$t/amf2.yaml" && grep -q "pool: MME $g1 at 127.0.0.1:7001$" "$t/log" && grep -q "pool: MME $g2 at 127.0.0.1:7002$" "$t/log" && grep -q "MME pool of 2," "$t/log" && ok || bad "top-level mme: list: $(cat $t/log)"
stop
cat >"$t/both.yaml" <<EOF2
mme:
  listen: 127.0.0.1:$b
  store: "memory:"
amf:
  listen: 127.0.0.1:$a
  mme:
    - $g1=127.0.0.1:7001
    - $g3=127.0.0.1:7003
EOF2
amf_up "$t/both.yaml" && grep -q "pool: MME $g1 at 127.0.0.1:7001$" "$t/log" && grep -q "pool: MME $g3 at 127.0.0.1:7003$" "$t/log" && grep -q "MME pool of 2," "$t/log" && ok || bad "mme: list in the amf: section: $(cat $t/log)"
stop
start mme -c "$t/both.yaml"
echo_ok $b && ok || bad "the mme: section of the same file: $(cat $t/log)"
stop
amf_up "$t/both.yaml" --mme $g2=127.0.0.1:7009 && grep -q "pool: MME $g2 at 127.0.0.1:7009$" "$t/log" && grep -q "MME pool of 1," "$t/log" && ok || bad "command-line --mme does not replace the file's list: $(cat $t/log)"
stop
amf_up "$t/amf1.yaml" --mme=127.0.0.1:7010 && grep -q "MME at 127.0.0.1:7010," "$t/log" && ok || bad "command-line --mme= does not replace the file's: $(cat $t/log)"
stop
# Refusals, each with its reason.
amf_refused() { # what, then the AMF's arguments
	what=$1; shift
	out=$(timeout 10 "$d" amf --listen 127.0.0.1:$a "$@" 2>&1); rc=$?
	[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "$what" && ok || bad "amf $*: rc $rc, want '$what': $out"
}
amf_refused "do not mix" --mme 127.0.0.1:7001 --mme $g1=127.0.0.1:7002
amf_refused "do not mix" --mme $g1=127.0.0.1:7002 --mme 127.0.0.1:7001
amf_refused "one --mme ADDR:PORT serves every UE" --mme 127.0.0.1:7001 --mme 127.0.0.1:7002
amf_refused "GUMMEI $g1 given twice" --mme $g1=127.0.0.1:7001 --mme 001-01-8001-4A=127.0.0.1:7002
amf_refused "the GUMMEI is MCC-MNC-MMEGI-MMEC" --mme 001-01-801-4a=127.0.0.1:7001
amf_refused "the GUMMEI is MCC-MNC-MMEGI-MMEC" --mme =127.0.0.1:7001
amf_refused "bad address" --mme $g1=127.0.0.1
set --
for i in $(seq 0 32); do set -- "$@" --mme "001-01-8001-$(printf %02x $i)=127.0.0.1:$((7000 + i))"; done
amf_refused "at most 32 --mme" "$@"
shift 2
amf_up "$t/amf1.yaml" "$@" && grep -q "pool: MME 001-01-8001-1f at 127.0.0.1:7031$" "$t/log" && grep -q "MME pool of 32," "$t/log" && ok || bad "32 MMEs refused: $(cat $t/log)"
stop
set --

# Logging: a file from the config (--log), rotation by rename + SIGHUP (the next lines go to a
# new file of the same name), --log-level from the command line over --verbose.
printf 'listen: 127.0.0.1:%s\nstore: "memory:"\nlog: %s\nverbose: true\n' $a "$t/mme.log" >"$t/log.yaml"
start mme -c "$t/log.yaml" --log-level warn
echo_ok $a || bad "daemon with --log does not answer"
grep -q "serving N26" "$t/mme.log" && bad "--log-level warn still logged info lines" || ok
stop
start mme -c "$t/log.yaml"
echo_ok $a && grep -q "serving N26" "$t/mme.log" && ok || bad "no info line in the --log file: $(cat "$t/log" "$t/mme.log" 2>&1 | tail -3)"
mv "$t/mme.log" "$t/mme.log.1"
kill -HUP $pid; sleep 0.3
kill -0 $pid 2>/dev/null && ok || bad "SIGHUP killed the daemon"
grep -q "SIGHUP: reopened $t/mme.log" "$t/mme.log" 2>/dev/null && ok || bad "no reopened file after SIGHUP: $(ls $t)"
grep -q "SIGHUP" "$t/mme.log.1" && bad "the rotated file got the SIGHUP line" || ok
stop
grep -q "counters (exit)" "$t/mme.log" && ok || bad "exit counters not in the new file"
out=$("$d" mme --listen 127.0.0.1:$a --store memory: --log-level chatty 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "error, warn, info or debug" && ok || bad "bad level: rc $rc: $out"
out=$("$d" mme --listen 127.0.0.1:$a --store memory: --log "$t/no/such/dir/x.log" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "cannot open log file" && ok || bad "bad log path: rc $rc: $out"

# systemd Type=notify: READY=1 on the notify socket once serving, STOPPING=1 at SIGTERM.
python3 - "$t/notify" >"$t/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(10)
got = []
try:
    while len(got) < 2:
        got.append(s.recv(256).decode())
except socket.timeout:
    pass
print(" ".join(got))
PY
npid=$!
for _ in $(seq 50); do [ -S "$t/notify" ] && break; sleep 0.05; done
NOTIFY_SOCKET="$t/notify" "$d" mme --listen 127.0.0.1:$a --store "lmdb:$t/store" >"$t/log" 2>&1 &
pid=$!
echo_ok $a || bad "daemon under NOTIFY_SOCKET does not answer"
stop
wait $npid
[ "$(cat "$t/notify.out")" = "READY=1 STOPPING=1" ] && ok || bad "sd_notify: '$(cat "$t/notify.out")'"

echo "test-config: $pass passed, $fail failed"
[ $fail -eq 0 ]
