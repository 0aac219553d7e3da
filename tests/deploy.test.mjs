// The adapter in the two sites a Jitsi admin really has, built
// here to behave like them in what matters (real nginx, the real provider,
// the conf/ files as shipped, only their paths moved):
//
// - Jitsi's Debian site (jitsi-meet's doc/debian/jitsi-meet/jitsi-meet.example,
//   the 443 server): static and config.js locations, BOSH and the XMPP
//   websocket (to a stand-in Prosody), the room location with its
//   @root_path, the tenant catch-all with its rewrite, SSI in index.html;
//   the adapter through fcgiwrap (conf/nginx-fcgiwrap.conf).
// - docker-jitsi-meet's web container: nginx -c from a configuration
//   outside /etc/nginx, site-confs/ at http level, meet.conf with
//   nginx-custom/*.conf inside server, the adapter as a FastCGI sidecar
//   over TCP started with spawn-fcgi -n (conf/nginx-docker-jitsi-meet.conf,
//   conf/nginx-docker-room-login.conf); and the adapter on the host behind
//   jitsi-oidc.socket on a port (conf/jitsi-oidc-tcp.conf).
//
// Each with and without the room rule (conf/nginx-room-login.conf): whole
// logins for a plain room, one with a space, one with '+', a non-ASCII one
// and a tenant room; Jitsi's own paths still answered by their locations;
// the sidecar stopped -> /oidc/ 502 while the rest is served; and every
// shipped nginx snippet loads with nginx -t outside /etc/nginx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { root, cgiPath, freePort, tempDir, startProvider, writeConfig, SECRETS } from './lib/harness.mjs';
import { serverDir, shareWithServers } from './lib/webservers.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { walk } from './lib/walk.mjs';

const have = ['/usr/sbin/nginx', '/usr/sbin/fcgiwrap', '/usr/bin/spawn-fcgi'].every(existsSync);
const skip = !have && !process.env.CI && 'nginx, fcgiwrap or spawn-fcgi not installed';

const conf = (name) => readFileSync(join(root, 'conf', name), 'utf8');
const moved = (text, pairs) => pairs.reduce((s, [a, b]) => s.split(a).join(b), text);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitPort(port, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { await fetch(`http://127.0.0.1:${port}/`); return; } catch { await sleep(50); }
  }
  throw new Error(`nothing listens on ${port}`);
}

// A stand-in Prosody (BOSH, websocket, room-info): says what it was asked.
let prosody; let prosodyPort;
before(async () => {
  if (skip) return;
  prosodyPort = await freePort();
  prosody = createServer((req, res) => { res.end(`prosody ${req.url}`); });
  await new Promise((r) => prosody.listen(prosodyPort, '127.0.0.1', r));
});
after(() => prosody && prosody.close());

// Jitsi's web root: index.html with SSI (the tenant's $subdir shows), the
// static directories, config.js kept elsewhere (as /etc/jitsi/meet/...).
function webRoot(d) {
  const w = join(d, 'www');
  for (const sub of ['static', 'libs', 'css', 'images', 'cfg']) mkdirSync(join(w, sub), { recursive: true });
  writeFileSync(join(w, 'index.html'), 'jitsi-index subdir=[<!--#echo var="subdir" default="" -->]\n');
  writeFileSync(join(w, 'static', '404.html'), 'jitsi-404\n');
  writeFileSync(join(w, 'static', 'app.txt'), 'jitsi-static\n');
  writeFileSync(join(w, 'css', 'all.css'), 'jitsi-css\n');
  writeFileSync(join(w, 'libs', 'external_api.min.js'), 'jitsi-external-api\n');
  writeFileSync(join(w, 'cfg', 'config.js'), 'var config = { jitsi: "config" };\n');
  return w;
}

// The room location, with or without the room rule's "if" (as its
// comment says: at the top of it).
const roomLocation = (rule) => `location ~ ^/([^/?&:'"]+)$ {
    ${rule ? 'if ($jitsi_oidc_login) { return 302 /oidc/authorize?room=$jitsi_oidc_room&tenant=$jitsi_oidc_tenant; }' : ''}
    try_files $uri @root_path;
}`;

