// Each attack reproduced against the CGI
// as a web server runs it, and against the real provider where a login
// is needed.  Every case here failed before its fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, sealTool,
  SECRETS } from './lib/harness.mjs';
import { PUBLIC } from './lib/login.mjs';

let idp; let config;
before(async () => {
  idp = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  config = writeConfig(tempDir(), idp.issuer);
});
after(() => idp.stop());

const now = () => Math.floor(Date.now() / 1000);
// a live session as /redirect seals it ("x": its expiry, for single sign-on;
// "ck": checked with the provider now, so no re-check is due)
const session = (body, cfg = config) => sealTool([SECRETS.cookie, 'session', String(now() + 600),
  JSON.stringify({ x: now() + 600, ck: now(), ...body }), cfg]);

function refused(res, status, re) {
  assertClean(assert, res);
  assert.equal(res.status, status, `${res.status}: ${res.stderr}`);
  assert.equal(res.location, undefined);
  assert.doesNotMatch(res.raw, /jwt=/);
  assert.equal(res.cookies.jitsi_oidc_state, undefined, 'no login started');
  const lines = res.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, res.stderr);
  if (re) assert.match(lines[0], re);
}

// --- 1. Jitsi's wildcard -----------------------------------------------------
const stars = ['*', '%EF%BC%8A', '%EF%B9%A1', 'a*', '*b'];

test('12.1: a room or tenant that is or becomes "*" is refused by /authorize (query and state)', () => {
  for (const s of stars) {
    refused(runCgi({ config, path: '/authorize', query: `room=${s}` }), 400, /Jitsi reads as every room/);
    refused(runCgi({ config, path: '/authorize', query: `room=ok&tenant=${s}` }), 400, /tenant: .*every room/);
    const dec = decodeURIComponent(s);
    for (const st of [{ room: dec }, { room: s }, { roomSafe: dec }, { room: 'ok', tenant: dec }, { room: 'ok', tenant: s }]) {
      refused(runCgi({ config, path: '/authorize', query: `state=${encodeURIComponent(JSON.stringify(st))}` }), 400,
        /every room/);
    }
  }
  // a plain room still starts a login
  assert.equal(runCgi({ config, path: '/authorize', query: 'room=ok' }).status, 302);
});

test('12.1: a live session is not re-sealed for a "*" room, and a session holding one gets no token', () => {
  const live = cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a' })]);
  const ok = runCgi({ config, path: '/authorize', query: 'room=b', cookie: live });
  assert.equal(ok.location, `${PUBLIC}/tokenize`, 'the session is live: single sign-on');
  for (const q of ['room=*', 'room=%EF%BC%8A', 'room=a&tenant=%EF%B9%A1']) {
    const r = runCgi({ config, path: '/authorize', query: q, cookie: live });
    refused(r, 400, /every room/);
    assert.equal(r.cookies.jitsi_oidc_session, undefined, 'not re-sealed');
  }
  for (const body of [{ sub: 'alice', r: '*' }, { sub: 'alice', r: '\uff0a' }, { sub: 'alice', r: 'a', t: '*' },
    { sub: 'alice', r: 'a', t: '\ufe61' }]) {
    const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', session(body)]) });
    assertClean(assert, t);
    assert.equal(t.status, 401, JSON.stringify(body));
    assert.doesNotMatch(t.raw, /jwt=/);
  }
});

// --- 5. Targets inside the adapter ------------------------------------------
test('12.5: a room whose address lies under public_url is refused (no loop, no logout, no token in a log)', () => {
  for (const q of ['room=tokenize&tenant=oidc', 'room=logout&tenant=oidc', 'room=redirect&tenant=OIDC', 'room=oidc',
    'room=OIDC', 'room=authorize&tenant=oidc']) {
    refused(runCgi({ config, path: '/authorize', query: q }), 400, /lies under public_url/);
  }
  const st = encodeURIComponent(JSON.stringify({ room: 'tokenize', tenant: 'oidc' }));
  refused(runCgi({ config, path: '/authorize', query: `state=${st}` }), 400, /lies under public_url/);
  // names that only start like the adapter's path are rooms like any other
  for (const q of ['room=oidcMeeting', 'room=oidc-weekly', 'room=tokenize&tenant=oidcx']) {
    assert.equal(runCgi({ config, path: '/authorize', query: q }).status, 302, q);
  }
  // a sealed session that names such a room gets no token either
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session',
    session({ sub: 'alice', r: 'tokenize', t: 'oidc' })]) });
  assert.equal(t.status, 401);
  assert.doesNotMatch(t.raw, /jwt=/);
  // with public_url on a host of its own, no room is under it
  const apart = writeConfig(tempDir(), idp.issuer, { public_url: 'https://auth.example.test/oidc' });
  assert.equal(runCgi({ config: apart, path: '/authorize', query: 'room=tokenize&tenant=oidc' }).status, 302);
});

