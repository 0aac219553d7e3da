// The outbound network, with real parts: the real provider over TLS with
// a private CA (ca_file), behind Debian's tinyproxy (proxy), and at
// another address than the browser's (backchannel_url); a CGI
// environment full of proxy variables, which must change nothing
// (HTTP_PROXY is a request header: httpoxy).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, cgiPath, freePort, providerLogin, stopChild, SECRETS } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';

// The test plays the browser: it trusts the private CA's provider pages
// itself (the adapter, under test, is told with ca_file only).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const rules = { jitsiUrl: 'https://meet.example.test', appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
const running = [];
after(async () => { for (const s of running.reverse()) await s.stop(); });

// A private CA and a certificate for 127.0.0.1 it signs.
function privateCa(dir) {
  const run = (args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=jitsi-oidc test CA', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'srv.key', '-out', 'srv.csr']);
  writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext', '-out', 'srv.pem']);
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'srv.pem'), key: join(dir, 'srv.key') };
}

// Debian's tinyproxy on loopback; log() is what it logged so far.
async function startTinyproxy() {
  const dir = tempDir('jo-tp');
  const port = await freePort();
  const log = join(dir, 'log');
  writeFileSync(join(dir, 'conf'), `Port ${port}\nListen 127.0.0.1\nTimeout 30\nLogFile "${log}"\nLogLevel Info\nMaxClients 20\nAllow 127.0.0.1\n`);
  const child = spawn('tinyproxy', ['-d', '-c', join(dir, 'conf')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(existsSync(log) && /Accepting connections/.test(readFileSync(log, 'utf8'))); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const p = {
    url: `http://127.0.0.1:${port}`,
    // the requests it forwarded: "GET http://…" and "CONNECT 127.0.0.1:…"
    requests: () => (existsSync(log) ? readFileSync(log, 'utf8') : '').split('\n')
      .filter((l) => /Request \(file descriptor \d+\): /.test(l)).map((l) => l.replace(/^.*Request \(file descriptor \d+\): /, '')),
    stop: () => stopChild(child),
  };
  running.push(p);
  return p;
}

function checkConfig(config) {
  return spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8',
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '',
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || '' } });
}

function assertOneLine(res, status, re) {
  assertClean(assert, res);
  assert.equal(res.status, status, res.stderr);
  const lines = res.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0], re);
}

async function loginOk(config, extraEnv = {}) {
  const { redirect, tokenize } = await fullLogin({ config, query: 'room=NetRoom', extraEnv });
  assert.equal(redirect.status, 302, redirect.stderr);
  assert.equal(tokenize.status, 302, tokenize.stderr);
  const { payload } = await verifyJitsiRedirect(tokenize.location, rules);
  assert.equal(payload.room, 'netroom');
  assert.equal(redirect.stderr + tokenize.stderr, '');
}

let plain;
before(async () => {
  plain = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  running.push(plain);
});

test('proxy variables in the CGI environment are ignored (httpoxy): no call goes to them', async () => {
  const tp = await startTinyproxy();
  const env = { HTTP_PROXY: tp.url, http_proxy: tp.url, HTTPS_PROXY: tp.url, https_proxy: tp.url, ALL_PROXY: tp.url, all_proxy: tp.url,
    NO_PROXY: '', no_proxy: '' };
  // a cold cache: discovery, keys and the token request all go out
  await loginOk(writeConfig(tempDir(), plain.issuer), env);
  assert.deepEqual(tp.requests(), [], 'the environment\'s proxy was used');
  const c = checkConfig(writeConfig(tempDir(), plain.issuer));
  assert.match(c.stdout, /^network       CAs the system's; proxy none \(the environment's is ignored\)$/m);
});

test('proxy: every call to the provider goes through the configured proxy (tinyproxy)', async () => {
  const tp = await startTinyproxy();
  const config = writeConfig(tempDir(), plain.issuer, { proxy: tp.url });
  await loginOk(config);
  const seen = tp.requests();
  for (const path of ['/.well-known/openid-configuration', '/jwks', '/token']) {
    assert.ok(seen.some((r) => r.startsWith('GET ') || r.startsWith('POST ')) && seen.some((r) => r.includes(`${plain.issuer}${path}`)),
      `${path} through the proxy: ${seen.join(' | ')}`);
  }
  assert.match(checkConfig(config).stdout, new RegExp(`^network       CAs the system's; proxy ${tp.url}$`, 'm'));
  // the proxy stopped: a clear 502 and one line
  await tp.stop();
  const a = runCgi({ config: writeConfig(tempDir(), plain.issuer, { proxy: tp.url }), path: '/authorize', query: 'room=r' });
  assertOneLine(a, 502, /cannot reach http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: .*(proxy|connect)/i);
});