// The 443 server of Jitsi's Debian site (TLS aside), the adapter's
// snippet inside it as docs/deploy.md says.
function debianSite(d, port, w, oidc, rule) {
  return `server {
  listen 127.0.0.1:${port};
  root ${w};
  ssi on;
  ssi_types application/x-javascript application/javascript;
  index index.html index.htm;
  error_page 404 /static/404.html;
  include ${oidc};
  location ~* \\.(js|css|png|ico)$ { expires 30d; add_header Cache-Control "public"; etag on; }
  location = /config.js { alias ${w}/cfg/config.js; }
  location = /external_api.js { alias ${w}/libs/external_api.min.js; }
  location ~ ^/(libs|css|static|images|fonts|lang|sounds|connection_optimization|.well-known)/(.*)$ {
    add_header 'Access-Control-Allow-Origin' '*';
    alias ${w}/$1/$2;
  }
  location = /http-bind { proxy_pass http://127.0.0.1:${prosodyPort}/http-bind; proxy_set_header Host $http_host; }
  location = /xmpp-websocket {
    proxy_pass http://127.0.0.1:${prosodyPort}/xmpp-websocket?prefix=$prefix&$args;
    proxy_http_version 1.1;
  }
  ${roomLocation(rule)}
  location @root_path { rewrite ^/(.*)$ / break; }
  location ~ ^/([^/?&:'"]+)/config.js$ { set $subdomain "$1."; set $subdir "$1/"; alias ${w}/cfg/config.js; }
  location ~ ^/([^/?&:'"]+)/(.*)$ { set $subdomain "$1."; set $subdir "$1/"; rewrite ^/([^/?&:'"]+)/(.*)$ /$2; }
  location ~ ^/([^/?&:'"]+)/http-bind { set $subdomain "$1."; set $subdir "$1/"; set $prefix "$1"; rewrite ^/(.*)$ /http-bind; }
  location ~ ^/([^/?&:'"]+)/xmpp-websocket { set $subdomain "$1."; set $subdir "$1/"; set $prefix "$1"; rewrite ^/(.*)$ /xmpp-websocket; }
}`;
}

const httpTemps = (d) => `access_log ${d}/logs/access.log;
  client_body_temp_path ${d}/tmp/body; fastcgi_temp_path ${d}/tmp/fcgi;
  proxy_temp_path ${d}/tmp/proxy; uwsgi_temp_path ${d}/tmp/uwsgi; scgi_temp_path ${d}/tmp/scgi;`;

function startNginx(d, confFile) {
  const t = spawnSync('/usr/sbin/nginx', ['-t', '-e', `${d}/logs/error.log`, '-p', d, '-c', confFile], { encoding: 'utf8' });
  if (t.status !== 0) throw new Error(`nginx -t: ${t.stderr}`);
  return spawn('/usr/sbin/nginx', ['-e', `${d}/logs/error.log`, '-p', d, '-c', confFile], { stdio: 'ignore', detached: true });
}
const kill = (p) => { try { process.kill(-p.pid, 'SIGTERM'); } catch {} };

