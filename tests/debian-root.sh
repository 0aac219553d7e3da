#!/usr/bin/env bash
# A clean Debian bookworm root made from Debian's packages alone
# (debootstrap, minbase), with this machine's apt sources, for the tests
# that try the project as a new user would on a fresh machine
# (tests/cleanroot.test.mjs).  Made once into tests/out/bookworm-root/
# and marked complete; every test copies it and works on the copy, so
# the root itself stays as debootstrap left it.  Prints its path.
#
#   tests/debian-root.sh [--fresh]    (--fresh: make it anew)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/require.sh

dir=$PWD/tests/out/bookworm-root
[ "${1:-}" = --fresh ] && rm -rf "$dir"
if [ -e "$dir/.complete" ]; then echo "$dir"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
	echo "debian-root: not root: debootstrap needs root" >&2; exit 1
fi
require debootstrap:debootstrap >&2
# The mirror this machine's own apt uses.
mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
    grep -v -- '-security' | head -1)
mirror=${mirror:-http://deb.debian.org/debian/}
rm -rf "$dir"
debootstrap --variant=minbase bookworm "$dir" "$mirror" >&2
# The same package sources as this machine (bookworm, -updates, -security).
rm -f "$dir/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] && grep -q 'debian' "$f" && cp "$f" "$dir${f}"
done
rm -rf "$dir/var/cache/apt/archives/"*.deb
touch "$dir/.complete"
echo "$dir"