// --- 6. A signed-in user dropped into a stranger's room -------------------------
const trap = encodeURIComponent(JSON.stringify({ room: 'Trap', 'config.prejoinConfig.enabled': false,
  'config.startWithAudioMuted': false, 'config.startWithVideoMuted': true, 'config.subject': 'Call me' }));

// the URL options of a URL into the room: its hash without the token
const options = (u) => u.hash.replace(/(^#|&)jwt=%22[^&]*%22$/, '').replace(/^#?/, '#').replace(/^#$/, '');

function ssoHash(extraEnv) {
  const live = cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a' })]);
  const a = runCgi({ config, path: '/authorize', query: `state=${trap}`, cookie: live, extraEnv });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  assert.equal(a.location, `${PUBLIC}/tokenize`, 'single sign-on');
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', a.cookies.jitsi_oidc_session.value]) });
  assert.equal(t.status, 302, t.stderr);
  const u = new URL(t.location);
  assert.equal(u.pathname, '/Trap');
  return options(u);
}

// Anyone can make the link, and also through Jitsi's own page (whose
// navigation to tokenAuthUrl is then same-origin): no login, wherever it
// comes from, carries the options that skip prejoin or switch media on.
test('12.6: a login keeps only the URL options that expose the user less, wherever it comes from', () => {
  const safe = '#config.startWithVideoMuted=true';
  for (const env of [{ HTTP_SEC_FETCH_SITE: 'cross-site' },
    { HTTP_SEC_FETCH_SITE: 'same-site' }, // a sibling host, no Referer from us
    { HTTP_SEC_FETCH_SITE: 'cross-site', HTTP_REFERER: 'https://meet.example.test.evil.example/' },
    { HTTP_REFERER: 'https://evil.example/page' }, // no Sec-Fetch-Site: the Referer decides
    {}, // neither: counted as another site
    { HTTP_SEC_FETCH_SITE: 'same-origin' }, { HTTP_SEC_FETCH_SITE: 'none' },
    { HTTP_SEC_FETCH_SITE: 'same-site', HTTP_REFERER: 'https://meet.example.test/Room' },
    { HTTP_REFERER: 'https://MEET.example.test/Room' }]) {
    assert.equal(ssoHash(env), safe, JSON.stringify(env));
  }
});

test('12.6: through the provider too (a provider that answers silently is the same attack)', async () => {
  const { fullLogin } = await import('./lib/login.mjs');
  const { tokenize } = await fullLogin({ config, query: `state=${trap}`, extraEnv: { HTTP_SEC_FETCH_SITE: 'cross-site' } });
  assert.equal(tokenize.status, 302, tokenize.stderr);
  assert.equal(options(new URL(tokenize.location)), '#config.startWithVideoMuted=true');
});

// --- 9. HEAD and side effects ----------------------------------------------------
test('12.9: HEAD /redirect does not spend the code; HEAD /tokenize and /logout are 405 too', async () => {
  const { providerLogin } = await import('./lib/harness.mjs');
  const a = runCgi({ config, path: '/authorize', query: 'room=Head' });
  const st = a.cookies.jitsi_oidc_state.value;
  const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, 'alice');
  const query = new URL(cb).search.slice(1);
  const cookie = cookieHeader(['jitsi_oidc_state', st]);
  await idp.sync();
  const n0 = idp.requests().length;
  const h = runCgi({ config, method: 'HEAD', path: '/redirect', query, cookie });
  assert.equal(h.status, 405);
  assert.equal(h.header('allow'), 'GET');
  assert.deepEqual(Object.keys(h.cookies), [], 'no cookie touched');
  await idp.sync();
  assert.equal(idp.requests().length, n0, 'the provider was not called');
  // the code is still good for the browser's own GET
  const g = runCgi({ config, path: '/redirect', query, cookie });
  assert.equal(g.status, 302, g.stderr);
  const sess = cookieHeader(['jitsi_oidc_session', g.cookies.jitsi_oidc_session.value]);
  for (const path of ['/tokenize', '/logout']) {
    const r = runCgi({ config, method: 'HEAD', path, cookie: sess });
    assert.equal(r.status, 405, path);
    assert.equal(r.header('allow'), 'GET');
    assert.doesNotMatch(r.raw, /jwt=/);
    assert.deepEqual(Object.keys(r.cookies), [], `${path}: no cookie touched`);
  }
});

test('12.9: /logout started by another site asks first, with a button that logs out', () => {
  const sess = cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a' })]);
  for (const env of [{ HTTP_SEC_FETCH_SITE: 'cross-site' }, { HTTP_REFERER: 'https://evil.example/' }, {}]) {
    const r = runCgi({ config, path: '/logout', cookie: sess, extraEnv: env });
    assertClean(assert, r);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.cookies), [], 'nothing cleared');
    assert.match(r.body, /<a href="https:\/\/meet\.example\.test\/oidc\/logout">Log out<\/a>/);
  }
  // the button: a navigation from the adapter's own page
  const ok = runCgi({ config, path: '/logout', cookie: sess, extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assert.equal(ok.status, 302);
  assert.equal(ok.cookies.jitsi_oidc_session.value, '');
});

// --- 8. Cookie tossing ---------------------------------------------------------
// What a sibling host (evil.example.test) can plant: a cookie of ours for
// the parent domain, at our path or below it.
const setCookies = (r) => r.headers.filter(([k]) => k === 'set-cookie').map(([, v]) => v);

function deletesEveryCopy(r, name) {
  const sc = setCookies(r);
  for (const path of ['/oidc', '/oidc/redirect', '/oidc/tokenize', '/oidc/logout']) {
    for (const dom of ['', '; Domain=example.test']) {
      assert.ok(sc.some((c) => c.startsWith(`${name}=; Max-Age=0; Path=${path}${dom};`)), `${name} ${path}${dom} deleted: ${sc.join(' | ')}`);
    }
  }
  assert.ok(!sc.some((c) => /Domain=test;/.test(c)), 'never for a public suffix');
}

test('12.8: a planted copy of the state cookie does not stop the login: the copy that matches state is used', async () => {
  const { providerLogin } = await import('./lib/harness.mjs');
  for (const order of ['planted-first', 'planted-last']) {
    const a = runCgi({ config, path: '/authorize', query: 'room=Tossed' });
    const mine = a.cookies.jitsi_oidc_state.value;
    // the attacker's own genuine state cookie (from a login of theirs)
    const theirs = runCgi({ config, path: '/authorize', query: 'room=Trap' }).cookies.jitsi_oidc_state.value;
    const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, 'alice');
    const pair = order === 'planted-first' ? [['jitsi_oidc_state', theirs], ['jitsi_oidc_state', mine]]
      : [['jitsi_oidc_state', mine], ['jitsi_oidc_state', 'v1.garbage']];
    const r = runCgi({ config, path: '/redirect', query: new URL(cb).search.slice(1), cookie: cookieHeader(...pair) });
    assertClean(assert, r);
    assert.equal(r.status, 302, `${order}: ${r.stderr}`);
    assert.equal(r.location, `${PUBLIC}/tokenize`);
    deletesEveryCopy(r, 'jitsi_oidc_state');
    const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', r.cookies.jitsi_oidc_session.value]) });
    assert.equal(new URL(t.location).pathname, '/Tossed', 'the login\'s own room');
  }
});