// The Debian site: /etc/nginx-like layout, fcgiwrap, the maps in conf.d.
async function debian({ rule }) {
  const d = serverDir('jo-deploy-debian'); const port = await freePort();
  const w = webRoot(d);
  const cfgDir = tempDir('jo-deploy-cfg'); const config = join(cfgDir, 'jitsi-oidc.conf');
  const sock = join(d, 'run', 'fcgiwrap.sock');
  writeFileSync(join(d, 'oidc.conf'), moved(conf('nginx-fcgiwrap.conf'), [['/usr/local/lib/cgi-bin/jitsi-oidc', cgiPath],
    ['/etc/jitsi-oidc/jitsi-oidc.conf', config], ['unix:/run/fcgiwrap.socket', `unix:${sock}`]]));
  writeFileSync(join(d, 'room-login.conf'), conf('nginx-room-login.conf'));
  writeFileSync(join(d, 'nginx.conf'), `worker_processes 1; pid ${d}/run/nginx.pid; error_log ${d}/logs/error.log info; daemon off;
events { worker_connections 256; }
http {
  ${httpTemps(d)}
  ${rule ? `include ${d}/room-login.conf;` : ''}
  ${debianSite(d, port, w, join(d, 'oidc.conf'), rule)}
}
`);
  const fcgi = spawn('/usr/sbin/fcgiwrap', ['-c', '2', '-s', `unix:${sock}`], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(20);
  spawnSync('chmod', ['0666', sock]);
  let ngx;
  try {
    ngx = startNginx(d, join(d, 'nginx.conf'));
    await waitPort(port);
  } catch (e) { kill(fcgi); throw e; } // nothing left running
  return { base: `http://127.0.0.1:${port}`, d, cfgDir, config,
    errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8'),
    stop: async () => { kill(ngx); kill(fcgi); await sleep(100); } };
}

// docker-jitsi-meet's web container: everything under <d>/config, nginx -c
// <d>/config/nginx/nginx.conf, no fastcgi_params beside it; the adapter a
// TCP sidecar (spawn-fcgi -n, in the foreground), or (sidecar: 'systemd')
// on the host behind jitsi-oidc.socket with the drop-in
// conf/jitsi-oidc-tcp.conf: the socket on a port, held by
// systemd-socket-activate as systemd would, the process started with the
// unit's command and environment on the first connection.
async function docker({ rule, sidecar = 'spawn-fcgi' }) {
  const d = serverDir('jo-deploy-docker'); const port = await freePort(); const side = await freePort();
  const w = webRoot(d);
  const cfgDir = tempDir('jo-deploy-cfg'); const config = join(cfgDir, 'jitsi-oidc.conf');
  const c = join(d, 'config');
  for (const sub of ['nginx/site-confs', 'nginx-custom']) mkdirSync(join(c, sub), { recursive: true });
  // the upstream as the snippet's comment says for each way: the
  // sidecar's name, or the host's address the drop-in listens on
  const listen = conf('jitsi-oidc-tcp.conf').match(/^ListenStream=(\S+)$/m)[1];
  const snip = conf('nginx-docker-jitsi-meet.conf');
  if (sidecar === 'systemd') assert.match(snip, new RegExp(`^#\\s+set \\$jitsi_oidc_upstream ${listen.replace(/\./g, '\\.')};$`, 'm'));
  writeFileSync(join(c, 'nginx-custom', 'jitsi-oidc.conf'), moved(sidecar === 'systemd'
    ? snip.replace('set $jitsi_oidc_upstream jitsi-oidc:9009;', `set $jitsi_oidc_upstream ${listen};`) : snip,
  [['jitsi-oidc:9009', `127.0.0.1:${side}`], [listen, `127.0.0.1:${side}`]]));
  if (rule) {
    writeFileSync(join(c, 'nginx', 'site-confs', 'jitsi-oidc-room-login.conf'), conf('nginx-room-login.conf'));
    writeFileSync(join(c, 'nginx-custom', 'jitsi-oidc-room-login.conf'), conf('nginx-docker-room-login.conf'));
  }
  // meet.conf: the web container's server body, nginx-custom/ included
  // before Jitsi's locations
  writeFileSync(join(c, 'nginx', 'meet.conf'), `server_name _;
charset utf8;
root ${w};
ssi on;
ssi_types application/x-javascript application/javascript;
index index.html index.htm;
error_page 404 /static/404.html;
set $prefix "";
include ${c}/nginx-custom/*.conf;
location = /config.js { alias ${w}/cfg/config.js; }
location = /external_api.js { alias ${w}/libs/external_api.min.js; }
location ~ ^/(libs|css|static|images|fonts|lang|sounds|connection_optimization|.well-known)/(.*)$ {
  add_header 'Access-Control-Allow-Origin' '*';
  alias ${w}/$1/$2;
}
location ~ ^/colibri-ws/([a-zA-Z0-9-\\._]+)/(.*) { proxy_pass http://127.0.0.1:${prosodyPort}/colibri-ws/$1/$2$is_args$args; }
location = /http-bind { proxy_pass http://127.0.0.1:${prosodyPort}/http-bind?prefix=$prefix&$args; }
location = /xmpp-websocket { proxy_http_version 1.1; proxy_pass http://127.0.0.1:${prosodyPort}/xmpp-websocket?prefix=$prefix&$args; }
${roomLocation(false)}
location @root_path { rewrite ^/(.*)$ / break; }
location ~ ^/([^/?&:'"]+)/config.js$ { set $subdomain "$1."; set $subdir "$1/"; alias ${w}/cfg/config.js; }
location ~ ^/([^/?&:'"]+)/http-bind { set $subdomain "$1."; set $subdir "$1/"; set $prefix "$1"; rewrite ^/(.*)$ /http-bind; }
location ~ ^/([^/?&:'"]+)/xmpp-websocket { set $subdomain "$1."; set $subdir "$1/"; set $prefix "$1"; rewrite ^/(.*)$ /xmpp-websocket; }
location ~ ^/([^/?&:'"]+)/(.*)$ { set $subdomain "$1."; set $subdir "$1/"; rewrite ^/([^/?&:'"]+)/(.*)$ /$2; }
`);
  writeFileSync(join(c, 'nginx', 'site-confs', 'default'), `server {
  listen 127.0.0.1:${port};
  include ${c}/nginx/meet.conf;
}
`);
  writeFileSync(join(c, 'nginx', 'nginx.conf'), `worker_processes 1; pid ${d}/run/nginx.pid; error_log ${d}/logs/error.log info; daemon off;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  ${httpTemps(d)}
  include ${c}/nginx/site-confs/*;
}
`);
  const log = join(d, 'logs', 'sidecar.log');
  let car = null;
  const san = { ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}),
    ...(process.env.UBSAN_OPTIONS ? { UBSAN_OPTIONS: process.env.UBSAN_OPTIONS } : {}) };
  const startSidecar = async () => {
    if (sidecar === 'systemd') {
      const unit = conf('jitsi-oidc.service');
      const envs = [...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map(([, k]) => `${k}=${k === 'JITSI_OIDC_CONFIG' ? config : ''}`);
      car = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${side}`, ...envs.flatMap((e) => ['-E', e]),
        ...Object.entries(san).flatMap(([k, v]) => ['-E', `${k}=${v}`]), '/bin/sh', '-c', `exec ${cgiPath} 2>>${log}`],
      { stdio: 'ignore', detached: true, env: { PATH: process.env.PATH } });
    } else {
      car = spawn('spawn-fcgi', ['-n', '-a', '127.0.0.1', '-p', String(side), '--', '/bin/sh', '-c', `exec ${cgiPath} 2>>${log}`],
        { stdio: 'ignore', detached: true, env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ...san } });
    }
    await waitPort(side).catch(() => {});
  };
  const stopSidecar = async () => {
    if (!car) return;
    const p = car; car = null;
    const gone = new Promise((r) => p.once('exit', r));
    kill(p); await gone;
  };
  await startSidecar();
  let ngx;
  try {
    ngx = startNginx(d, join(c, 'nginx', 'nginx.conf'));
    await waitPort(port);
  } catch (e) { await stopSidecar(); throw e; } // nothing left running
  return { base: `http://127.0.0.1:${port}`, d, cfgDir, config, startSidecar, stopSidecar,
    errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8') + (existsSync(log) ? readFileSync(log, 'utf8') : ''),
    sidecarLog: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
    stop: async () => { kill(ngx); await stopSidecar(); await sleep(100); } };
}

// The rooms: as typed in the address bar, and the room and tenant meant.
const ROOMS = [
  { path: '/MyRoom', room: 'MyRoom' },
  { path: '/Team%20Sync', room: 'Team Sync' },
  { path: '/a+b', room: 'a+b' },
  { path: '/Caf%C3%A9-%E4%BC%9A%E8%AD%B0', room: 'Café-会議' },
  { path: '/acme/Weekly', room: 'Weekly', tenant: 'acme' },
];

// Without the room rule Jitsi sends the user with ?state={state}: the
// room and tenant as its URL has them.
const jitsiStart = (base, r) => {
  const segs = r.path.slice(1).split('/');
  const state = { room: segs[segs.length - 1], ...(r.tenant ? { tenant: r.tenant } : {}) };
  return `${base}/oidc/authorize?state=${encodeURIComponent(JSON.stringify(state))}`;
};

async function loginAll(srv, rule) {
  for (const r of ROOMS) {
    const start = rule ? `${srv.base}${r.path}` : jitsiStart(srv.base, r);
    const res = await walk(start, { jitsiUrl: srv.base });
    assert.ok(res.location, `${r.path}: the login stopped at ${res.url}: ${res.status} ${res.body}\n${srv.errorLog()}`);
    const v = await verifyJitsiRedirect(res.location, { jitsiUrl: srv.base, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: '127.0.0.1' });
    assert.equal(decodeURIComponent(v.urlRoom), r.room, `${r.path}: back in its own room (${res.location.split('?')[0]})`);
    assert.equal(v.tenant, r.tenant || null, `${r.path}: the tenant`);
    // ... and Jitsi's site serves that room's page (the token lets it through the rule)
    const page = await fetch(res.location.split('#')[0], { redirect: 'manual' });
    assert.equal(page.status, 200, `${r.path}: the room page`);
    assert.equal(await page.text(), `jitsi-index subdir=[${r.tenant ? `${r.tenant}/` : ''}]\n`, `${r.path}: Jitsi's index through its own locations (SSI)`);
  }
}

// Jitsi's own paths, answered by Jitsi's locations, not the adapter.
async function jitsiPaths(srv, rule) {
  const get = async (p) => { const r = await fetch(`${srv.base}${p}`, { redirect: 'manual' }); return { status: r.status, text: await r.text(), loc: r.headers.get('location') }; };
  const want = [
    ['/config.js', 200, /jitsi: "config"/],
    ['/external_api.js', 200, /jitsi-external-api/],
    ['/static/app.txt', 200, /jitsi-static/],
    ['/css/all.css', 200, /jitsi-css/],
    ['/http-bind', 200, /^prosody \/http-bind/],
    ['/acme/http-bind', 200, /^prosody \/http-bind/],
    ['/xmpp-websocket?room=x', 200, /^prosody \/xmpp-websocket\?prefix=&room=x/],
    // (Debian's site has its tenant catch-all before the tenant websocket
    // location, so the prefix stays empty there: Jitsi's own behaviour)
    ['/acme/xmpp-websocket?room=x', 200, /^prosody \/xmpp-websocket\?prefix=(acme)?&room=x/],
    ['/MyRoom?jwt=x', 200, /^jitsi-index subdir=\[\]/],
    ['/acme/MyRoom?jwt=x', 200, /^jitsi-index subdir=\[acme\/\]/],
    ['/MyRoom?oidc=failed', 200, /^jitsi-index/],
    ['/oidc/nothing', 404, /There is nothing here/],
  ];
  for (const [p, status, re] of want) {
    const r = await get(p);
    assert.equal(r.status, status, `${p}: ${r.status} ${r.loc || ''} ${r.text.slice(0, 100)}`);
    assert.match(r.text, re, p);
  }
  // a file the browser fetches by itself starts no login (Debian: its
  // static location's 404; docker: the room location's index)
  const fav = await get('/favicon.ico');
  assert.equal(fav.loc, null, '/favicon.ico is not sent to the login');
  assert.ok([200, 404].includes(fav.status), `/favicon.ico: ${fav.status}`);
  // a room without a token: to the login with the rule, Jitsi's page without
  const r = await get('/acme/Room%20One');
  if (rule) {
    assert.equal(r.status, 302);
    assert.equal(r.loc, `${srv.base}/oidc/authorize?room=Room%20One&tenant=acme`);
  } else {
    assert.equal(r.status, 200);
    assert.match(r.text, /^jitsi-index subdir=\[acme\/\]/);
  }
}

async function withSite(kind, rule, fn, sidecar) {
  const srv = await (kind === 'debian' ? debian : docker)({ rule, sidecar });
  const idp = await startProvider({ redirectUri: `${srv.base}/oidc/redirect` });
  try {
    writeConfig(srv.cfgDir, idp.issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base });
    shareWithServers(srv.cfgDir);
    await fn(srv);
  } finally {
    await srv.stop();
    await idp.stop();
  }
}

