# Shared by the shell end-to-end tests (flows.sh, persist.sh, metrics.sh, workers.sh, pool.sh,
# redis.sh, robust_pcap.sh), sourced after the script sets E2E_NAME (the prefix of its messages):
# the arguments every script takes, counting passes and failures, free loopback ports, waiting
# for a daemon's log line, reading the --json summaries and the daemons' exit counters. POSIX sh.

# Every script's first argument is the build's bin directory (a sourced file sees the script's
# arguments); tshark is the one on PATH unless TSHARK names another.
BIN=$1
TSHARK=${TSHARK:-tshark}

passes=0
fails=0
ok() { passes=$((passes + 1)); }
bad() {
	fails=$((fails + 1))
	echo "$E2E_NAME: FAIL: $*"
}

# e2e_tmpdir NAME: $T, a fresh /tmp/nasmac-NAME.XXXXXX removed when the script ends.
e2e_tmpdir() {
	T=$(mktemp -d "/tmp/nasmac-$1.XXXXXX")
	trap 'rm -rf "$T"' EXIT INT TERM
}

# free_port [tcp]: a port on 127.0.0.1 free for UDP (the daemons' N26 and test link) or, with
# tcp, for TCP (the --metrics HTTP listener). Racy as any such pick, and good enough on loopback.
free_port() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1:] == ["tcp"] else socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$@"
}

# e2e_daemon NAME READY ROLE [ARGS...]: nasmacd ROLE --listen 127.0.0.1:PORT ARGS on a free PORT,
# its log in $T/NAME.log; its port in $NAME_PORT, its pid in $NAME_PID and added to $PIDS (the
# script's cleanup kills them); returns once the log says READY, a failure if it never does.
e2e_daemon() {
	_ed_name=$1 _ed_ready=$2 _ed_role=$3
	shift 3
	_ed_port=$(free_port)
	"$BIN/nasmacd" "$_ed_role" --listen "127.0.0.1:$_ed_port" "$@" >"$T/$_ed_name.log" 2>&1 &
	eval "${_ed_name}_PORT=$_ed_port ${_ed_name}_PID=$!"
	PIDS="${PIDS:-} $!"
	wait_line "$T/$_ed_name.log" "$_ed_ready" ||
		bad "$_ed_role $_ed_name did not start: $(cat "$T/$_ed_name.log")"
}

# wait_line FILE TEXT [COUNT]: until FILE holds COUNT (default 1) lines with TEXT; 1 after 20 s.
wait_line() {
	for _ in $(seq 400); do
		_wl_n=$(grep -c "$2" "$1" 2>/dev/null) # nothing while the file does not exist
		[ "${_wl_n:-0}" -ge "${3:-1}" ] && return 0
		sleep 0.05
	done
	return 1
}

# json_field FILE KEY: a top-level value of the JSON object in FILE, -1 when absent or unreadable.
json_field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], -1))' \
		"$1" "$2" 2>/dev/null || echo -1
}

# field NAME KEY: json_field of $T/NAME.json (a load's --json summary); expect_json NAME KEY VALUE:
# that value, or a failure with the summary and the start of the load's stderr ($T/NAME.err).
field() { json_field "$T/$1.json" "$2"; }
expect_json() {
	_ej_v=$(field "$1" "$2")
	[ "$_ej_v" = "$3" ] ||
		bad "$1: $2 = $_ej_v, want $3 ($(cat "$T/$1.json" "$T/$1.err" 2>/dev/null | head -5))"
}

# metric FILE NAME: the value of a Prometheus sample in a scraped exposition FILE.
metric() { awk -v k="$2" '$1 == k {print $2}' "$1"; }

# recovery PORT: the Recovery (restart counter) of the Echo Response of the MME on PORT
# (TS 29.274 7.1.1; 5 tries, 2 s each), -1 when none comes.
recovery() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
req = bytes([0x40, 1, 0, 9, 0, 0, 7, 0, 3, 0, 1, 0, 0])
for _ in range(5):
    s.sendto(req, ("127.0.0.1", int(sys.argv[1])))
    try:
        d = s.recv(64)
    except socket.timeout:
        continue
    if len(d) >= 13 and d[1] == 2 and d[8] == 3:
        print(d[12])
        sys.exit(0)
print(-1)
PY
}

# ts ARGS...: tshark with the NAS messages "ciphered" with EEA0/5G-EA0 shown decoded (Wireshark
# leaves them opaque without the null_decipher preferences); its stderr dropped.
ts() {
	"$TSHARK" -o nas-5gs.null_decipher:TRUE -o nas-eps.null_decipher:TRUE "$@" 2>/dev/null
}

# exit_counters LOG: the last "counters (exit)" line of a daemon log as "name value" lines.
exit_counters() {
	grep 'counters (exit)' "$1" | tail -1 | tr ' ' '\n' | grep '=' | tr '=' ' '
}
