#!/usr/bin/env bash
# A whole login by hand, with curl and a cookie jar, the way a browser does
# it: open a Jitsi room URL, follow the redirects to the provider, fill in
# its login and consent forms, and follow the redirects back until Jitsi's
# room URL with ?jwt=.  Prints that URL and the token's claims, decoded.
#
#   tests/demo/login.sh http://127.0.0.1:8080/MyRoom [login-name]
set -euo pipefail
start=${1:?usage: login.sh ROOM_URL [LOGIN]}
login=${2:-alice}
jitsi=$(printf '%s' "$start" | sed -E 's#^(https?://[^/]+).*#\1#')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar=$work/jar
fetch() { curl -sS -b "$jar" -c "$jar" -o "$work/body" -D "$work/head" "$@"; }
location() { sed -n 's/^[Ll]ocation: *//p' "$work/head" | tr -d '\r' | head -1; }
absolute() { case $1 in http*) echo "$1";; /*) echo "$(printf '%s' "$2" | sed -E 's#^(https?://[^/]+).*#\1#')$1";; *) echo "$1";; esac; }

url=$start
for _ in $(seq 1 25); do
	case $url in
	"$jitsi"/*jwt=*)
		echo "Jitsi URL: $url"
		token=$(printf '%s' "$url" | sed -E 's/.*[?&#]jwt=(%22)?([^&#%]*).*/\2/')
		echo "Token header: $(printf '%s' "$token" | cut -d. -f1 | tr '_-' '/+' | base64 -d 2>/dev/null || true)"
		echo "Token claims:"
		printf '%s' "$token" | cut -d. -f2 | tr '_-' '/+' |
		    awk '{ n = length($0) % 4; if (n) $0 = $0 substr("==", 1, 4 - n); print }' |
		    base64 -d | (command -v node >/dev/null &&
		    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s),null,2)))' || cat)
		fetch "$url" >/dev/null
		echo "Stand-in Jitsi page: HTTP $(sed -n 1p "$work/head" | cut -d' ' -f2)"
		exit 0;;
	*/interaction/*)
		fetch "$url"
		if grep -q 'name="prompt" value="login"' "$work/body"; then
			fetch --data-urlencode prompt=login --data-urlencode "login=$login" \
			    --data-urlencode password=any "$url"
		elif grep -q 'name="prompt" value="consent"' "$work/body"; then
			fetch --data-urlencode prompt=consent "$url"
		else
			echo "unexpected page at $url" >&2; cat "$work/body" >&2; exit 1
		fi;;
	*)
		fetch "$url";;
	esac
	next=$(location)
	if [ -z "$next" ]; then
		echo "no redirect from $url:" >&2
		cat "$work/head" "$work/body" >&2
		exit 1
	fi
	url=$(absolute "$next" "$url")
done
echo "too many redirects" >&2
exit 1
