#!/usr/bin/env bash
# make bench: install what the benchmark needs (as root), build the runner
# and the trivial baseline CGI, and run bench/bench.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/require.sh
# shellcheck disable=SC2086
require wrk:wrk valgrind:valgrind nginx:nginx-light fcgiwrap:fcgiwrap spawn-fcgi:spawn-fcgi node:nodejs npm:npm $BUILD_DEPS
[ -d tests/node_modules/oidc-provider ] || (cd tests && npm ci --no-audit --no-fund --silent)
make -s all
mkdir -p build
cc -O2 -Wall -Wextra -o build/runner bench/runner.c
cc -O2 -Wall -Wextra -o build/trivial-cgi bench/trivial.c
cc -O2 -Wall -Wextra -o build/curl-floor bench/curl-floor.c -ldl
cc -O2 -Wall -Wextra -o build/trivial-fcgi bench/trivial-fcgi.c -lfcgi
node bench/bench.mjs