for (const kind of ['debian', 'docker']) {
  for (const rule of [false, true]) {
    const name = `${kind === 'debian' ? 'Jitsi\'s Debian site + fcgiwrap' : 'docker-jitsi-meet web + a TCP sidecar'}, ${rule ? 'with' : 'without'} the room rule`;
    test(`${name}: whole logins (plain, space, +, non-ASCII, tenant), Jitsi's own paths untouched`, { skip }, async () => {
      assert.ok(have, 'nginx, fcgiwrap and spawn-fcgi are needed');
      await withSite(kind, rule, async (srv) => {
        await jitsiPaths(srv, rule);
        await loginAll(srv, rule);
        if (srv.sidecarLog) assert.doesNotMatch(srv.sidecarLog(), /AddressSanitizer|runtime error:|LeakSanitizer/);
      });
    });
  }
}

test('docker-jitsi-meet web + the adapter on the host behind jitsi-oidc.socket on a port (conf/jitsi-oidc-tcp.conf): whole logins', { skip: (skip || (!existsSync('/usr/bin/systemd-socket-activate') && !process.env.CI && 'systemd-socket-activate not installed')) }, async () => {
  await withSite('docker', false, async (srv) => {
    await loginAll(srv, false);
    assert.doesNotMatch(srv.sidecarLog(), /AddressSanitizer|runtime error:|LeakSanitizer/);
  }, 'systemd');
});

