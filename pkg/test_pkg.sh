#!/bin/sh
# The .deb as an operator gets it: control fields, the files it ships, conffiles, and units that
# systemd-analyze accepts (run against the unpacked tree). Usage: test_pkg.sh FILE.deb
set -u
deb=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "test-pkg: FAIL: $*"; }

dpkg-deb -x "$deb" "$t/root" && dpkg-deb -e "$deb" "$t/DEBIAN" && ok || bad "not a readable .deb"
f() { dpkg-deb -f "$deb" "$1"; }
[ "$(f Package)" = nasmac ] && ok || bad "Package: $(f Package)"
dep=$(f Depends)
printf '%s' "$dep" | grep -q "libipsec-mb1" && printf '%s' "$dep" | grep -q "libc6" && ok || bad "Depends: $dep"
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for p in usr/bin/nasmac usr/bin/nasmacd usr/lib/$ma/libnasmac.so.1 usr/lib/$ma/nasmac/nasmac-sim.so \
	usr/lib/$ma/nasmac/nasmac-xrt.so usr/lib/$ma/pkgconfig/nasmac.pc usr/include/nasmac.h \
	etc/nasmac/mme.yaml etc/nasmac/amf.yaml lib/systemd/system/nasmacd-mme.service \
	lib/systemd/system/nasmacd-amf.service usr/share/man/man8/nasmacd.8.gz \
	usr/share/man/man1/nasmac.1.gz \
	usr/share/doc/nasmac/README.md; do
	[ -e "$t/root/$p" ] && ok || bad "missing /$p"
done
grep -qx /etc/nasmac/mme.yaml "$t/DEBIAN/conffiles" && ok || bad "mme.yaml is not a conffile"
grep -q "^ExecStart=/usr/bin/nasmacd mme -c /etc/nasmac/mme.yaml$" "$t/root/lib/systemd/system/nasmacd-mme.service" \
	&& ok || bad "unit ExecStart: $(grep ExecStart "$t/root/lib/systemd/system/nasmacd-mme.service")"
# systemd's own checker over the shipped units (ExecStart must exist: point it at the tree).
for u in nasmacd-mme nasmacd-amf; do
	sed "s|/usr/bin/nasmacd|$t/root/usr/bin/nasmacd|" "$t/root/lib/systemd/system/$u.service" >"$t/$u.service"
	out=$(systemd-analyze verify --man=no "$t/$u.service" 2>&1 | grep -v "Cannot add dependency job\|Failed to connect\|WARNING: Transaction\|Failed to prepare filesystem"); \
	[ -z "$out" ] && ok || bad "systemd-analyze verify $u: $out"
done
# The shipped config starts the shipped daemon (parsed up to --help).
LD_LIBRARY_PATH=$t/root/usr/lib/$ma "$t/root/usr/bin/nasmacd" mme -c "$t/root/etc/nasmac/mme.yaml" --help >/dev/null 2>&1 \
	&& ok || bad "nasmacd mme -c /etc/nasmac/mme.yaml is refused"
man -l "$t/root/usr/share/man/man8/nasmacd.8.gz" >/dev/null 2>&1 || zcat "$t/root/usr/share/man/man8/nasmacd.8.gz" | grep -q '^\.TH NASMACD 8' && ok || bad "man page"

echo "test-pkg: $pass passed, $fail failed"
[ $fail -eq 0 ]
