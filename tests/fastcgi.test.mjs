// The same binary as a persistent FastCGI responder: each
// deployment file of conf/ with its real server on loopback (nginx with
// spawn-fcgi and with a systemd socket, Apache mod_fcgid, lighttpd
// mod_fastcgi), and what a long-lived process must get right: the
// configuration read again on change and on SIGHUP (a bad one keeps the
// old), max_requests, a graceful SIGTERM, and no memory growth over
// 100,000 requests.  The black-box, attack and end-to-end suites also run
// whole in this mode (JO_MODE=fastcgi, tests/check.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, writeFileSync, existsSync, renameSync, unlinkSync, openSync, writeSync, closeSync, statSync, readdirSync, mkdirSync } from 'node:fs';
import { startProvider, tempDir, writeConfig, Jar, SECRETS, cgiPath, root, slow, sealTool, processAlive } from './lib/harness.mjs';
import { fastcgiServers, available, shareWithServers, roomsStartingWithOidcAreNotTaken } from './lib/webservers.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { walk } from './lib/walk.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const skipFor = (name) => !available[name] && !process.env.CI && `${name} not installed`;

async function loginThrough(srv, room = 'Weekly%20Sync', login = 'alice') {
  const ok = await walk(`${srv.base}/oidc/authorize?room=${room}`, { jitsiUrl: srv.base, login });
  assert.ok(ok.location, `login stopped at ${ok.url}: ${ok.status} ${ok.body}\n${srv.errorLog()}`);
  return verifyJitsiRedirect(ok.location, { jitsiUrl: srv.base, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: '127.0.0.1' });
}

async function withServer(name, over, fn, opts) {
  const dir = tempDir(`jo-${name}-cfg`);
  const config = join(dir, 'jitsi-oidc.conf');
  const srv = await fastcgiServers[name](config, opts);
  const idp = await startProvider({ redirectUri: `${srv.base}/oidc/redirect` });
  try {
    writeConfig(dir, idp.issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base, ...over });
    shareWithServers(dir, srv);
    return await fn({ srv, idp, dir, config });
  } finally {
    await srv.stop();
    await idp.stop();
  }
}