test('12.8: a duplicated session is trusted in no copy, and every copy is deleted; logout still logs out', () => {
  const mine = session({ sub: 'alice', r: 'a' });
  const theirs = session({ sub: 'mallory', r: 'a' });
  const both = cookieHeader(['jitsi_oidc_session', theirs], ['jitsi_oidc_session', mine]);
  const t = runCgi({ config, path: '/tokenize', cookie: both });
  assertClean(assert, t);
  assert.equal(t.status, 401);
  assert.match(t.stderr, /sent 2 times/);
  deletesEveryCopy(t, 'jitsi_oidc_session');
  // no single sign-on on a duplicated session: the provider is asked
  const a = runCgi({ config, path: '/authorize', query: 'room=b', cookie: both });
  assert.equal(a.status, 302);
  assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), a.location);
  deletesEveryCopy(a, 'jitsi_oidc_session');
  // logout: not a 400 that clears nothing
  const o = runCgi({ config, path: '/logout', cookie: both, extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assertClean(assert, o);
  assert.equal(o.status, 302, o.stderr);
  deletesEveryCopy(o, 'jitsi_oidc_session');
  const dup = runCgi({ config, path: '/logout', cookie: cookieHeader(['jitsi_oidc_logout', 'v1.a'], ['jitsi_oidc_logout', 'v1.b']),
    extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assert.equal(dup.status, 302);
  deletesEveryCopy(dup, 'jitsi_oidc_logout');
  // a single copy: no extra deletions
  const one = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', mine]) });
  assert.equal(one.status, 302);
  assert.equal(setCookies(one).length, 0);
});

// --- review pass  ------------------------------
test('review: a planted cookie of ours that fails a per-cookie check (a TAB, which RFC 6265bis allows) does not make every route 400', () => {
  // RFC 6265bis rejects CTLs in a cookie value except HTAB, so a browser
  // that follows it lets a sibling plant jitsi_oidc_session="a<TAB>b" for
  // Domain=example.test (Chromium 156 refuses the TAB: checked by hand);
  // a copy of ours that fails a per-cookie check should be ignored and
  // deleted like a duplicate, not make every route (/logout too) a 400
  const planted = 'jitsi_oidc_session=a\tb';
  const o = runCgi({ config, path: '/logout', cookie: planted, extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assertClean(assert, o);
  assert.equal(o.status, 302, `logout must still log out: ${o.stderr}`);
  const a = runCgi({ config, path: '/authorize', query: 'room=a', cookie: planted });
  assert.equal(a.status, 302, `login must still start: ${a.stderr}`);
  const mine = session({ sub: 'alice', r: 'a' });
  const t = runCgi({ config, path: '/tokenize', cookie: `${planted}; jitsi_oidc_session=${mine}` });
  assert.notEqual(t.status, 400, `a tossed copy is ignored and deleted, not a 400: ${t.stderr}`);
});

test('review: a duplicated cookie is deleted at every path the browser sends it with (/, /oidc/ too)', () => {
  // a sibling plants jitsi_oidc_session for Domain=example.test at Path=/ or
  // Path=/oidc/: both are sent to /oidc/tokenize, and neither is deleted,
  // so every later login of this browser ends in 401 at /tokenize
  const both = cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a' })], ['jitsi_oidc_session', 'v1.x']);
  const t = runCgi({ config, path: '/tokenize', cookie: both });
  const sc = setCookies(t);
  for (const path of ['/', '/oidc/', '/oidc', '/oidc/tokenize']) {
    assert.ok(sc.some((c) => c.startsWith(`jitsi_oidc_session=; Max-Age=0; Path=${path}; Domain=example.test;`)),
      `Path=${path}; Domain=example.test deleted: ${sc.join(' | ')}`);
  }
});

test('review: a stranger\'s link through Jitsi\'s own page (a same-origin hop) cannot skip prejoin or unmute either', () => {
  // https://meet.example.test/Trap#config.prejoinConfig.enabled=false&config.startWithAudioMuted=false
  // opened from any site: Jitsi's client (no token) itself navigates to
  // tokenAuthUrl ?state={..., the hash's config.* overrides}; that request
  // is same-origin, with a Referer of the Jitsi page
  for (const env of [{ HTTP_SEC_FETCH_SITE: 'same-origin', HTTP_REFERER: 'https://meet.example.test/Trap' },
    { HTTP_REFERER: 'https://meet.example.test/Trap' }]) {
    assert.equal(ssoHash(env), '#config.startWithVideoMuted=true', JSON.stringify(env));
  }
});

test('review: a FastCGI request cannot name a configuration of its own (a co-tenant with the socket mints "*" owner tokens with the service\'s secret files)', async () => {
  const { spawnSync } = await import('node:child_process');
  const { writeFileSync, readFileSync, chmodSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { cgiPath } = await import('./lib/harness.mjs');
  // the service: its configuration in its environment (the systemd unit's
  // Environment=JITSI_OIDC_CONFIG=%d/...), the Jitsi secret in a file of
  // its own (%d/jitsi_app_secret, readable by the service only)
  const svc = tempDir();
  const secretFile = join(svc, 'jitsi_app_secret');
  writeFileSync(secretFile, `${SECRETS.jitsi}\n`);
  chmodSync(secretFile, 0o600);
  const real = writeConfig(svc, idp.issuer, { jitsi_app_secret: undefined, jitsi_app_secret_file: secretFile });
  writeFileSync(real, readFileSync(real, 'utf8').split('\n').filter((l) => !/^jitsi_app_secret =/.test(l)).join('\n'));
  // a co-tenant (any www-data process: the socket is 0660 www-data) writes
  // a configuration of its own that points at the service's secret file
  const evilSecret = 'mallory-cookie-secret-0123456789abcdef';
  const evil = writeConfig(tempDir(), idp.issuer, { jitsi_app_secret: undefined, jitsi_app_secret_file: secretFile,
    cookie_secret: evilSecret, room_claim: '*', moderator: 'all' });
  writeFileSync(evil, readFileSync(evil, 'utf8').split('\n').filter((l) => !/^jitsi_app_secret =/.test(l)).join('\n'));
  const dir = tempDir('jo-fcgi-rv'); const sock = join(dir, 's'); const pid = join(dir, 'pid');
  const s = spawnSync('spawn-fcgi', ['-s', sock, '-P', pid, '--', '/usr/bin/env', `JITSI_OIDC_CONFIG=${real}`, cgiPath],
    { encoding: 'utf8', env: { PATH: process.env.PATH, ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}) } });
  assert.equal(s.status, 0, s.stderr);
  try {
    const now = Math.floor(Date.now() / 1000);
    const sess = sealTool([evilSecret, 'session', String(now + 600), JSON.stringify({ x: now + 600, ck: now, sub: 'mallory', mod: true, r: 'x' }), evil]);
    const r = spawnSync('cgi-fcgi', ['-bind', '-connect', sock], { encoding: 'latin1', timeout: 30000, env: {
      GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', PATH_INFO: '/tokenize', QUERY_STRING: '',
      HTTP_COOKIE: `jitsi_oidc_session=${sess}`, JITSI_OIDC_CONFIG: evil } });
    // the same process serves its own configuration (the test's control)
    const own = spawnSync('cgi-fcgi', ['-bind', '-connect', sock], { encoding: 'latin1', timeout: 30000, env: {
      GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', PATH_INFO: '/tokenize', QUERY_STRING: '',
      HTTP_COOKIE: `jitsi_oidc_session=${sealTool([SECRETS.cookie, 'session', String(now + 600),
        JSON.stringify({ x: now + 600, ck: now, sub: 'alice', r: 'x' }), real])}` } });
    assert.match(own.stdout, /jwt=(%22)?[\w-]+\.[\w-]+\.[\w-]+/, `the service's own login works: ${own.stdout.slice(0, 300)}`);
    const m = /jwt=(?:%22)?([\w-]+)\.([\w-]+)\.([\w-]+)/.exec(r.stdout);
    const claims = m ? JSON.parse(Buffer.from(m[2], 'base64url').toString()) : {};
    const { createHmac } = await import('node:crypto');
    const signedReal = m && createHmac('sha256', SECRETS.jitsi).update(`${m[1]}.${m[2]}`).digest('base64url') === m[3];
    assert.ok(!m, `a request chose its configuration: token for room ${claims.room}, owner ${claims.context?.user?.affiliation}, `
      + `signed with the service's own Jitsi secret: ${signedReal}`);
  } finally {
    for (const p of readFileSync(pid, 'utf8').split(/\s+/).filter(Boolean)) { try { process.kill(Number(p), 'SIGTERM'); } catch {} }
  }
});

test('review: the token goes to Jitsi in the URL hash, never the query (the web server\'s access log, Referer of same-origin loads)', () => {
  // docs/routes.md: "no token in an access log"; ../shared/jitsi-token-rules.md:
  // Jitsi reads #jwt="<token>" first since 2024, and a hash never reaches
  // an access log or a Referer; ?jwt= is logged by Jitsi's nginx on every
  // login (the request line, and the Referer of every same-origin asset)
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'Room' })]) });
  assert.equal(t.status, 302, t.stderr);
  const u = new URL(t.location);
  assert.equal(u.searchParams.get('jwt'), null, `token in the query: ${u.origin}${u.pathname}?jwt=…`);
  assert.match(u.hash, /(^#|&)jwt=%22[\w-]+\.[\w-]+\.[\w-]+%22/);
});

