#!/usr/bin/env bash
# make demo: the adapter end to end on loopback -- a real OpenID provider
# (oidc-provider), nginx + fcgiwrap serving the adapter with
# conf/nginx-fcgiwrap.conf, and a stand-in Jitsi page.  Everything it
# writes is under .demo/; every process it starts is stopped by PID on
# Ctrl-C or by `make demo-stop`.
#
#   tests/demo/demo.sh [--oneshot]   (--oneshot: log in once with curl, stop)
#   tests/demo/demo.sh --stop
# Environment: DEMO_DIR (.demo), DEMO_PORT (8080), IDP_PORT (9000).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
demo=${DEMO_DIR:-$top/.demo}
port=${DEMO_PORT:-8080}
idp_port=${IDP_PORT:-9000}
base=http://127.0.0.1:$port

stop() {
	local f pid
	for f in "$demo"/run/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null || true)
		# each was started in its own process group (setsid): stop it whole
		[ -n "$pid" ] && { kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; }
		rm -f "$f"
	done
	rm -f "$demo"/run/*.sock
}
if [ "${1:-}" = --stop ]; then
	stop
	echo "demo stopped"
	exit 0
fi

# What a fresh Debian bookworm machine lacks.
. tests/lib/require.sh
# shellcheck disable=SC2086
require nginx:nginx-light fcgiwrap:fcgiwrap node:nodejs npm:npm curl:curl $BUILD_DEPS
PATH=$PATH:/usr/sbin
make -s all
[ -d tests/node_modules/oidc-provider ] || (cd tests && npm ci --no-audit --no-fund --silent)

stop
rm -rf "$demo"
mkdir -p "$demo"/{run,logs,tmp,cache,www}
chmod 0755 "$demo" "$demo/www"
chmod 0700 "$demo/cache"	# the CGI user's own: a shared cache_dir is not used
cp tests/demo/jitsi.html "$demo/www/jitsi.html"
cp cgi-bin/jitsi-oidc "$demo/jitsi-oidc"
secret() { head -c 36 /dev/urandom | base64 | tr -d '/+=' ; }
cat > "$demo/jitsi-oidc.conf" <<CONF
# Written by make demo.
issuer = http://127.0.0.1:$idp_port
client_id = jitsi
client_secret = jitsi-demo-secret-0123456789
public_url = $base/oidc
jitsi_url = $base
jitsi_app_id = jitsi-oidc-demo
jitsi_app_secret = $(secret)
cookie_secret = $(secret)
cache_dir = $demo/cache
CONF
chmod 0600 "$demo/jitsi-oidc.conf"

# The adapter's location, exactly as shipped, with the demo's paths.
sed -e "s#/usr/local/lib/cgi-bin/jitsi-oidc#$demo/jitsi-oidc#" \
    -e "s#/etc/jitsi-oidc/jitsi-oidc.conf#$demo/jitsi-oidc.conf#" \
    -e "s#unix:/run/fcgiwrap.socket#unix:$demo/run/fcgiwrap.sock#" \
    conf/nginx-fcgiwrap.conf > "$demo/oidc-location.conf"
# nginx's workers must reach the socket and the page under the clone,
# which may lie in a home directory no one else may enter (root's is
# 0700): run as root, the demo's workers run as root, like its fcgiwrap.
workers_user=
[ "$(id -u)" = 0 ] && workers_user="user root;"
cat > "$demo/nginx.conf" <<NGINX
# Written by make demo.
$workers_user
worker_processes 1;
pid $demo/run/nginx.pid;
error_log $demo/logs/nginx-error.log info;
events { worker_connections 256; }
http {
    access_log $demo/logs/nginx-access.log;
    client_body_temp_path $demo/tmp/body;
    fastcgi_temp_path $demo/tmp/fastcgi;
    proxy_temp_path $demo/tmp/proxy;
    uwsgi_temp_path $demo/tmp/uwsgi;
    scgi_temp_path $demo/tmp/scgi;
    default_type text/html;
    include $top/conf/nginx-room-login.conf;
    server {
        listen 127.0.0.1:$port;
        include $demo/oidc-location.conf;
        # The stand-in Jitsi: one path segment is a room.
        location ~ ^/([^/?&:'"]+)\$ {
            if (\$jitsi_oidc_login) {
                return 302 /oidc/authorize?room=\$jitsi_oidc_room&tenant=\$jitsi_oidc_tenant;
            }
            root $demo/www;
            try_files /jitsi.html =404;
        }
        location = / { return 302 /MyRoom; }
    }
}
NGINX

# fastcgi_params: Debian's, from nginx-common.
cp /etc/nginx/fastcgi_params "$demo/fastcgi_params"
trap stop EXIT
trap 'echo; echo "demo stopped"; exit 0' INT TERM
fcgiwrap=$(command -v fcgiwrap || echo /usr/sbin/fcgiwrap)
setsid "$fcgiwrap" -c 2 -s "unix:$demo/run/fcgiwrap.sock" </dev/null >/dev/null \
    2>>"$demo/logs/fcgiwrap.log" &
echo $! > "$demo/run/fcgiwrap.pid"
PORT=$idp_port REDIRECT_URI=$base/oidc/redirect POST_LOGOUT_REDIRECT_URI=$base/ CLIENT_SECRET=jitsi-demo-secret-0123456789 \
    setsid node tests/idp/provider.mjs </dev/null >"$demo/logs/provider.log" 2>&1 &
echo $! > "$demo/run/provider.pid"
for _ in $(seq 1 100); do
	[ -S "$demo/run/fcgiwrap.sock" ] && grep -q ready "$demo/logs/provider.log" && break
	sleep 0.1
done
chmod 0666 "$demo/run/fcgiwrap.sock"
nginx -e "$demo/logs/nginx-error.log" -p "$demo" -c "$demo/nginx.conf"
for _ in $(seq 1 50); do [ -s "$demo/run/nginx.pid" ] && break; sleep 0.1; done

echo "== A whole login with curl (tests/demo/login.sh $base/MyRoom)"
tests/demo/login.sh "$base/MyRoom" alice
[ "${1:-}" = --oneshot ] && exit 0
cat <<MSG

== The demo is running
  Open $base/MyRoom (or any room name) in a browser: you are sent to
  the provider at http://127.0.0.1:$idp_port (any login name, any password),
  and back to a stand-in Jitsi page that shows your token.
  Logs: $demo/logs/   Adapter config: $demo/jitsi-oidc.conf
  Stop: Ctrl-C here, or \`make demo-stop\` from another shell.
MSG
while :; do sleep 1 & wait $! || true; done
