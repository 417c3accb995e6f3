#!/bin/sh
# The packages as a user gets them (make deb: build/deb/*.deb from debian/):
# - lintian finds no error and no warning;
# - each package has its fields and files; dependencies split as intended (libnasmac1 pulls in
#   no C++ runtime and no XRT; only libnasmac1-xrt depends on XRT; nasmacd needs no C++);
# - the changelog's version is the library's (nasmac.h);
# - all five unpacked into one scratch root (dpkg -x): examples/verify.c builds there with cc and
#   pkg-config only and verifies TS 33.401 C.2 EIA2 Test Set 1 on cpu and, through the module
#   from libnasmac1-sim, on sim; without that module, sim is refused in one line
#   (tests/lib/example.sh);
# - conffiles, systemd units that systemd-analyze accepts, the config starts the daemon, man page.
# Usage: test_pkg.sh DEB_DIR VERSION ARCH
set -u
. tests/lib/example.sh
dir=$1 ver=$2 arch=$3
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "test-pkg: FAIL: $*"; }
deb() { echo "$dir/$1_${ver}_$arch.deb"; }
f() { dpkg-deb -f "$(deb "$1")" "$2"; }
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
root=$t/root
lib=$root/usr/lib/$ma

# lintian prints only what it finds (plus a notice when run as root).
out=$(lintian --fail-on error,warning "$dir"/*.deb 2>&1); rc=$?
[ $rc -eq 0 ] && ok || bad "lintian (rc $rc): $out"

cl=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "$cl" = "$ver" ] && ok || bad "debian/changelog is at $cl, nasmac.h at $ver"

for p in nasmac libnasmac1 libnasmac1-sim libnasmac1-xrt libnasmac-dev; do
	[ "$(f $p Package)" = $p ] && [ "$(f $p Version)" = "$ver" ] && ok || bad "$p: $(f $p Package) $(f $p Version)"
	dpkg-deb -x "$(deb $p)" "$root" && ok || bad "$p does not unpack"
done
dpkg-deb -e "$(deb nasmac)" "$t/DEBIAN" && ok || bad "nasmac: no control area"

dep() { f "$1" Depends; }
case "$(dep libnasmac1)" in *stdc++*|*xrt*|*verilat*|*libnasmac*) bad "libnasmac1 Depends: $(dep libnasmac1)" ;;
	*libipsec-mb1*) ok ;; *) bad "libnasmac1 Depends: $(dep libnasmac1)" ;; esac
case "$(dep libnasmac1-xrt)" in *"libnasmac1 (= $ver)"*libxrt1*) ok ;; *) bad "libnasmac1-xrt Depends: $(dep libnasmac1-xrt)" ;; esac
case "$(dep libnasmac1-sim)" in *xrt*) bad "libnasmac1-sim Depends: $(dep libnasmac1-sim)" ;;
	*"libnasmac1 (= $ver)"*) ok ;; *) bad "libnasmac1-sim Depends: $(dep libnasmac1-sim)" ;; esac
case "$(dep nasmac)" in *xrt*) bad "nasmac Depends: $(dep nasmac)" ;;
	*"libnasmac1 (= $ver)"*) ok ;; *) bad "nasmac Depends: $(dep nasmac)" ;; esac
case "$(dep libnasmac-dev)" in *"libnasmac1 (= $ver)"*) ok ;; *) bad "libnasmac-dev Depends: $(dep libnasmac-dev)" ;; esac
needed=$(readelf -d "$root/usr/bin/nasmacd" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case "$needed" in *libnasmac.so.1*) case "$needed" in *stdc++*|*xrt*) bad "nasmacd needs: $needed" ;; *) ok ;; esac ;;
	*) bad "nasmacd does not link libnasmac.so.1: $needed" ;; esac

for p in usr/bin/nasmac usr/bin/nasmacd usr/lib/$ma/libnasmac.so.1 usr/lib/$ma/nasmac/nasmac-sim.so \
	usr/lib/$ma/nasmac/nasmac-xrt.so usr/lib/$ma/pkgconfig/nasmac.pc usr/lib/$ma/libnasmac.so \
	usr/include/nasmac.h etc/nasmac/mme.yaml etc/nasmac/amf.yaml \
	lib/systemd/system/nasmacd-mme.service lib/systemd/system/nasmacd-amf.service \
	usr/share/man/man8/nasmacd.8.gz usr/share/man/man1/nasmac.1.gz usr/share/doc/nasmac/README.md \
	usr/share/doc/libnasmac1/copyright; do
	[ -e "$root/$p" ] && ok || bad "missing /$p"
done

# The example against the unpacked packages: cc and pkg-config only.
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$lib/pkgconfig
flags=$(pkg-config --cflags --libs nasmac) && ok || bad "pkg-config nasmac"
if cc -std=c11 -Wall -Wextra -Werror examples/verify.c $flags -o "$t/verify"; then
	ok
	example_checks "$lib" "$t/verify" "$ver" test-pkg
else
	bad "examples/verify.c does not build against the packages"
fi

# The packaged tool: through libnasmac.so.1 on cpu and (module) sim, and its own built-in model
# for bench engine, both models in one process.
if [ -z "${NASMAC_TEST_SKIP_SIM:-}" ]; then
	for b in cpu sim; do
		out=$(LD_LIBRARY_PATH=$lib "$root/usr/bin/nasmac" verify --backend $b tests/vectors/eia2.txt 2>&1 | tail -n 1)
		printf '%s' "$out" | grep -Eqx "[1-9][0-9]* verified, 0 mismatched, 0 errors \(backend $b\)" && ok ||
			bad "nasmac verify --backend $b (TS 33.401 C.2 vectors, tests/vectors/eia2.txt): $out"
	done
	out=$(LD_LIBRARY_PATH=$lib "$root/usr/bin/nasmac" bench engine --jobs 64 --clock-mhz 300 2>&1)
	printf '%s\n' "$out" | grep -q "^  engine  *eia2 .* MAC/s" && ok || bad "nasmac bench engine: $out"
fi

grep -qx /etc/nasmac/mme.yaml "$t/DEBIAN/conffiles" && ok || bad "mme.yaml is not a conffile"
# Units ship disabled and stopped: the example config names no real peers. (dh_installsystemd
# --no-enable guards its enable behind "debian-installed"; starting goes through
# deb-systemd-invoke.)
grep -q "debian-installed 'nasmacd-mme.service'" "$t/DEBIAN/postinst" &&
	! grep -q deb-systemd-invoke "$t/DEBIAN/postinst" && ok || bad "postinst enables or starts the units"
grep -q "^ExecStart=/usr/bin/nasmacd mme -c /etc/nasmac/mme.yaml$" "$root/lib/systemd/system/nasmacd-mme.service" \
	&& ok || bad "unit ExecStart: $(grep ExecStart "$root/lib/systemd/system/nasmacd-mme.service")"
# systemd's own checker over the shipped units (ExecStart must exist: point it at the tree).
for u in nasmacd-mme nasmacd-amf; do
	sed "s|/usr/bin/nasmacd|$root/usr/bin/nasmacd|" "$root/lib/systemd/system/$u.service" >"$t/$u.service"
	out=$(systemd-analyze verify --man=no "$t/$u.service" 2>&1 | grep -v "Cannot add dependency job\|Failed to connect\|WARNING: Transaction\|Failed to prepare filesystem")
	[ -z "$out" ] && ok || bad "systemd-analyze verify $u: $out"
	doc=$(sed -n 's|^Documentation=.* file:\(/[^ ]*\).*|\1|p' "$root/lib/systemd/system/$u.service")
	[ -n "$doc" ] && [ -e "$root$doc" ] && ok || bad "$u: Documentation file:$doc not shipped"
done
# The shipped config starts the shipped daemon (parsed up to --help).
LD_LIBRARY_PATH=$lib "$root/usr/bin/nasmacd" mme -c "$root/etc/nasmac/mme.yaml" --help >/dev/null 2>&1 \
	&& ok || bad "nasmacd mme -c /etc/nasmac/mme.yaml is refused"
zcat "$root/usr/share/man/man8/nasmacd.8.gz" | grep -q '^\.TH NASMACD 8' && ok || bad "man page"

echo "test-pkg: $pass passed, $fail failed"
[ $fail -eq 0 ]
