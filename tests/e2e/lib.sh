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

# exit_counters LOG: the last "counters (exit)" line of a daemon log as "name value" lines.
exit_counters() {
	grep 'counters (exit)' "$1" | tail -1 | tr ' ' '\n' | grep '=' | tr '=' ' '
}
