#!/usr/bin/env bash
# Prints the path of Debian bookworm's own Node.js (18.20), the node the
# README's platform has, for the test pass that runs under it
# (tests/check.sh).  On stock Debian that is the machine's own node.  A
# machine with a newer node from another repository keeps it: Debian's
# nodejs and libnode108 packages are unpacked (dpkg -x) into
# tests/out/debian-node/ beside it, the binary told where its library is
# (patchelf), and Debian's packages that node loads its externalized
# builtins from (/usr/share/nodejs: acorn, cjs-module-lexer, undici) and
# libnode's libraries are installed with apt-get.  Exits 1, saying why on
# stderr, when that cannot be done (not root, no such package).
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/require.sh

is_debian_18() { # node binary -> 0 when it is Debian's nodejs 18
	local v
	v=$("$1" --version 2>/dev/null) || return 1
	case $v in v18.*) ;; *) return 1;; esac
	dpkg -S "$(readlink -f "$1")" 2>/dev/null | grep -q '^nodejs:'
}

machine=$(command -v node || true)
if [ -n "$machine" ] && is_debian_18 "$machine"; then
	echo "$machine"; exit 0
fi

dir=$PWD/tests/out/debian-node
if [ -x "$dir/bin/node" ] && "$dir/bin/node" --version >/dev/null 2>&1; then
	echo "$dir/bin/node"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "debian-node: not root: cannot unpack Debian's nodejs" >&2; exit 1
fi
# The newest bookworm version Debian has (bookworm-security first).
version=$(apt-cache madison nodejs | awk -F' [|] ' '$2 ~ /deb12/ { print $2; exit }')
if [ -z "$version" ]; then
	apt-get update -qq
	version=$(apt-cache madison nodejs | awk -F' [|] ' '$2 ~ /deb12/ { print $2; exit }')
fi
[ -n "$version" ] || { echo "debian-node: no Debian bookworm nodejs package" >&2; exit 1; }
libnode=$(apt-cache depends "nodejs=$version" | awk '/Depends: libnode/ { print $2; exit }')
# What libnode loads: the libraries, and Debian's node modules that it
# loads some of node's own internals from.
# shellcheck disable=SC2046
require patchelf:patchelf $(apt-cache depends "$libnode=$version" |
    awk '/^  Depends: [a-z]/ && $2 !~ /^lib(c6|gcc-s1|stdc\+\+6)$/ { print $2 }' | sort -u) >&2

rm -rf "$dir"; mkdir -p "$dir/debs" "$dir/bin" "$dir/lib"
# apt-get download writes into the current directory as _apt when it can.
chmod 777 "$dir/debs"
(cd "$dir/debs" && apt-get download -qq "nodejs=$version" "$libnode=$version") >&2
for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
cp "$dir/root/usr/bin/node" "$dir/bin/node"
cp "$dir"/root/usr/lib/*/libnode.so.* "$dir/lib/"
patchelf --set-rpath "$dir/lib" "$dir/bin/node"
rm -rf "$dir/debs"
"$dir/bin/node" --version >/dev/null
echo "$dir/bin/node"
