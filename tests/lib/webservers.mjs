// Start the real web servers on loopback from the repository's conf/
// files: the shipped snippet is copied with the install paths replaced by
// the test's (CGI binary, config file, fcgiwrap socket), and wrapped in a
// minimal server config with its own pid file, logs and temp dirs.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, chmodSync, chownSync, existsSync, copyFileSync, openSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { root, freePort, tempDir, cgiPath } from './harness.mjs';

const INSTALLED_CGI = '/usr/local/lib/cgi-bin/jitsi-oidc';
const INSTALLED_CONF = '/etc/jitsi-oidc/jitsi-oidc.conf';

function snippet(name, dir, config, extra = []) {
  let s = readFileSync(join(root, 'conf', name), 'utf8');
  // the directory of the binary, for Apache's <Directory>
  const cgiDir = cgiPath.slice(0, cgiPath.lastIndexOf('/'));
  for (const [a, b] of [[INSTALLED_CGI, cgiPath], [INSTALLED_CONF, config], ['/usr/local/lib/cgi-bin', cgiDir], ...extra]) {
    s = s.split(a).join(b);
  }
  const out = join(dir, name);
  writeFileSync(out, s);
  return out;
}

async function waitPort(port, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { await fetch(`http://127.0.0.1:${port}/`); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error(`nothing listens on ${port}`);
}

// A directory the servers' unprivileged workers can read (tests run as root).
export function serverDir(tag) {
  const d = tempDir(tag);
  chmodSync(d, 0o755);
  for (const sub of ['logs', 'run', 'tmp', 'www']) { mkdirSync(join(d, sub)); chmodSync(join(d, sub), 0o777); }
  writeFileSync(join(d, 'www', 'index.html'), 'stand-in Jitsi\n');
  chmodSync(join(d, 'www', 'index.html'), 0o644);
  return d;
}

const isRoot = process.getuid && process.getuid() === 0;
// whom Apache and lighttpd run the adapter as (User / server.username)
const CGI_UID = isRoot ? 65534 : process.getuid();

// A minimal nginx around a location snippet, everything under d.
const nginxConf = (d, port, loc, extra = '') => `worker_processes 2;
pid ${d}/run/nginx.pid;
error_log ${d}/logs/error.log info;
daemon off;
events { worker_connections 512; }
http {
  access_log ${d}/logs/access.log;
  client_body_temp_path ${d}/tmp/body; fastcgi_temp_path ${d}/tmp/fcgi;
  proxy_temp_path ${d}/tmp/proxy; uwsgi_temp_path ${d}/tmp/uwsgi; scgi_temp_path ${d}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    include ${loc};
    ${extra}
    location / { root ${d}/www; try_files /index.html =404; }
  }
}
`;


export const servers = {
  async nginx(config, { extra, workers = 2 } = {}) {
    const d = serverDir('jo-nginx'); const port = await freePort();
    const sock = join(d, 'run', 'fcgiwrap.sock');
    const loc = snippet('nginx-fcgiwrap.conf', d, config, [['unix:/run/fcgiwrap.socket', `unix:${sock}`]]);
    copyFileSync('/etc/nginx/fastcgi_params', join(d, 'fastcgi_params'));
    writeFileSync(join(d, 'nginx.conf'), nginxConf(d, port, loc, extra ? extra(sock) : ''));
    const fcgi = spawn('/usr/sbin/fcgiwrap', ['-c', String(workers), '-s', `unix:${sock}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const errs = []; fcgi.stderr.on('data', (x) => errs.push(String(x)));
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
    chmodSync(sock, 0o666);
    const ngx = spawn('/usr/sbin/nginx', ['-e', `${d}/logs/error.log`, '-p', d, '-c', join(d, 'nginx.conf')], { stdio: 'ignore', detached: true });
    await waitPort(port);
    return { name: 'nginx+fcgiwrap', base: `http://127.0.0.1:${port}`, dir: d,
      errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8') + errs.join(''),
      stop: async () => { for (const p of [ngx, fcgi]) { try { process.kill(-p.pid, 'SIGTERM'); } catch {} } await new Promise((r) => setTimeout(r, 100)); } };
  },

  async apache(config) {
    const d = serverDir('jo-apache'); const port = await freePort();
    const snip = snippet('apache.conf', d, config);
    const mods = ['mpm_event', 'authz_core', 'alias', 'env', 'cgid', 'dir'];
    writeFileSync(join(d, 'httpd.conf'), `ServerRoot ${d}
${mods.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
Listen 127.0.0.1:${port}
ServerName 127.0.0.1
PidFile ${d}/run/httpd.pid
ErrorLog ${d}/logs/error.log
LogLevel warn
CustomLog ${d}/logs/access.log common
ScriptSock ${d}/run/cgid.sock
Mutex file:${d}/run
DefaultRuntimeDir ${d}/run
${isRoot ? 'User nobody\nGroup nogroup' : ''}
DocumentRoot ${d}/www
<Directory ${d}/www>
  Require all granted
  # rooms are Jitsi's page, as nginx's location / { try_files } below
  FallbackResource /index.html
</Directory>
<VirtualHost 127.0.0.1:${port}>
  Include ${snip}
</VirtualHost>
`);
    const p = spawn('/usr/sbin/apache2', ['-f', join(d, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const errs = []; p.stderr.on('data', (x) => errs.push(String(x)));
    await waitPort(port).catch((e) => { throw new Error(`${e.message}: ${errs.join('')} ${existsSync(join(d, 'logs', 'error.log')) ? readFileSync(join(d, 'logs', 'error.log'), 'utf8') : ''}`); });
    return { name: 'apache (mod_cgid)', base: `http://127.0.0.1:${port}`, dir: d, cgiUid: CGI_UID,
      errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8'),
      stop: async () => { try { process.kill(-p.pid, 'SIGTERM'); } catch {} await new Promise((r) => setTimeout(r, 300)); } };
  },

  async lighttpd(config) {
    const d = serverDir('jo-lighttpd'); const port = await freePort();
    const snip = snippet('lighttpd.conf', d, config);
    writeFileSync(join(d, 'server.conf'), `server.document-root = "${d}/www"
server.bind = "127.0.0.1"
server.port = ${port}
server.pid-file = "${d}/run/lighttpd.pid"
server.errorlog = "${d}/logs/error.log"
server.breakagelog = "${d}/logs/cgi-stderr.log"
${isRoot ? 'server.username = "nobody"\nserver.groupname = "nogroup"' : ''}
index-file.names = ( "index.html" )
include "${snip}"
`);
    const p = spawn('/usr/sbin/lighttpd', ['-D', '-f', join(d, 'server.conf')], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const errs = []; p.stderr.on('data', (x) => errs.push(String(x)));
    await waitPort(port).catch((e) => { throw new Error(`${e.message}: ${errs.join('')}`); });
    return { name: 'lighttpd (mod_cgi)', base: `http://127.0.0.1:${port}`, dir: d, cgiUid: CGI_UID,
      // server.breakagelog: where lighttpd puts the CGI's stderr
      errorLog: () => ['error.log', 'cgi-stderr.log'].map((f) => join(d, 'logs', f))
        .filter(existsSync).map((f) => readFileSync(f, 'utf8')).join(''),
      stop: async () => { try { process.kill(-p.pid, 'SIGTERM'); } catch {} await new Promise((r) => setTimeout(r, 200)); } };
  },
};

async function waitFile(f, ms = 10000) {
  for (let i = 0; i < ms / 20 && !existsSync(f); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(f)) throw new Error(`${f} did not appear`);
}

const pidAlive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

// The same binary as a persistent FastCGI responder, behind each server
// as its conf/ file sets it up.
export const fastcgiServers = {
  // nginx fastcgi_pass to a socket made by spawn-fcgi (-F processes).
  async 'nginx+spawn-fcgi'(config, { procs = 2, wrap = [], extra = '' } = {}) {
    const d = serverDir('jo-ngx-fcgi'); const port = await freePort();
    const sock = join(d, 'run', 'jitsi-oidc.sock');
    const loc = snippet('nginx-fastcgi.conf', d, config, [['unix:/run/jitsi-oidc/jitsi-oidc.sock', `unix:${sock}`]]);
    copyFileSync('/etc/nginx/fastcgi_params', join(d, 'fastcgi_params'));
    writeFileSync(join(d, 'nginx.conf'), nginxConf(d, port, loc, extra));
    const pidFile = join(d, 'run', 'spawn-fcgi.pid');
    const log = join(d, 'logs', 'fcgi-stderr.log');
    const cmd = `exec ${[...wrap, cgiPath].join(' ')} 2>>${log}`;
    // nginx-fastcgi.conf sends no JITSI_OIDC_CONFIG: spawn-fcgi's
    // environment names the test's (the installed default otherwise)
    const r = spawnSync('spawn-fcgi', ['-s', sock, '-M', '0666', '-F', String(procs), '-P', pidFile, '--', '/bin/sh', '-c', cmd],
      { encoding: 'utf8', env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config,
        ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}) } });
    if (r.status !== 0) throw new Error(`spawn-fcgi: ${r.stderr}`);
    // the processes spawn-fcgi started, alive
    const pids = () => readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number).filter(pidAlive)
      .filter((p) => existsSync(`/proc/${p}`));
    const ngx = spawn('/usr/sbin/nginx', ['-e', `${d}/logs/error.log`, '-p', d, '-c', join(d, 'nginx.conf')], { stdio: 'ignore', detached: true });
    await waitPort(port);
    return { name: 'nginx + spawn-fcgi', base: `http://127.0.0.1:${port}`, dir: d, sock, log,
      pids,
      errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8') + (existsSync(log) ? readFileSync(log, 'utf8') : ''),
      stop: async () => {
        try { process.kill(-ngx.pid, 'SIGTERM'); } catch {}
        for (const p of pids()) { try { process.kill(p, 'SIGTERM'); } catch {} }
        for (let i = 0; i < 100 && pids().length; i++) await new Promise((res) => setTimeout(res, 50));
      } };
  },

  // nginx fastcgi_pass to a socket systemd would hold: the unit files of
  // conf/ read for their socket, command and environment, run by
  // systemd-socket-activate (the socket passed as LISTEN_FDS, fd 3).  As
  // the unit runs it: the configuration stays 0640 root:www-data, and
  // the process, an unprivileged user outside www-data (nobody, for the
  // dynamic user), reads the copy LoadCredential= makes when the service
  // starts: $CREDENTIALS_DIRECTORY/jitsi-oidc.conf (directory 0500, file
  // 0400, both the service user's), %d in the unit.
  async 'nginx+systemd-socket'(config) {
    const d = serverDir('jo-ngx-sd'); const port = await freePort();
    const sock = join(d, 'run', 'jitsi-oidc.sock');
    const unit = readFileSync(join(root, 'conf', 'jitsi-oidc.service'), 'utf8');
    const socketUnit = readFileSync(join(root, 'conf', 'jitsi-oidc.socket'), 'utf8');
    const listen = socketUnit.match(/^ListenStream=(.+)$/m)[1];
    const loc = snippet('nginx-fastcgi.conf', d, config, [[`unix:${listen}`, `unix:${sock}`]]);
    copyFileSync('/etc/nginx/fastcgi_params', join(d, 'fastcgi_params'));
    writeFileSync(join(d, 'nginx.conf'), nginxConf(d, port, loc));
    const exec = unit.match(/^ExecStart=(\S+)/m)[1].replace(INSTALLED_CGI, cgiPath);
    const creds = join(d, 'credentials', 'jitsi-oidc.service');
    const [, credName, credSource] = unit.match(/^LoadCredential=([^:\s]+):(\S+)$/m);
    assert.equal(credSource, INSTALLED_CONF, 'the unit loads the installed configuration as its credential');
    const envs = [...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map(([, k, v]) => `${k}=${v.replace(/%d/g, creds)}`);
    envs.push(`CREDENTIALS_DIRECTORY=${creds}`);
    // what systemd does when the service starts (on the first connection)
    const q = (a) => `'${a.replace(/'/g, "'\\''")}'`;
    const start = [`chown root:www-data ${q(config)}`, `chmod 0640 ${q(config)}`,
      `mkdir -p ${q(creds)}`, `cp ${q(config)} ${q(join(creds, credName))}`,
      `chown -R nobody:nogroup ${q(creds)}`, `chmod 0400 ${q(join(creds, credName))}`, `chmod 0500 ${q(creds)}`,
      `exec setpriv --reuid=nobody --regid=nogroup --clear-groups -- ${q(exec)}`].join(' && ');
    const log = join(d, 'logs', 'fcgi-stderr.log');
    const out = openSync(log, 'a');
    const act = spawn('systemd-socket-activate', ['-l', sock, ...envs.flatMap((e) => ['-E', e]),
      ...(process.env.ASAN_OPTIONS ? ['-E', `ASAN_OPTIONS=${process.env.ASAN_OPTIONS}`] : []), '/bin/sh', '-c', start],
    { stdio: ['ignore', out, out], detached: true });
    await waitFile(sock);
    chmodSync(sock, 0o666);
    const ngx = spawn('/usr/sbin/nginx', ['-e', `${d}/logs/error.log`, '-p', d, '-c', join(d, 'nginx.conf')], { stdio: 'ignore', detached: true });
    await waitPort(port);
    // the service runs as nobody (DynamicUser): its CacheDirectory= is its own
    return { name: 'nginx + systemd socket', base: `http://127.0.0.1:${port}`, dir: d, sock, log, exec, envs, creds, cgiUid: CGI_UID,
      errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8') + readFileSync(log, 'utf8'),
      stop: async () => {
        for (const p of [ngx, act]) { try { process.kill(-p.pid, 'SIGTERM'); } catch {} }
        for (let i = 0; i < 100 && pidAlive(act.pid); i++) await new Promise((res) => setTimeout(res, 50));
      } };
  },

  async 'apache+mod_fcgid'(config) {
    const d = serverDir('jo-apache-fcgid'); const port = await freePort();
    const snip = snippet('apache-fcgid.conf', d, config);
    const mods = ['mpm_event', 'authz_core', 'alias', 'env', 'fcgid', 'dir'];
    writeFileSync(join(d, 'httpd.conf'), `ServerRoot ${d}
${mods.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
Listen 127.0.0.1:${port}
ServerName 127.0.0.1
PidFile ${d}/run/httpd.pid
ErrorLog ${d}/logs/error.log
LogLevel warn
CustomLog ${d}/logs/access.log common
Mutex file:${d}/run
DefaultRuntimeDir ${d}/run
FcgidIPCDir ${d}/run/fcgid
FcgidProcessTableFile ${d}/run/fcgid_shm
${process.env.ASAN_OPTIONS ? `FcgidInitialEnv ASAN_OPTIONS ${process.env.ASAN_OPTIONS}` : ''}
${isRoot ? 'User nobody\nGroup nogroup' : ''}
DocumentRoot ${d}/www
<Directory ${d}/www>
  Require all granted
  # rooms are Jitsi's page, as nginx's location / { try_files } below
  FallbackResource /index.html
</Directory>
<VirtualHost 127.0.0.1:${port}>
  Include ${snip}
</VirtualHost>
`);
    mkdirSync(join(d, 'run', 'fcgid')); chmodSync(join(d, 'run', 'fcgid'), 0o777);
    const p = spawn('/usr/sbin/apache2', ['-f', join(d, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const errs = []; p.stderr.on('data', (x) => errs.push(String(x)));
    await waitPort(port).catch((e) => { throw new Error(`${e.message}: ${errs.join('')} ${existsSync(join(d, 'logs', 'error.log')) ? readFileSync(join(d, 'logs', 'error.log'), 'utf8') : ''}`); });
    return { name: 'apache (mod_fcgid)', base: `http://127.0.0.1:${port}`, dir: d, cgiUid: CGI_UID,
      errorLog: () => readFileSync(join(d, 'logs', 'error.log'), 'utf8') + errs.join(''),
      stop: async () => { try { process.kill(-p.pid, 'SIGTERM'); } catch {} await new Promise((r) => setTimeout(r, 500)); } };
  },

  async 'lighttpd+mod_fastcgi'(config) {
    const d = serverDir('jo-lighttpd-fcgi'); const port = await freePort();
    const snip = snippet('lighttpd-fastcgi.conf', d, config, [['/run/lighttpd/jitsi-oidc.sock', join(d, 'run', 'jitsi-oidc.sock')]]);
    writeFileSync(join(d, 'server.conf'), `server.document-root = "${d}/www"
server.bind = "127.0.0.1"
server.port = ${port}
server.pid-file = "${d}/run/lighttpd.pid"
server.errorlog = "${d}/logs/error.log"
server.breakagelog = "${d}/logs/cgi-stderr.log"
${isRoot ? 'server.username = "nobody"\nserver.groupname = "nogroup"' : ''}
index-file.names = ( "index.html" )
include "${snip}"
`);
    const p = spawn('/usr/sbin/lighttpd', ['-D', '-f', join(d, 'server.conf')], { stdio: ['ignore', 'ignore', 'pipe'], detached: true,
      env: { ...process.env } });
    const errs = []; p.stderr.on('data', (x) => errs.push(String(x)));
    await waitPort(port).catch((e) => { throw new Error(`${e.message}: ${errs.join('')}`); });
    return { name: 'lighttpd (mod_fastcgi)', base: `http://127.0.0.1:${port}`, dir: d, cgiUid: CGI_UID,
      errorLog: () => ['error.log', 'cgi-stderr.log'].map((f) => join(d, 'logs', f))
        .filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('') + errs.join(''),
      stop: async () => { try { process.kill(-p.pid, 'SIGTERM'); } catch {} await new Promise((r) => setTimeout(r, 300)); } };
  },
};

export const available = {
  nginx: ['/usr/sbin/nginx', '/usr/sbin/fcgiwrap'].every(existsSync),
  apache: existsSync('/usr/sbin/apache2') && existsSync('/usr/lib/apache2/modules/mod_cgid.so'),
  lighttpd: existsSync('/usr/sbin/lighttpd'),
  'nginx+spawn-fcgi': ['/usr/sbin/nginx', '/usr/bin/spawn-fcgi'].every(existsSync),
  'nginx+systemd-socket': ['/usr/sbin/nginx', '/usr/bin/systemd-socket-activate'].every(existsSync),
  'apache+mod_fcgid': existsSync('/usr/lib/apache2/modules/mod_fcgid.so'),
  'lighttpd+mod_fastcgi': existsSync('/usr/sbin/lighttpd'),
};

// Files the servers' unprivileged CGI user must read: the config (and the
// cache dir it must write: that user's own, mode 0700, as src/provider/oidc.c
// requires; srv.cgiUid is whom the server runs the adapter as).
export function shareWithServers(dir, srv = {}) {
  chmodSync(dir, 0o755);
  for (const [f, mode] of [['jitsi-oidc.conf', 0o644], ['cache', 0o700]]) {
    if (existsSync(join(dir, f))) chmodSync(join(dir, f), mode);
  }
  if (isRoot && srv.cgiUid !== undefined && existsSync(join(dir, 'cache'))) chownSync(join(dir, 'cache'), srv.cgiUid, srv.cgiUid);
}

// A snippet maps "/oidc/" only, never a room whose name
// starts with "oidc" (/oidcMeeting, /oidc-weekly belong to Jitsi).
export async function roomsStartingWithOidcAreNotTaken(srv) {
  for (const room of ['/oidcMeeting', '/oidc-weekly', '/oidc.x']) {
    const r = await fetch(`${srv.base}${room}`, { redirect: 'manual' });
    const body = await r.text();
    assert.doesNotMatch(body, /There is nothing here|The login service/, `${srv.name} gave ${room} to the adapter (${r.status})`);
  }
  await new Promise((res) => setTimeout(res, 200));
  const lines = srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'));
  assert.deepEqual(lines, [], `${srv.name}: the adapter answered a room`);
}

export { spawnSync };
