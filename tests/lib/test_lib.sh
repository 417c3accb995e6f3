#!/bin/sh
# libnasmac as a user gets it: `make install` into a staging tree, then examples/verify.c built
# with plain cc and pkg-config only. Checks: the program needs nothing but libnasmac.so.1 and
# libc (no C++ runtime, no XRT, no Verilator model), the library exports only nasmac_* names and
# carries the soname libnasmac.so.MAJOR, the cpu backend verifies TS 33.401 C.2 EIA2 Test Set 1,
# the sim backend does too through its module (found beside the library), xrt without a card
# fails with one line, and the xrt module finds XRT's runtime where each distribution puts it.
# Usage: test_lib.sh STAGE_DIR PREFIX
set -u
stage=$1 prefix=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "test-lib: FAIL: $*"; }

lib=$stage$prefix/lib
export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$lib/pkgconfig
flags=$(pkg-config --cflags --libs nasmac) || { echo "test-lib: pkg-config nasmac failed"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror examples/verify.c $flags -o "$stage/verify" || { echo "test-lib: example does not build"; exit 1; }

needed=$(readelf -d "$stage/verify" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
[ "$needed" = "libnasmac.so.1 libc.so.6 " ] && ok || bad "example needs: $needed"
libneeded=$(readelf -d "$lib/libnasmac.so.1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case "$libneeded" in *stdc++*|*xrt*|*verilat*) bad "libnasmac.so needs: $libneeded" ;; *) ok ;; esac
soname=$(readelf -d "$lib/libnasmac.so.1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libnasmac.so.1" ] && ok || bad "soname $soname"
others=$(nm -D --defined-only "$lib/libnasmac.so.1" | awk '$3 !~ /^nasmac_/ && $3 != "NASMAC_1" {print $3}')
[ -z "$others" ] && ok || bad "exports beyond nasmac_*: $others"

. tests/lib/example.sh
example_checks "$lib" "$stage/verify" 1.0.0 test-lib
out=$(env -u XILINX_XRT LD_LIBRARY_PATH=$lib "$stage/verify" xrt:0 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "^nasmac: xrt:" && ok || bad "xrt without a card: rc $rc: $out"

# Where the xrt module finds XRT's runtime (libxrt_coreutil.so.2): the loader's path (Debian's
# multiarch dir), then $XILINX_XRT/lib, then /opt/xilinx/xrt/lib (Xilinx's packages). In a
# private mount namespace the system copy is hidden (/dev/null bound over it) and /opt is an
# empty tmpfs; a copy of the real library is then put in each place in turn. Found, the module
# loads and the backend's probe speaks (no card here); not found, one line naming all three.
xrtlib=$(ldconfig -p | sed -n 's/^[[:space:]]*libxrt_coreutil\.so\.2 .*=> //p' | head -n 1)
if [ -z "$xrtlib" ] || ! unshare -rm true 2>/dev/null; then
	echo "test-lib: XRT discovery cases skipped (${xrtlib:-no system XRT}; unshare -rm unavailable?)"
else
	alt=$stage/xrt-alt
	mkdir -p "$alt/lib" && cp "$(readlink -f "$xrtlib")" "$alt/lib/libxrt_coreutil.so.2"
	hidden() { # WHERE (none|env|opt): runs `verify xrt:0` with the system XRT hidden
		unshare -rm sh -c 'mount --bind /dev/null "$1" && mount -t tmpfs none /opt &&
			if [ "$2" = opt ]; then mkdir -p /opt/xilinx/xrt/lib &&
				cp "$3/lib/libxrt_coreutil.so.2" /opt/xilinx/xrt/lib/; fi &&
			if [ "$2" = env ]; then export XILINX_XRT="$3"; else unset XILINX_XRT; fi &&
			LD_LIBRARY_PATH="$4" "$5" xrt:0' sh "$(readlink -f "$xrtlib")" "$1" "$alt" "$lib" \
			"$stage/verify" 2>&1
	}
	out=$(env -u XILINX_XRT LD_LIBRARY_PATH=$lib "$stage/verify" xrt:0 2>&1)
	printf '%s' "$out" | grep -q "no Alveo card" && ok || bad "xrt, system XRT: $out"
	out=$(hidden none); n=$(printf '%s\n' "$out" | grep -c '^nasmac:')
	printf '%s' "$out" | grep -q "runtime libxrt_coreutil.so.2 not found (looked on the loader's path, in \$XILINX_XRT/lib (unset), in /opt/xilinx/xrt/lib" &&
		[ "$n" -eq 1 ] && ok || bad "xrt, no XRT anywhere: $out"
	out=$(hidden env)
	printf '%s' "$out" | grep -q "no Alveo card" && ok || bad "xrt, XILINX_XRT=$alt: $out"
	out=$(hidden opt)
	printf '%s' "$out" | grep -q "no Alveo card" && ok || bad "xrt, /opt/xilinx/xrt: $out"
fi

# The installed programs say which version and commit they are.
v=$(LD_LIBRARY_PATH=$lib "$stage$prefix/bin/nasmac" --version 2>&1)
printf '%s' "$v" | grep -Eq '^nasmac 1\.0\.0 \(git [^)]+\), device layout [0-9]+\.[0-9]+$' && ok || bad "nasmac --version: $v"
v=$(LD_LIBRARY_PATH=$lib "$stage$prefix/bin/nasmacd" --version 2>&1)
printf '%s' "$v" | grep -Eq '^nasmacd 1\.0\.0 \(git [^)]+\)$' && ok || bad "nasmacd --version: $v"

echo "test-lib: $pass passed, $fail failed"
[ $fail -eq 0 ]
