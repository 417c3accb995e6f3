#!/bin/sh
# test-host-tsan: `nasmac bench e2e` against nasmacd built with ThreadSanitizer (DIR/nasmacd,
# tests/host/build.mk), so that the MME's lmdb commit thread runs under load (full and
# nometasync, half a second each) and stops at SIGTERM. The bench finds nasmacd beside itself:
# nasmac is copied into DIR. Any ThreadSanitizer report (DIR/race.*) fails the test, and so
# does a bench that served nothing (the MME must really have run) or that did not end within
# 240 s (a broken hand-over hangs the MME: with commit_poll's lock removed, TSan reported the
# race and the nometasync MME stopped answering).
# usage: test_tsan.sh DIR NASMAC
set -u
dir=$1
cp "$2" "$dir/nasmac" || exit 1
rm -f "$dir"/race.* "$dir/out.json"
TSAN_OPTIONS="log_path=$dir/race halt_on_error=0" timeout -k 10 240 \
	"$dir/nasmac" bench e2e --backends cpu --stores full,nometasync --workers 1 \
	--seconds 0.5 --trials 1 --echo-windows 256 --json >"$dir/out.json" 2>"$dir/bench.err"
rc=$?
# A bench killed by the timeout leaves its servers running.
[ $rc = 124 ] && pkill -f "$dir/nasmacd" 2>/dev/null
if ls "$dir"/race.* >/dev/null 2>&1; then
	echo "test-host-tsan: ThreadSanitizer reports:"
	cat "$dir"/race.*
	exit 1
fi
rows=$(grep -c '"section":"mme".*"requests_per_s":[1-9]' "$dir/out.json")
if [ $rc = 124 ]; then
	echo "test-host-tsan: the bench did not end within 240 s"
	cat "$dir/bench.err"
	exit 1
fi
if [ "$rows" != 2 ]; then
	echo "test-host-tsan: expected 2 MME rows with requests served, got $rows (bench exit $rc)"
	cat "$dir/bench.err"
	exit 1
fi
echo "test-host-tsan: lmdb full and nometasync under load and SIGTERM: no ThreadSanitizer report"
