# Sourced by tests/deps.sh, tests/demo/demo.sh and bench/bench.sh.
#   require ITEM...   ITEM is "command:package" (the command, and the Debian
#                     package that provides it) or a package name alone.
# Installs what is missing with apt-get when run as root; otherwise prints
# the exact command and exits 1.
BUILD_DEPS="cc:build-essential pkg-config libcurl4-openssl-dev libjson-c-dev libjwt-dev libssl-dev libfcgi-dev"

require() {
	local need=() item
	for item in "$@"; do
		case $item in
		*:*)	command -v "${item%%:*}" >/dev/null ||
			    [ -x "/usr/sbin/${item%%:*}" ] || need+=("${item#*:}");;
		*)	dpkg-query -W -f='${Status}' "$item" 2>/dev/null |
			    grep -q 'ok installed' || need+=("$item");;
		esac
	done
	[ ${#need[@]} -eq 0 ] && return 0
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends "${need[@]}"
	else
		echo "Missing packages. Run, as root:"
		echo "  apt-get install ${need[*]}"
		exit 1
	fi
}