test('docker-jitsi-meet: the sidecar stopped -> /oidc/ is 502, the rest of Jitsi\'s site still works; started again -> logins work', { skip }, async () => {
  assert.ok(have);
  await withSite('docker', true, async (srv) => {
    await srv.stopSidecar();
    const r = await fetch(`${srv.base}/oidc/authorize?room=MyRoom`, { redirect: 'manual' });
    assert.equal(r.status, 502);
    for (const [p, re] of [['/config.js', /jitsi: "config"/], ['/MyRoom?jwt=x', /^jitsi-index/], ['/http-bind', /^prosody/]]) {
      const x = await fetch(`${srv.base}${p}`);
      assert.equal(x.status, 200, p);
      assert.match(await x.text(), re, p);
    }
    // a visitor without a token is still sent to the login, which answers 502 until the sidecar is back
    const room = await fetch(`${srv.base}/MyRoom`, { redirect: 'manual' });
    assert.equal(room.status, 302);
    await srv.startSidecar();
    const ok = await walk(`${srv.base}/MyRoom`, { jitsiUrl: srv.base });
    assert.ok(ok.location, `after the restart: ${ok.url} ${ok.body}`);
  });
});

test('every shipped nginx snippet loads with nginx -t from a configuration outside /etc/nginx', { skip }, () => {
  assert.ok(have);
  const d = serverDir('jo-deploy-t');
  const c = join(d, 'elsewhere', 'nginx');
  mkdirSync(c, { recursive: true });
  const http = ['nginx-room-login.conf'];
  const server = ['nginx-fcgiwrap.conf', 'nginx-fastcgi.conf', 'nginx-docker-jitsi-meet.conf', 'nginx-docker-room-login.conf'];
  const all = spawnSync('sh', ['-c', `ls ${join(root, 'conf')}/nginx-*.conf`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((p) => p.split('/').pop());
  assert.deepEqual(all.sort(), [...http, ...server].sort(), 'every conf/nginx-*.conf is placed below');
  for (const f of [...http, ...server]) writeFileSync(join(c, f), conf(f));
  // each server snippet alone (with the maps where it needs them), as an admin adds it
  for (const f of server) {
    const needsMaps = /jitsi_oidc_login/.test(conf(f));
    writeFileSync(join(c, 'nginx.conf'), `pid ${d}/run/nginx.pid; error_log ${d}/logs/error.log;
events {}
http {
  ${httpTemps(d)}
  ${needsMaps ? `include ${c}/nginx-room-login.conf;` : ''}
  server {
    listen 127.0.0.1:1;
    include ${c}/${f};
    location @root_path { rewrite ^/(.*)$ / break; }
  }
}
`);
    const r = spawnSync('/usr/sbin/nginx', ['-t', '-e', `${d}/logs/error.log`, '-p', join(d, 'elsewhere'), '-c', join(c, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
  }
});
