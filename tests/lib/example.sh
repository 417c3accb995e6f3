# Sourced by tests/lib/test_lib.sh and pkg/test_pkg.sh (which define ok and bad): runs
# examples/verify.c, built against an installed or unpacked libnasmac, on the cpu backend and on
# the sim backend through its module (found beside the library: no NASMAC_MODULE_DIR), then
# with the sim module gone, which must be a one-line refusal naming where it looked, not a
# crash. TS 33.401 C.2 EIA2 Test Set 1 is the batch verify.c checks.
# Usage: example_checks LIBDIR VERIFY_BINARY VERSION TAG
example_checks() {
	_lib=$1 _verify=$2 _ver=$3 _tag=$4
	_out=$(LD_LIBRARY_PATH=$_lib "$_verify" cpu 2>&1)
	[ "$_out" = "libnasmac $_ver, cpu: MAC verified" ] && ok || bad "cpu: $_out"
	if [ -n "${NASMAC_TEST_SKIP_SIM:-}" ]; then
		echo "$_tag: sim case skipped ($NASMAC_TEST_SKIP_SIM)"
	else
		_out=$(env -u NASMAC_MODULE_DIR LD_LIBRARY_PATH=$_lib "$_verify" sim 2>&1)
		[ "$_out" = "libnasmac $_ver, sim: MAC verified" ] && ok || bad "sim: $_out"
	fi
	mv "$_lib/nasmac/nasmac-sim.so" "$_lib/nasmac/nasmac-sim.so.off"
	_out=$(NASMAC_MODULE_DIR=/nonexistent LD_LIBRARY_PATH=$_lib "$_verify" sim 2>&1); _rc=$?
	mv "$_lib/nasmac/nasmac-sim.so.off" "$_lib/nasmac/nasmac-sim.so"
	[ $_rc -eq 1 ] && [ "$(printf '%s\n' "$_out" | grep -c '^nasmac:')" -eq 1 ] &&
		printf '%s' "$_out" | grep -q "nasmac-sim.so not found" && ok || bad "no sim module: rc $_rc: $_out"
}