test('review: Sec-Fetch-Site: cross-site is not overruled by a Referer of ours (a cross-site redirect hop keeps the first Referer)', () => {
  // with public_url on jitsi_url's origin, a login of ours is always
  // same-origin; "cross-site" with our Referer means the navigation went
  // through another site (a link on a Jitsi page to an attacker's page that
  // redirects to /oidc/authorize: the Referer stays the Jitsi page's)
  for (const env of [{ HTTP_SEC_FETCH_SITE: 'cross-site', HTTP_REFERER: 'https://meet.example.test/' },
    { HTTP_SEC_FETCH_SITE: 'cross-site', HTTP_REFERER: 'https://meet.example.test/oidc/logout' }]) {
    assert.equal(ssoHash(env), '#config.startWithVideoMuted=true', JSON.stringify(env));
  }
});

test('review: a target under public_url is refused however the two URLs spell the same origin (default port)', () => {
  for (const over of [{ jitsi_url: 'https://meet.example.test:443' }, { public_url: 'https://meet.example.test:443/oidc' }]) {
    const cfg = writeConfig(tempDir(), idp.issuer, over);
    refused(runCgi({ config: cfg, path: '/authorize', query: 'room=tokenize&tenant=oidc' }), 400, /lies under public_url/);
  }
});