for (const name of Object.keys(fastcgiServers)) {
  test(`${name}: a full login through the real provider, a tampered cookie, and the process serves many requests`, { skip: skipFor(name) }, async () => {
    assert.ok(available[name], `${name} is not installed`);
    await withServer(name, {}, async ({ srv }) => {
      const { payload } = await loginThrough(srv);
      assert.equal(payload.room, 'weekly%20sync');
      assert.equal(payload.context.user.id, 'alice');
      // a second login, and a few hundred /authorize: answered by the
      // long-lived processes, not one process per request
      await loginThrough(srv, 'Second', 'bob');
      for (let i = 0; i < 200; i++) {
        const a = await fetch(`${srv.base}/oidc/authorize?room=r${i}`, { redirect: 'manual' });
        assert.equal(a.status, 302);
        await a.arrayBuffer();
      }
      // Tampered state cookie -> the adapter's 400 page and one log line
      // in the server's error log (FastCGI's stderr stream).
      const start = `${srv.base}/oidc/authorize?room=T`;
      const a = await fetch(start, { redirect: 'manual' });
      const sc = a.headers.getSetCookie().find((c) => c.startsWith('jitsi_oidc_state='));
      const value = sc.split(';')[0].split('=')[1];
      const state = new URL(a.headers.get('location')).searchParams.get('state');
      const jar = new Jar();
      jar.c.set('jitsi_oidc_state', value.slice(0, -4) + (value.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
      const r = await fetch(`${srv.base}/oidc/redirect?code=x&state=${state}`, { redirect: 'manual', headers: { cookie: jar.header() } });
      assert.equal(r.status, 400);
      assert.match(await r.text(), /<h1>Login expired<\/h1>/);
      await sleep(300);
      const lines = srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'));
      assert.equal(lines.length, 1, srv.errorLog());
      assert.match(lines[0], /jitsi-oidc: redirect: 400: jitsi_oidc_state cookie: sealed value failed authentication/);
      assert.ok(!srv.errorLog().includes(value), 'cookie value not logged');
      assert.doesNotMatch(srv.errorLog(), /AddressSanitizer|runtime error/);
    });
  });
}

test('the systemd units are valid (systemd-analyze verify) and hardened as the issue asks', { skip: !existsSync('/usr/bin/systemd-analyze') && !process.env.CI && 'systemd-analyze not installed' }, () => {
  const dir = tempDir('jo-units');
  const svc = readFileSync(join(root, 'conf', 'jitsi-oidc.service'), 'utf8');
  for (const k of ['DynamicUser=yes', 'ProtectSystem=strict', 'CacheDirectory=jitsi-oidc', 'NoNewPrivileges=yes', 'StandardInput=socket']) {
    assert.match(svc, new RegExp(`^${k}$`, 'm'), k);
  }
  writeFileSync(join(dir, 'jitsi-oidc.service'), svc.replace('/usr/local/lib/cgi-bin/jitsi-oidc', cgiPath));
  writeFileSync(join(dir, 'jitsi-oidc.socket'), readFileSync(join(root, 'conf', 'jitsi-oidc.socket'), 'utf8'));
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'jitsi-oidc.socket'), join(dir, 'jitsi-oidc.service')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.equal(r.stderr.trim(), '', r.stderr);
});

test('the drop-in that puts jitsi-oidc.socket on a port for docker-jitsi-meet (conf/jitsi-oidc-tcp.conf) is valid and replaces the unix socket', { skip: !existsSync('/usr/bin/systemd-analyze') && !process.env.CI && 'systemd-analyze not installed' }, () => {
  const dir = tempDir('jo-units-tcp');
  writeFileSync(join(dir, 'jitsi-oidc.service'), readFileSync(join(root, 'conf', 'jitsi-oidc.service'), 'utf8').replace('/usr/local/lib/cgi-bin/jitsi-oidc', cgiPath));
  writeFileSync(join(dir, 'jitsi-oidc.socket'), readFileSync(join(root, 'conf', 'jitsi-oidc.socket'), 'utf8'));
  mkdirSync(join(dir, 'jitsi-oidc.socket.d'));
  const dropIn = readFileSync(join(root, 'conf', 'jitsi-oidc-tcp.conf'), 'utf8');
  writeFileSync(join(dir, 'jitsi-oidc.socket.d', 'tcp.conf'), dropIn);
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'jitsi-oidc.socket'), join(dir, 'jitsi-oidc.service')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.equal(r.stderr.trim(), '', r.stderr);
  // an empty ListenStream= first (the unix socket dropped), then one
  // address:port, and no one but the host and Docker's networks
  const listens = [...dropIn.matchAll(/^ListenStream=(.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(listens.length, 2);
  assert.equal(listens[0], '');
  assert.match(listens[1], /^\d+\.\d+\.\d+\.\d+:\d+$/);
  assert.match(dropIn, /^IPAddressDeny=any$/m);
  assert.match(dropIn, /^FreeBind=yes$/m);
});

// One FastCGI process of our own on a socket (spawn-fcgi), to watch it.
function startProcess(config, extra = {}) {
  const dir = tempDir('jo-proc');
  const sock = join(dir, 'sock'); const pidFile = join(dir, 'pid'); const log = join(dir, 'stderr');
  const r = spawnSync('spawn-fcgi', ['-s', sock, '-P', pidFile, '--', '/bin/sh', '-c', `exec ${cgiPath} 2>>${log}`],
    { env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}), ...extra }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const req = (path, query = '', cookie, params = {}) => {
    const out = spawnSync('cgi-fcgi', ['-bind', '-connect', sock], { encoding: 'latin1', timeout: 30000,
      env: { REQUEST_METHOD: 'GET', PATH_INFO: path, QUERY_STRING: query, ...(cookie ? { HTTP_COOKIE: cookie } : {}), ...params } });
    return { status: Number((out.stdout.match(/^Status: (\d+)/m) || [])[1] || 0), out: out.stdout, err: out.stderr, exit: out.status };
  };
  const alive = () => processAlive(pid);
  return { pid, sock, log, req, alive, stderr: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
}

test('configuration: read again when the file changes and on SIGHUP; a bad new version keeps the old one running, with one log line', async () => {
  const idp = await startProvider();
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const p = startProcess(config);
  try {
    const aud = (r) => new URL(r.out.match(/^Location: (.*)$/m)[1].trim()).searchParams.get('client_id');
    let r = p.req('/authorize', 'room=a');
    assert.equal(r.status, 302, r.err);
    assert.equal(aud(r), 'jitsi');
    // a changed file is read again (written whole, renamed into place)
    const text = readFileSync(config, 'utf8');
    writeFileSync(`${config}.new`, text.replace('client_id = jitsi', 'client_id = jitsi-two')); renameSync(`${config}.new`, config);
    await sleep(1100);	// the file is looked at once a second at most
    r = p.req('/authorize', 'room=a');
    assert.equal(aud(r), 'jitsi-two');
    // a broken file: the old configuration keeps running, one line says so
    writeFileSync(`${config}.new`, `${text}colour = blue\n`); renameSync(`${config}.new`, config);
    await sleep(1100);
    r = p.req('/authorize', 'room=a');
    assert.equal(r.status, 302);
    assert.equal(aud(r), 'jitsi-two');
    assert.match(r.err, /^jitsi-oidc: authorize: configuration \S+ changed but is not valid, still running the previous one: \S+:\d+: colour: unknown key\n$/);
    await sleep(1100);
    r = p.req('/authorize', 'room=a');
    assert.equal(r.err, '', 'said once, not on every request');
    // SIGHUP reads it at once, whatever the file looks like
    writeFileSync(`${config}.new`, text.replace('client_id = jitsi', 'client_id = jitsi-hup')); renameSync(`${config}.new`, config);
    process.kill(p.pid, 'SIGHUP');
    await sleep(100);
    r = p.req('/authorize', 'room=a');
    assert.equal(aud(r), 'jitsi-hup');
    assert.equal(p.stderr().replace(/^==\d+==.*\n/gm, ''), '');
  } finally { try { process.kill(p.pid, 'SIGTERM'); } catch {} await idp.stop(); }
});

test('a secret file replaced under a running process is read again (ending sessions by rotating cookie_secret_file); several configurations in one process each keep their last good version', async () => {
  const idp = await startProvider();
  const dir = tempDir();
  const secretFile = join(dir, 'cookie_secret');
  writeFileSync(secretFile, 'first-cookie-secret-0123456789abcdef0123\n');
  const config = writeConfig(dir, idp.issuer, { cookie_secret: undefined, cookie_secret_file: secretFile });
  const second = writeConfig(tempDir(), idp.issuer, { client_id: 'jitsi-b' });
  // started without JITSI_OIDC_CONFIG: each request's parameter chooses
  const p = startProcess(config, { JITSI_OIDC_CONFIG: '' });
  try {
    const body = JSON.stringify({ sub: 'alice', r: 'Room' });
    const exp = String(Math.floor(Date.now() / 1000) + 600);
    const sess = sealTool(['first-cookie-secret-0123456789abcdef0123', 'session', exp, body, config]);
    assert.equal(p.req('/tokenize', '', `jitsi_oidc_session=${sess}`, { JITSI_OIDC_CONFIG: config }).status, 302);
    writeFileSync(`${secretFile}.new`, 'second-cookie-secret-0123456789abcdef012\n'); renameSync(`${secretFile}.new`, secretFile);
    await sleep(1100);
    const r = p.req('/tokenize', '', `jitsi_oidc_session=${sess}`, { JITSI_OIDC_CONFIG: config });
    assert.equal(r.status, 401, 'the old secret no longer opens the session');
    // two configurations served by one process; a broken edit of one
    // keeps its last good version, the other is untouched
    const cid = (x) => new URL(x.out.match(/^Location: (.*)$/m)[1].trim()).searchParams.get('client_id');
    const req2 = (cfg) => {
      const out = spawnSync('cgi-fcgi', ['-bind', '-connect', p.sock], { encoding: 'latin1', timeout: 30000,
        env: { REQUEST_METHOD: 'GET', PATH_INFO: '/authorize', QUERY_STRING: 'room=x', JITSI_OIDC_CONFIG: cfg } });
      return { out: out.stdout, err: out.stderr, status: Number((out.stdout.match(/^Status: (\d+)/m) || [])[1] || 0) };
    };
    assert.equal(cid(req2(second)), 'jitsi-b');
    assert.equal(cid(req2(config)), 'jitsi');
    writeFileSync(`${second}.new`, `${readFileSync(second, 'utf8')}bogus\n`); renameSync(`${second}.new`, second);
    await sleep(1100);
    assert.equal(req2(config).status, 302);
    const b = req2(second);
    assert.equal(b.status, 302, b.err);
    assert.equal(cid(b), 'jitsi-b');
    assert.match(b.err, /changed but is not valid, still running the previous one/);
  } finally { try { process.kill(p.pid, 'SIGTERM'); } catch {} await idp.stop(); }
});

test('max_requests: the process ends cleanly after that many requests, for its manager to start a new one', async () => {
  const idp = await startProvider();
  const config = writeConfig(tempDir(), idp.issuer, { max_requests: 5 });
  const p = startProcess(config);
  try {
    for (let i = 0; i < 5; i++) assert.equal(p.req('/authorize', `room=m${i}`).status, 302);
    for (let i = 0; i < 100 && p.alive(); i++) await sleep(20);
    assert.equal(p.alive(), false, 'still running after max_requests');
    assert.doesNotMatch(p.stderr(), /Sanitizer|runtime error/);
  } finally { try { process.kill(p.pid, 'SIGTERM'); } catch {} await idp.stop(); }
});

test('SIGTERM: the request in flight is answered, then the process exits', async () => {
  const idp = await startProvider();
  const config = writeConfig(tempDir(), idp.issuer, { http_timeout: 2 });
  // started without JITSI_OIDC_CONFIG, so that a request can name a cold one
  const p = startProcess(config, { JITSI_OIDC_CONFIG: '' });
  try {
    assert.equal(p.req('/authorize', 'room=warm', undefined, { JITSI_OIDC_CONFIG: config }).status, 302);
    // a request that waits on a frozen provider for http_timeout (2 s)
    process.kill(idp.pid, 'SIGSTOP');
    const cold = writeConfig(tempDir(), idp.issuer, { http_timeout: 2 });
    const child = spawn('cgi-fcgi', ['-bind', '-connect', p.sock], { env: { REQUEST_METHOD: 'GET', PATH_INFO: '/authorize',
      QUERY_STRING: 'room=inflight', JITSI_OIDC_CONFIG: cold } });
    let out = ''; child.stdout.on('data', (d) => { out += d; });
    const done = new Promise((r) => child.on('close', r));
    await sleep(500);
    process.kill(p.pid, 'SIGTERM');
    await sleep(200);
    assert.ok(p.alive(), 'ended before the request in flight was answered');
    await done;
    assert.match(out, /^Status: 502 /, 'the request in flight got its whole answer');
    for (let i = 0; i < 100 && p.alive(); i++) await sleep(20);
    assert.equal(p.alive(), false, 'did not exit after SIGTERM');
  } finally { process.kill(idp.pid, 'SIGCONT'); try { process.kill(p.pid, 'SIGKILL'); } catch {} await idp.stop(); }
});

test('SIGTERM between two requests ends an idle process at once, even when it comes just before the wait for the next one', async () => {
  // tests/tools/slowaccept.c: accept() starts 300 ms late, so the SIGTERM
  // sent right after the answer lands between the responder's look at its
  // stop flag and its accept(); ASan's runtime need not come first then
  const shim = join(root, 'build', 'slowaccept.so');
  assert.ok(existsSync(shim), `${shim}: make tools`);
  const idp = await startProvider();
  const config = writeConfig(tempDir(), idp.issuer);
  const p = startProcess(config, { LD_PRELOAD: shim,
    ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS}:verify_asan_link_order=0` } : {}) });
  try {
    for (let round = 0; round < 3; round++) {
      if (round > 0) { process.kill(p.pid, 'SIGHUP'); await sleep(400); }	// a reload between: no stop
      assert.equal(p.req('/authorize', `room=s${round}`).status, 302, p.stderr());
    }
    process.kill(p.pid, 'SIGTERM');
    for (let i = 0; i < 150 && p.alive(); i++) await sleep(20);
    assert.equal(p.alive(), false, 'still waiting for a connection 3 s after SIGTERM');
    assert.doesNotMatch(p.stderr(), /Sanitizer|runtime error/);
  } finally { try { process.kill(p.pid, 'SIGKILL'); } catch {} await idp.stop(); }
});

test('no growth: RSS after 100,000 requests within 1 MiB of RSS after 1,000 (nginx + spawn-fcgi, one process, wrk)', {
  skip: (slow && 'sanitizers and valgrind change the heap; run with the normal build') ||
    (!existsSync('/usr/bin/wrk') && !process.env.CI && 'wrk not installed') || skipFor('nginx+spawn-fcgi'),
  timeout: 300000,
}, async () => {
  await withServer('nginx+spawn-fcgi', {}, async ({ srv }) => {
    const { payload } = await loginThrough(srv);	// a warm cache, and a session cookie below
    assert.equal(payload.context.user.id, 'alice');
    const [pid] = srv.pids();
    const rss = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)[1]);
    // a session for /tokenize, from a login through the same server
    const jar = new Jar();
    const ok = await walk(`${srv.base}/oidc/authorize?room=Load`, { jitsiUrl: srv.base, jar });
    assert.ok(ok.location);
    const lua = join(tempDir('jo-wrk'), 'mix.lua');
    // alternate /authorize and /tokenize (with the session cookie)
    writeFileSync(lua, `local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "/oidc/tokenize", { ["Cookie"] = "${jar.header()}" })
  end
  return wrk.format("GET", "/oidc/authorize?room=r" .. n)
end
`);
    const run = (requests) => {
      // wrk counts time, not requests: run until the count is passed
      const r = spawnSync('wrk', ['-t', '2', '-c', '8', '-d', `${Math.max(2, Math.ceil(requests / 4000))}s`, '-s', lua, srv.base],
        { encoding: 'utf8', timeout: 200000 });
      const m = r.stdout.match(/(\d+) requests in/);
      assert.ok(m, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /Non-2xx or 3xx responses/, r.stdout);
      return Number(m[1]);
    };
    // the first 1,000 one by one, then wrk for the rest
    for (let i = 0; i < 1000; i++) {
      const r = await fetch(i % 2 ? `${srv.base}/oidc/tokenize` : `${srv.base}/oidc/authorize?room=f${i}`,
        { redirect: 'manual', headers: i % 2 ? { cookie: jar.header() } : {} });
      assert.equal(r.status, 302);
      await r.arrayBuffer();
    }
    let total = 1000;
    const first = rss();
    while (total < 100000) total += run(100000 - total);
    const last = rss();
    console.log(`# ${total} requests; RSS ${first} kB after the first 1,000, ${last} kB at the end`);
    assert.ok(last - first <= 1024, `RSS grew by ${last - first} kB`);
    assert.deepEqual(srv.pids(), [pid], 'the same process served them all');
    const lines = srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'));
    assert.deepEqual(lines, [], 'nothing logged');
  }, { procs: 1 });
});

// Each FastCGI snippet maps "/oidc/" only, never a room
// whose name starts with "oidc".
for (const name of Object.keys(fastcgiServers)) {
  test(`${name}: rooms whose names start with "oidc" are not the adapter's`, { skip: skipFor(name) }, async () => {
    await withServer(name, {}, async ({ srv }) => {
      const a = await fetch(`${srv.base}/oidc/authorize?room=x`, { redirect: 'manual' });
      assert.equal(a.status, 302, srv.errorLog());
      await a.arrayBuffer();
      await sleep(200);
      const before = srv.errorLog();
      await roomsStartingWithOidcAreNotTaken({ ...srv, errorLog: () => srv.errorLog().slice(before.length) });
    });
  });
}

// A log line arrives as one stderr record (one entry
// in nginx's error log), bounded, with everything that is not printable
// UTF-8 or that changes how text is shown escaped.
test('nginx+spawn-fcgi: a long, hostile error_description is one escaped, bounded entry in nginx\'s error log', { skip: skipFor('nginx+spawn-fcgi') }, async () => {
  await withServer('nginx+spawn-fcgi', {}, async ({ srv }) => {
    const a = await fetch(`${srv.base}/oidc/authorize?room=Logs`, { redirect: 'manual' });
    assert.equal(a.status, 302, srv.errorLog());
    const cookie = a.headers.getSetCookie().find((c) => c.startsWith('jitsi_oidc_state=')).split(';')[0];
    const state = new URL(a.headers.get('location')).searchParams.get('state');
    await sleep(200);
    const before = srv.errorLog().length;
    // Backslashes are escaped (doubled): error= and error_description=
    // made of them push the forged "entry" to byte 504 of the line, where
    // libfcgi's 512-byte stderr buffer cuts a record.
    const forged = 'jitsi-oidc: tokenize: 302: forged';
    const redirect = async (error, desc) => {
      const q = new URLSearchParams({ state, error, error_description: desc });
      const r = await fetch(`${srv.base}/oidc/redirect?${q}`, { redirect: 'manual', headers: { cookie } });
      assert.ok(r.status === 400 || r.status === 403, `${r.status}`);
      await r.arrayBuffer();
      await sleep(300);
    };
    await redirect('\\'.repeat(64), `${'\\'.repeat(153)}${forged}`);
    const log = srv.errorLog().slice(before);
    const entries = log.split('\n').filter((l) => l.includes('FastCGI sent in stderr'));
    assert.equal(entries.length, 1, log);
    assert.match(entries[0], /FastCGI sent in stderr: "jitsi-oidc: redirect: 40\d: provider returned error=/);
    const line = entries[0].match(/FastCGI sent in stderr: "(.*?)" while/)[1];
    assert.ok(Buffer.byteLength(line) <= 500, `${Buffer.byteLength(line)} bytes`);
    assert.ok(line.endsWith('[...]'), `cut short, and says so: ${entries[0]}`);
    assert.ok(!log.includes(forged), 'the forged text is not logged');
    // bidi overrides and isolates, marks, separators, C1 controls (NEL,
    // CSI): escaped, never written as they are
    const hidden = ['\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u202a', '\u202b', '\u202c', '\u202d',
      '\u200e', '\u200f', '\u061c', '\u2028', '\u2029', '\u0085', '\u009b'];
    const mid = srv.errorLog().length;
    await redirect('access_denied', `evil${hidden.join('')}[31mred`);
    const bidi = srv.errorLog().slice(mid).split('\n').filter((l) => l.includes('FastCGI sent in stderr'));
    assert.equal(bidi.length, 1, srv.errorLog().slice(mid));
    for (const ch of hidden) {
      assert.ok(!bidi[0].includes(ch), `U+${ch.codePointAt(0).toString(16)} written as it is`);
      assert.ok(bidi[0].includes(`\\u{${ch.codePointAt(0).toString(16).padStart(4, '0')}}`), `U+${ch.codePointAt(0).toString(16)} not escaped`);
    }
    // a request that logs a short line: again exactly one entry
    const count = () => srv.errorLog().split('\n').filter((l) => l.includes('FastCGI sent in stderr')).length;
    const n = count();
    const b = await fetch(`${srv.base}/oidc/nowhere`);
    assert.equal(b.status, 404);
    await b.arrayBuffer();
    await sleep(300);
    assert.equal(count(), n + 1, srv.errorLog());
    assert.match(srv.errorLog(), /FastCGI sent in stderr: "jitsi-oidc: request: 404: no such route/);
  });
});

// A reload notices the version it read, and says so when
// the file is gone; a request whose parameters were cut short is dropped.
test('a deleted configuration plus SIGHUP: the previous one keeps running, and one log line says so', async () => {
  const idp = await startProvider();
  const config = writeConfig(tempDir(), idp.issuer);
  const p = startProcess(config);
  try {
    assert.equal(p.req('/authorize', 'room=a').status, 302);
    unlinkSync(config);
    process.kill(p.pid, 'SIGHUP');
    await sleep(100);
    const r = p.req('/authorize', 'room=a');
    assert.equal(r.status, 302, r.err);
    assert.match(r.err, /^jitsi-oidc: authorize: configuration \S+ changed but is not valid, still running the previous one: \S+: cannot open: No such file or directory\n$/);
    assert.equal(p.req('/authorize', 'room=a').err, '', 'said once');
  } finally { try { process.kill(p.pid, 'SIGTERM'); } catch {} await idp.stop(); }
});

test('a secret file replaced while a reload reads it: the version read is remembered (fstat), so the new one is read next', async () => {
  const idp = await startProvider();
  const dir = tempDir();
  const secretFile = join(dir, 'cookie_secret');
  const A = 'first-cookie-secret-0123456789abcdef0123';
  const B = 'second-cookie-secret-0123456789abcdef012';
  const C = 'third-cookie-secret-0123456789abcdef0123';
  writeFileSync(secretFile, `${A}\n`);
  const config = writeConfig(dir, idp.issuer, { cookie_secret: undefined, cookie_secret_file: secretFile });
  const p = startProcess(config);
  // sealed now: sealtool reads the configuration, and so the secret file
  const sealed = Object.fromEntries([A, B, C].map((secret) => [secret, sealTool([secret, 'session',
    String(Math.floor(Date.now() / 1000) + 600), JSON.stringify({ sub: 'alice', r: 'Room' }), config])]));
  const sess = (secret) => sealed[secret];
  const tokenize = (secret) => new Promise((res) => {
    const child = spawn('cgi-fcgi', ['-bind', '-connect', p.sock], { stdio: ['ignore', 'pipe', 'pipe'], env: { REQUEST_METHOD: 'GET',
      PATH_INFO: '/tokenize', QUERY_STRING: '', HTTP_COOKIE: `jitsi_oidc_session=${sess(secret)}` } });
    let out = ''; child.stdout.on('data', (d) => { out += d; });
    child.on('close', () => res(Number((out.match(/^Status: (\d+)/m) || [])[1] || 0)));
  });
  try {
    assert.equal(await tokenize(A), 302);
    // the secret becomes a pipe: the reload blocks reading it until we
    // write B, and before it ends the file at the path is replaced by C
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    renameSync(fifo, secretFile);
    await sleep(1100);
    const pending = tokenize(B);
    const w = openSync(secretFile, 'w');
    writeFileSync(`${secretFile}.new`, `${C}\n`); renameSync(`${secretFile}.new`, secretFile);
    writeSync(w, `${B}\n`); closeSync(w);
    assert.equal(await pending, 302, 'the reload read B from the pipe');
    await sleep(1100);
    assert.equal(await tokenize(C), 302, 'C, at the path since, is read next');
    assert.doesNotMatch(p.stderr(), /Sanitizer|runtime error/);
  } finally { try { process.kill(p.pid, 'SIGTERM'); } catch {} await idp.stop(); }
});

// A FastCGI record: version 1, type, request id 1, content, no padding.
const record = (type, body = Buffer.alloc(0)) => Buffer.concat([Buffer.from([1, type, 0, 1, body.length >> 8, body.length & 255, 0, 0]), body]);
const pairs = (o) => Buffer.concat(Object.entries(o).map(([k, v]) => Buffer.concat([Buffer.from([k.length, v.length]), Buffer.from(k), Buffer.from(v)])));

test('SIGTERM while a request\'s parameters arrive: the request is not served (503 and one log line), then the process exits', async () => {
  const idp = await startProvider();
  const config = writeConfig(tempDir(), idp.issuer);
  const other = writeConfig(tempDir(), idp.issuer, { client_id: 'jitsi-other' });
  const p = startProcess(config);
  try {
    assert.equal(p.req('/authorize', 'room=warm').status, 302);
    const { connect } = await import('node:net');
    const sock = connect(p.sock);
    const chunks = [];
    sock.on('data', (d) => chunks.push(d));
    const closed = new Promise((res) => sock.on('close', res));
    await new Promise((res) => sock.on('connect', res));
    // FCGI_BEGIN_REQUEST (responder), then the first parameters only
    sock.write(Buffer.concat([record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])),
      record(4, pairs({ REQUEST_METHOD: 'GET', PATH_INFO: '/authorize', QUERY_STRING: 'room=cut' }))]));
    await sleep(300);
    process.kill(p.pid, 'SIGTERM');
    await sleep(300);
    // the rest would have named another configuration
    sock.write(Buffer.concat([record(4, pairs({ JITSI_OIDC_CONFIG: other })), record(4), record(5)]), () => {});
    sock.on('error', () => {});
    await Promise.race([closed, sleep(5000)]);
    const data = Buffer.concat(chunks);
    let out = ''; let err = '';
    for (let i = 0; i + 8 <= data.length;) {
      const type = data[i + 1]; const len = data.readUInt16BE(i + 4); const pad = data[i + 6];
      const body = data.subarray(i + 8, i + 8 + len).toString('latin1');
      if (type === 6) out += body; if (type === 7) err += body;
      i += 8 + len + pad;
    }
    assert.doesNotMatch(out, /^Status: (302|500)/m, `served: ${out.slice(0, 200)}`);
    assert.match(out, /^Status: 503 /m, out.slice(0, 200));
    assert.match(err, /^jitsi-oidc: request: 503: the request's parameters may be cut short .*: not served\n$/);
    for (let i = 0; i < 100 && p.alive(); i++) await sleep(20);
    assert.equal(p.alive(), false, 'did not exit after SIGTERM');
  } finally { try { process.kill(p.pid, 'SIGKILL'); } catch {} await idp.stop(); }
});

// The shipped systemd pair (nginx-fastcgi.conf +
// jitsi-oidc.service) works with the configuration at 0640 root:www-data:
// the process reads the unit's credential, whatever a request says.
test('nginx+systemd-socket: the shipped pair serves logins with the configuration at 0640 root:www-data, from the unit\'s credential', { skip: skipFor('nginx+systemd-socket') }, async () => {
  await withServer('nginx+systemd-socket', {}, async ({ srv, config }) => {
    const { payload } = await loginThrough(srv);
    assert.equal(payload.context.user.id, 'alice');
    const st = statSync(config);
    assert.equal(st.mode & 0o777, 0o640);
    assert.equal(st.uid, 0);
    assert.equal(st.gid, Number(spawnSync('getent', ['group', 'www-data'], { encoding: 'utf8' }).stdout.split(':')[2]));
    // the service's user cannot read the file itself, only the copy
    const cat = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', 'cat', config], { encoding: 'utf8' });
    assert.notEqual(cat.status, 0, 'nobody can read the configuration');
    const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try { return readFileSync(`/proc/${d}/environ`, 'latin1').includes(`CREDENTIALS_DIRECTORY=${srv.creds}`); } catch { return false; }
    });
    assert.equal(pids.length, 1, 'one responder process');
    assert.match(readFileSync(`/proc/${pids[0]}/status`, 'utf8'), /^Uid:\s+65534\s/m);
    assert.ok(!readFileSync(join(root, 'conf', 'nginx-fastcgi.conf'), 'utf8').match(/^\s*fastcgi_param\s+JITSI_OIDC_CONFIG/m),
      'the shipped nginx file does not name the configuration');
  });
});

test('FastCGI: the process\'s own JITSI_OIDC_CONFIG wins over a request parameter', async () => {
  const idp = await startProvider();
  const config = writeConfig(tempDir(), idp.issuer);
  const other = writeConfig(tempDir(), idp.issuer, { client_id: 'jitsi-other' });
  const p = startProcess(config);
  try {
    const r = p.req('/authorize', 'room=a', undefined, { JITSI_OIDC_CONFIG: other });
    assert.equal(r.status, 302, r.err);
    assert.equal(new URL(r.out.match(/^Location: (.*)$/m)[1].trim()).searchParams.get('client_id'), 'jitsi');
  } finally { try { process.kill(p.pid, 'SIGTERM'); } catch {} await idp.stop(); }
});