test('proxy values that are not a proxy URL are configuration errors', () => {
  for (const [v, re] of [['127.0.0.1:3128', /proxy: expected http:\/\/, https:\/\/, socks5:\/\/ or socks5h:\/\/ and a host/],
    ['http://user:pw@127.0.0.1:3128', /proxy: a user or password in the proxy URL is not supported/],
    ['http://', /proxy: expected a host/], ['http://:3128', /proxy: expected a host/]]) {
    const a = runCgi({ config: writeConfig(tempDir(), plain.issuer, { proxy: v }), path: '/authorize', query: 'room=r' });
    assertOneLine(a, 500, re);
    assert.ok(!a.stderr.includes('pw@'), 'the proxy URL with its password is not logged');
  }
});

test('ca_file: a provider with a private CA is refused without it and logs in with it; through the proxy too', async () => {
  const dir = tempDir('jo-ca');
  const pki = privateCa(dir);
  const port = await freePort();
  const p = await startProvider({ port, redirectUri: `${PUBLIC}/redirect`, env: { TLS_CERT: pki.cert, TLS_KEY: pki.key } });
  running.push(p);
  const issuer = `https://127.0.0.1:${port}`;
  const a = runCgi({ config: writeConfig(tempDir(), issuer), path: '/authorize', query: 'room=r' });
  assertOneLine(a, 502, /cannot reach https:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: SSL certificate problem/);
  const config = writeConfig(tempDir(), issuer, { ca_file: pki.ca });
  await loginOk(config);
  const c = checkConfig(config);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, new RegExp(`^network       CAs ${pki.ca.replace(/[.]/g, '\\.')}; proxy none`, 'm'));
  // TLS through the proxy (CONNECT), still checked against ca_file
  const tp = await startTinyproxy();
  await loginOk(writeConfig(tempDir(), issuer, { ca_file: pki.ca, proxy: tp.url }));
  assert.ok(tp.requests().some((r) => r.startsWith(`CONNECT 127.0.0.1:${port}`)), tp.requests().join(' | '));
  // a CA that did not sign it
  const other = privateCa(tempDir('jo-ca2'));
  const b = runCgi({ config: writeConfig(tempDir(), issuer, { ca_file: other.ca }), path: '/authorize', query: 'room=r' });
  assertOneLine(b, 502, /SSL certificate problem/);
});

test('ca_file that cannot be used: a configuration error naming it', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'adir'));
  for (const [f, re] of [[join(dir, 'missing.pem'), /ca_file: cannot open ".*missing\.pem": No such file/],
    [join(dir, 'adir'), /ca_file: ".*adir" is not a regular file/]]) {
    const a = runCgi({ config: writeConfig(tempDir(), plain.issuer, { ca_file: f }), path: '/authorize', query: 'room=r' });
    assertOneLine(a, 500, re);
  }
});

test('backchannel_url: the provider reached at another address than the browser\'s; the issuer checked as published', async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.2:${port}`;
  const p = await startProvider({ port, redirectUri: `${PUBLIC}/redirect`, env: { ISSUER: issuer } });
  running.push(p);
  // without it the public address is unreachable from the server
  const a0 = runCgi({ config: writeConfig(tempDir(), issuer), path: '/authorize', query: 'room=r' });
  assertOneLine(a0, 502, new RegExp(`cannot reach ${issuer.replace(/[.]/g, '\\.')}/\\.well-known/openid-configuration`));
  const config = writeConfig(tempDir(), issuer, { backchannel_url: `http://127.0.0.1:${port}/` });
  const a = runCgi({ config, path: '/authorize', query: 'room=NetRoom' });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  // the browser is sent to the public authorization endpoint
  assert.ok(a.location.startsWith(`${issuer}/auth?`), a.location);
  // the browser's side of split DNS: it reaches the public address
  // 127.0.0.2:PORT, which the adapter's server cannot (the provider
  // listens on 127.0.0.1 only); the provider's own pages then name the
  // address they were asked at
  const cb = await providerLogin(a.location.replace(`//127.0.0.2:${port}/`, `//127.0.0.1:${port}/`), `${PUBLIC}/redirect`);
  const r = runCgi({ config, path: '/redirect', query: new URL(cb).search.slice(1),
    cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
  assertClean(assert, r);
  assert.equal(r.status, 302, r.stderr);
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', r.cookies.jitsi_oidc_session.value]) });
  const { payload } = await verifyJitsiRedirect(t.location, rules);
  assert.equal(payload.context.user.id, 'alice');
  const c = checkConfig(config);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, new RegExp(`; the provider reached at http://127\\.0\\.0\\.1:${port}$`, 'm'));
  // a back channel that is not a URL the adapter calls (http to a
  // remote host): a configuration error
  const b = runCgi({ config: writeConfig(tempDir(), issuer, { backchannel_url: 'http://keycloak.internal:8080' }), path: '/authorize', query: 'room=r' });
  assertOneLine(b, 500, /backchannel_url: .*https/);
});