test('review: the pages with a button (log out, hand the token to the app) cannot be framed', () => {
  // a same-site sibling's page gets our SameSite=Lax cookies in an iframe
  // of /oidc/logout and can overlay the "Log out" button (clickjacking)
  const sess = cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a' })]);
  const pages = [runCgi({ config, path: '/logout', cookie: sess, extraEnv: { HTTP_SEC_FETCH_SITE: 'same-site' } }),
    runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a', a: 'ios' })]) })];
  for (const r of pages) {
    assert.equal(r.status, 200, r.stderr);
    const csp = r.header('content-security-policy') || '';
    assert.ok(/frame-ancestors 'none'/.test(csp) || /^(deny|sameorigin)$/i.test(r.header('x-frame-options') || ''),
      `framable: CSP "${csp}", X-Frame-Options ${r.header('x-frame-options')}`);
  }
});

test('review: a room whose Jitsi name outgrows an XMPP node is refused, not a Location over 8 KiB', () => {
  // 66 x U+FDFA is 198 bytes (JO_ROOM_MAX is 200), but NFKC makes each one
  // 18 letters: the room claim is 7 KiB, the Location 9.7 KiB (over nginx's
  // fastcgi_buffer_size and Apache's 8190-byte header line: a 502/500),
  // and Prosody refuses a room node over 1023 bytes anyway
  const room = '\ufdfa'.repeat(66);
  const r = runCgi({ config, path: '/authorize', query: `room=${encodeURIComponent(room)}` });
  assert.equal(r.status, 400, `${r.status}: ${r.stderr}`);
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: room })]) });
  assert.ok(!t.location || t.location.length < 4096, `Location of ${t.location && t.location.length} bytes`);
});

