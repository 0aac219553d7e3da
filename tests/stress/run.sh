#!/usr/bin/env bash
# make stress: install what the load tests need (as root), build, and run
# tests/stress/storm.mjs (a few minutes; prints a table, also written to
# tests/out/stress.md).  STRESS_LOGINS, STRESS_CONCURRENCY, STRESS_WORKERS,
# STRESS_EXPIRE_MS and STRESS_WRK_SECONDS change its size.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/require.sh
# shellcheck disable=SC2086
require wrk:wrk nginx:nginx-light fcgiwrap:fcgiwrap node:nodejs npm:npm $BUILD_DEPS
[ -d tests/node_modules/oidc-provider ] || (cd tests && npm ci --no-audit --no-fund --silent)
make -s all
JO_CGI=${JO_CGI:-cgi-bin/jitsi-oidc} exec node tests/stress/storm.mjs
