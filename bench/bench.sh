#!/usr/bin/env bash
# make bench: install what the benchmark needs (as root), build the runner
# and the trivial baseline CGI, and run bench/bench.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for c in wrk valgrind nginx fcgiwrap node npm cc; do
	command -v $c >/dev/null || [ -x /usr/sbin/$c ] || need+=("$c")
done
need=("${need[@]/nginx/nginx-light}")
need=("${need[@]/node/nodejs}")
need=("${need[@]/cc/build-essential}")
for p in pkg-config libcurl4-openssl-dev libjson-c-dev libjwt-dev libssl-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
	else
		echo "Missing packages. Run, as root: apt-get install ${need[*]}"
		exit 1
	fi
fi
[ -d tests/node_modules/oidc-provider ] || (cd tests && npm ci --no-audit --no-fund --silent)
make -s all
mkdir -p build
cc -O2 -Wall -Wextra -o build/runner bench/runner.c
cc -O2 -Wall -Wextra -o build/trivial-cgi bench/trivial.c
cc -O2 -Wall -Wextra -o build/curl-floor bench/curl-floor.c -ldl
node bench/bench.mjs