test('review: a link opened from another application (Sec-Fetch-Site: none, no Referer) cannot skip prejoin or unmute', () => {
  // "none" is not only a typed URL or a bookmark: a link clicked in a mail
  // or chat application (Outlook, Slack, Teams desktop) opens the browser
  // with Sec-Fetch-Site: none and no Referer -- the way such a trap link
  // is most easily delivered
  assert.equal(ssoHash({ HTTP_SEC_FETCH_SITE: 'none' }), '#config.startWithVideoMuted=true');
});

// --- review2 ------------------------------------------------------------------
test('review2: sixteen planted copies of the state cookie do not push the login\'s own copy out (JO_COOKIE_COPIES)', async () => {
  // a sibling host plants jitsi_oidc_state for Domain=example.test at
  // Path=/oidc/redirect: a longer path, so the browser sends those copies
  // before the login's own (RFC 6265 5.4); the parser keeps the first 16
  // copies and silently drops the rest -- the login's own among them
  const { providerLogin } = await import('./lib/harness.mjs');
  const a = runCgi({ config, path: '/authorize', query: 'room=Pushed' });
  const mine = a.cookies.jitsi_oidc_state.value;
  const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, 'alice');
  const planted = Array.from({ length: 16 }, (_, i) => ['jitsi_oidc_state', `v1.planted${i}`]);
  const r = runCgi({ config, path: '/redirect', query: new URL(cb).search.slice(1),
    cookie: cookieHeader(...planted, ['jitsi_oidc_state', mine]) });
  assertClean(assert, r);
  assert.equal(r.status, 302, `the login's own copy was dropped: ${r.stderr}`);
  assert.equal(r.location, `${PUBLIC}/tokenize`);
});

