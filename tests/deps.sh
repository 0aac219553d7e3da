#!/usr/bin/env bash
# What `make check` needs on a Debian bookworm machine: the build's
# packages, the real servers and tools the tests run, and the tests' npm
# packages.  As root it installs what is missing (apt-get, npm ci);
# otherwise it prints the apt-get line and exits 1.  .ci/run, `make check`
# (before it builds) and tests/check.sh call it; it does nothing when
# everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/require.sh

# nginx-light … lighttpd, libapache2-mod-fcgid, spawn-fcgi, libfcgi-bin:
#   the web servers of the webservers, fastcgi and deploy suites;
# systemd: systemd-socket-activate and systemd-analyze (never started);
# chromium: the browser suites (driven by playwright-core from npm);
# tinyproxy-bin: the outbound proxy of tests/network.test.mjs;
# debootstrap: the clean Debian root of tests/cleanroot.test.mjs;
# patchelf: Debian's own node unpacked beside another (tests/debian-node.sh);
# glewlwyd, lemonldap-ng: the two real providers of tests/providers.test.mjs.
# With --no-install-recommends the LemonLDAP::NG portal needs what its
# package only recommends: libcrypt-openssl-bignum-perl (the JWKS),
# libgd-securityimage-perl and libimage-magick-perl (its captcha module is
# always loaded; without them every request is a 500).
TEST_DEPS="libcmocka-dev curl ca-certificates nginx-light fcgiwrap apache2
lighttpd chromium mandoc valgrind clang libclang-rt-14-dev faketime wrk
libfcgi-bin spawn-fcgi libapache2-mod-fcgid systemd tinyproxy-bin
debootstrap patchelf
glewlwyd sqlite3 lemonldap-ng lemonldap-ng-fastcgi-server
libcrypt-openssl-bignum-perl libapache-session-browseable-perl
libcookie-baker-xs-perl libhttp-parser-xs-perl libstring-random-perl
libio-string-perl libconvert-base32-perl libdbi-perl libdbd-sqlite3-perl
liblwp-protocol-https-perl libgd-securityimage-perl libimage-magick-perl"

# shellcheck disable=SC2086
require $BUILD_DEPS $TEST_DEPS node:nodejs npm:npm
if [ ! -d tests/node_modules/oidc-provider ]; then
	(cd tests && npm ci --no-audit --no-fund)
fi
