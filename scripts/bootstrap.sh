#!/bin/sh
# Installs what nasmac needs to build and test, on Debian 12 or Ubuntu, and nothing else.
# Idempotent and quick when everything is present (one dpkg query, no network).
# On other systems it prints the exact list of what is missing and exits 1.
# --check: only name what is missing (one line, exit 1), install nothing (plain `make` uses it).
set -eu

PKGS="build-essential clang llvm libclang-rt-dev python3 pkg-config zlib1g-dev verilator yosys \
libssl-dev libuv1-dev liblmdb-dev libcmocka-dev libipsec-mb-dev libxrt-dev tshark libyaml-dev \
libmicrohttpd-dev gnuplot-nox libsystemd-dev z3 tcl fakeroot dpkg-dev systemd uuid-dev \
debhelper lintian redis-server libhiredis-dev"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PKGS; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
	done
else
	echo "bootstrap: not a Debian/Ubuntu system; install these (Debian names):$PKGS" >&2
	exit 1
fi

[ -z "$missing" ] && exit 0
if [ "${1:-}" = "--check" ]; then
	echo "nasmac: missing packages:$missing" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "bootstrap: missing packages:$missing (no apt-get here to install them)" >&2
	exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
		echo "bootstrap: missing packages:$missing; run as root or install sudo" >&2
		exit 1
	fi
fi
$SUDO apt-get update -q >/dev/null
# The fuzzer runtime is its own package (libclang-rt-dev) from Debian 12 and Ubuntu 23.04 on;
# older releases ship it inside clang's packages, so it is dropped where apt does not know it.
case "$missing" in *libclang-rt-dev*)
	apt-cache show libclang-rt-dev >/dev/null 2>&1 || missing=$(echo "$missing" | sed 's/ libclang-rt-dev//') ;;
esac
[ -z "$missing" ] && exit 0
echo "bootstrap: installing:$missing"
# tshark asks whether non-root users may capture; answer for it so the install never blocks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "bootstrap: done"