test('review2: a copy planted for Domain=<our own host> (by a host below it) is deleted too', () => {
  // x.meet.example.test may set a cookie for Domain=meet.example.test: a
  // domain cookie of our own host, a different cookie from our host-only
  // one, sent to /oidc/* like it; the deletions name only the host-only
  // copy and the parents (example.test), so this copy stays and every
  // session is "sent 2 times" -- 401 at /tokenize until it expires
  const both = cookieHeader(['jitsi_oidc_session', session({ sub: 'alice', r: 'a' })], ['jitsi_oidc_session', 'v1.x']);
  const t = runCgi({ config, path: '/tokenize', cookie: both });
  assert.equal(t.status, 401);
  const sc = setCookies(t);
  for (const path of ['/', '/oidc', '/oidc/tokenize']) {
    assert.ok(sc.some((c) => c.startsWith(`jitsi_oidc_session=; Max-Age=0; Path=${path}; Domain=meet.example.test;`)),
      `Path=${path}; Domain=meet.example.test deleted: ${sc.filter((c) => c.includes(`Path=${path};`)).join(' | ')}`);
  }
});

test('review2: cookies of other names planted for our path (over HTTP/2, 20 KB of Cookie reaches us) do not make every route 400', () => {
  // a sibling plants five 4 KB cookies of any names for Domain=example.test,
  // Path=/oidc: Jitsi's pages never see them; over HTTP/2 nginx joins the
  // browser's cookie fields into one 20 KB HTTP_COOKIE and passes it on
  // (checked with nginx-light, listen ... http2, curl --http2-prior-knowledge:
  // /oidc/logout 400 "Bad request", /SomeRoom 200); the adapter refuses the
  // whole header, so nobody logs in or out there until they expire
  const junk = Array.from({ length: 5 }, (_, i) => [`junk${i}`, 'x'.repeat(4000)]);
  const mine = session({ sub: 'alice', r: 'a' });
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(...junk, ['jitsi_oidc_session', mine]) });
  assertClean(assert, t);
  assert.equal(t.status, 302, `the session is refused with the junk: ${t.stderr}`);
  const o = runCgi({ config, path: '/logout', cookie: cookieHeader(...junk, ['jitsi_oidc_session', mine]),
    extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assert.equal(o.status, 302, `logout must still log out: ${o.stderr}`);
});
