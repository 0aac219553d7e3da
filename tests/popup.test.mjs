// Jitsi's inline login and silent logout at the request level (every
// run through the real binary, as a CGI and again as a FastCGI
// responder): Jitsi's login popup (tokenAuthInline: /authorize with
// Jitsi's nonce=) through the real provider, ending in a page that posts the token to jitsi_url's
// origin only; every failure on its way answered in the popup with
// oauth-error (the right status, one log line, no token); single sign-on
// in the popup; Jitsi's extra parameters ignored; the silent logout in
// Jitsi's hidden iframe; --check-config's warning for two origins.  The
// real browser does the same in tests/inline.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, providerLogin, sealTool, Jar,
  SECRETS, cgiPath, slow } from './lib/harness.mjs';
import { PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { startHostile } from './lib/hostile.mjs';

const JITSI = 'https://meet.example.test';
const rules = { jitsiUrl: JITSI, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
const NONCE = 'ab'.repeat(32);	// Jitsi's: 32 random bytes in hex
// what Jitsi's client sends: its {state}, then &nonce= appended
const jitsiState = (room, extra = {}) => encodeURIComponent(JSON.stringify({ room, roomSafe: room.toLowerCase(), tenant: '', ...extra }));
const popupQuery = (room = 'Inline Room', extra = {}) => `state=${jitsiState(room, extra)}&code_challenge=Xy_z&code_challenge_method=S256&nonce=${NONCE}`;
const now = () => Math.floor(Date.now() / 1000);
let idp, hostile, config;

before(async () => {
  idp = await startProvider({ redirectUri: `${PUBLIC}/redirect`, env: { POST_LOGOUT_REDIRECT_URI: `${JITSI}/` } });
  hostile = await startHostile();
  config = writeConfig(tempDir(), idp.issuer);
});
after(async () => { await idp.stop(); await hostile.stop(); });

// The popup page's message as the browser will see it, and its checks:
// the hash in the CSP is the hash of its one script, it posts to the
// opener at jitsi_url's origin, nobody may frame it, no Referer leaves it.
function message(res) {
  assertClean(assert, res);
  assert.equal(res.location, undefined, 'a popup page, not a redirect');
  assert.match(res.header('content-type'), /^text\/html/);
  assert.equal(res.header('cache-control'), 'no-store');
  assert.equal(res.header('referrer-policy'), 'no-referrer');
  assert.equal(res.header('x-frame-options'), 'DENY');
  const csp = res.header('content-security-policy');
  const scripts = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 1, 'one script');
  const hash = createHash('sha256').update(scripts[0]).digest('base64');
  assert.match(csp, new RegExp(`(^|; )default-src 'none'; script-src 'sha256-${hash.replace(/[+/]/g, '\\$&')}';`));
  assert.doesNotMatch(csp, /unsafe-inline'[^;]*script|script-src[^;]*unsafe/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(res.body, /<script[^>]*src=|on[a-z]+=/, 'no other script');
  const el = /<p id="jo" hidden([^>]*)><\/p>/.exec(res.body);
  assert.ok(el, res.body);
  const d = Object.fromEntries([...el[1].matchAll(/ data-([a-z]+)="([^"]*)"/g)].map(([, k, v]) => [k, v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')]));
  assert.equal(d.to, 'opener');
  assert.equal(d.origin, JITSI, 'posted to jitsi_url\'s origin only');
  const msg = { type: d.type };
  if (d.key) msg[d.key] = d.val;
  return msg;
}

async function verifyToken(tok, room = 'Inline%20Room') {
  return (await verifyJitsiRedirect(`${JITSI}/${room}?oidc=ok#jwt=%22${tok}%22`, rules)).payload;
}

// A failure in the popup: its status, one log line naming it, an
// oauth-error message with plain text, no token.
function oauthError(res, status, reason) {
  const msg = message(res);
  assert.equal(res.status, status, `${res.status}: ${res.stderr}`);
  assert.equal(msg.type, 'oauth-error');
  assert.ok(msg.error && !/[<>]/.test(msg.error), `plain text: ${msg.error}`);
  assert.doesNotMatch(res.raw, /eyJ[A-Za-z0-9_-]{8,}\.eyJ/, 'no token');
  assert.equal(res.cookies.jitsi_oidc_session && res.cookies.jitsi_oidc_session.value || '', '');
  const lines = res.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0], reason);
  return msg;
}

// /authorize as Jitsi's popup opens it, the provider, /redirect.
async function popupLogin(query = popupQuery(), login = 'alice', cfg = config) {
  const a = runCgi({ config: cfg, path: '/authorize', query });
  assertClean(assert, a);
  assert.equal(a.status, 302, `${a.stderr} ${a.body}`);
  const state = new URL(a.location).searchParams.get('state');
  const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, login);
  const r = runCgi({ config: cfg, path: '/redirect', query: new URL(cb).search.slice(1),
    cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
  assertClean(assert, r);
  return { a, r, state };
}

test('popup login through the real provider: nonce= is a popup; the token is posted to jitsi_url\'s origin, in no URL, without URL options', async () => {
  const { a, r, state } = await popupLogin(popupQuery('Inline Room', { 'config.startWithAudioMuted': false, 'config.prejoinConfig.enabled': false }));
  assert.ok(state.startsWith('p.'), `the popup's state is marked: ${state}`);
  // Jitsi's own PKCE challenge is not ours: the provider gets our own
  const auth = new URL(a.location).searchParams;
  assert.notEqual(auth.get('code_challenge'), 'Xy_z');
  assert.notEqual(auth.get('nonce'), NONCE, 'our nonce, not Jitsi\'s');
  assert.equal(r.status, 302, r.stderr);
  assert.equal(r.location, `${PUBLIC}/tokenize?popup=1`);
  const t = runCgi({ config, path: '/tokenize', query: 'popup=1', cookie: cookieHeader(['jitsi_oidc_session', r.cookies.jitsi_oidc_session.value]) });
  const msg = message(t);
  assert.equal(t.status, 200);
  assert.equal(t.stderr, '', 'a success logs nothing');
  assert.equal(msg.type, 'oauth-success');
  const p = await verifyToken(msg.accessToken);
  assert.equal(p.room, 'inline%20room');
  assert.equal(p.context.user.id, 'alice');
  // the state's URL options are dropped: the popup carries none
  assert.doesNotMatch(t.raw, /config\.|startWith|prejoin/);
});

test('popup with a live session: /authorize goes straight to /tokenize (no provider), which posts a token for the new room', async () => {
  const sess = sealTool([SECRETS.cookie, 'session', String(now() + 600),
    JSON.stringify({ x: now() + 600, ck: now(), sub: 'alice', name: 'Alice', r: 'Old Room' }), config]);
  const a = runCgi({ config, path: '/authorize', query: popupQuery('Second Room'), cookie: cookieHeader(['jitsi_oidc_session', sess]) });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  assert.equal(a.location, `${PUBLIC}/tokenize?popup=1`);
  assert.equal(a.cookies.jitsi_oidc_state, undefined, 'no login at the provider');
  const t = runCgi({ config, path: '/tokenize', query: 'popup=1', cookie: cookieHeader(['jitsi_oidc_session', a.cookies.jitsi_oidc_session.value]) });
  const msg = message(t);
  assert.equal(msg.type, 'oauth-success');
  const p = await verifyToken(msg.accessToken, 'Second%20Room');
  assert.equal(p.room, 'second%20room');
  // the same session, then opened as a classic login: the redirect again
  const c = runCgi({ config, path: '/authorize', query: `state=${jitsiState('Third Room')}`, cookie: cookieHeader(['jitsi_oidc_session', sess]) });
  const t2 = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', c.cookies.jitsi_oidc_session.value]) });
  assert.equal(t2.status, 302);
  assert.match(t2.location, /^https:\/\/meet\.example\.test\/Third%20Room\?oidc=ok#jwt=%22/);
});

test('popup from a state that names an app (electron): the popup wins, no app hand-back, single sign-on allowed', async () => {
  const sess = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ x: now() + 600, ck: now(), sub: 'alice', r: 'R' }), config]);
  const a = runCgi({ config, path: '/authorize', query: popupQuery('App Room', { electron: true }), cookie: cookieHeader(['jitsi_oidc_session', sess]) });
  assert.equal(a.status, 302, a.stderr);
  assert.equal(a.location, `${PUBLIC}/tokenize?popup=1`, 'single sign-on, as for the web client');
  const t = runCgi({ config, path: '/tokenize', query: 'popup=1', cookie: cookieHeader(['jitsi_oidc_session', a.cookies.jitsi_oidc_session.value]) });
  const msg = message(t);
  assert.equal(msg.type, 'oauth-success');
  assert.equal((await verifyToken(msg.accessToken, 'App%20Room')).room, 'app%20room');
  assert.doesNotMatch(t.raw, /jitsi-meet:\/\/|Back to the app/);
});

test('the sealed session decides where the token goes: ?popup=1 on a classic session still redirects; a popup session without it still posts', async () => {
  const classic = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ x: now() + 600, ck: now(), sub: 'alice', r: 'R' }), config]);
  const t = runCgi({ config, path: '/tokenize', query: 'popup=1', cookie: cookieHeader(['jitsi_oidc_session', classic]) });
  assert.equal(t.status, 302);
  assert.match(t.location, /^https:\/\/meet\.example\.test\/R\?oidc=ok#jwt=/);
  const popup = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ x: now() + 600, ck: now(), sub: 'alice', r: 'R', p: true }), config]);
  const u = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', popup]) });
  const msg = message(u);
  assert.equal(msg.type, 'oauth-success');
  assert.equal((await verifyToken(msg.accessToken, 'R')).context.user.id, 'alice');
});

test('popup: a refused user gets oauth-error (403, the reason, one log line) instead of the page and the guest refresh', async () => {
  const strict = writeConfig(tempDir(), idp.issuer, { allowed_groups: 'staff', guests: 'yes' });
  const { r } = await popupLogin(popupQuery(), 'carol', strict);
  const msg = oauthError(r, 403, /^jitsi-oidc: redirect: 403: access rule: /);
  assert.match(msg.error, /^You cannot join meetings here with this account: /);
  assert.equal(r.header('refresh'), undefined);
  assert.doesNotMatch(r.body, /http-equiv="refresh"/);
});

test('popup: the provider\'s error answer, and prompt=none\'s login_required, are oauth-error (not a redirect into the room)', async () => {
  const a = runCgi({ config, path: '/authorize', query: popupQuery() });
  const state = new URL(a.location).searchParams.get('state');
  const ck = cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]);
  const r = runCgi({ config, path: '/redirect', query: `error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}&state=${state}`, cookie: ck });
  const msg = oauthError(r, 403, /redirect: 403: provider returned error=access_denied/);
  assert.equal(msg.error, 'The login provider denied access.');
  assert.ok(r.cookies.jitsi_oidc_state && r.cookies.jitsi_oidc_state.value === '', 'state cookie deleted');
  // prompt = none at the real provider, no session there: login_required
  const silent = writeConfig(tempDir(), idp.issuer, { prompt: 'none' });
  const b = runCgi({ config: silent, path: '/authorize', query: popupQuery() });
  const back = await fetch(b.location, { redirect: 'manual' });
  const cb = new URL(back.headers.get('location'));
  assert.equal(cb.searchParams.get('error'), 'login_required');
  const s = runCgi({ config: silent, path: '/redirect', query: cb.search.slice(1), cookie: cookieHeader(['jitsi_oidc_state', b.cookies.jitsi_oidc_state.value]) });
  oauthError(s, 400, /redirect: 400: provider returned error=login_required/);
});

test('popup: a missing, expired or forged state cookie, and a state of another login, are oauth-error by the state\'s mark', () => {
  const st = 'p.' + 'A'.repeat(43);
  oauthError(runCgi({ config, path: '/redirect', query: `code=abcdefgh&state=${st}` }), 400, /redirect: 400: no jitsi_oidc_state cookie/);
  const expired = sealTool([SECRETS.cookie, 'state', String(now() - 1), JSON.stringify({ st, no: 'n', cv: 'v', r: 'R', p: true })]);
  oauthError(runCgi({ config, path: '/redirect', query: `code=abcdefgh&state=${st}`, cookie: cookieHeader(['jitsi_oidc_state', expired]) }),
    400, /redirect: 400: jitsi_oidc_state cookie: .*expired/);
  oauthError(runCgi({ config, path: '/redirect', query: `code=abcdefgh&state=${st}`, cookie: cookieHeader(['jitsi_oidc_state', 'v1.forged']) }),
    400, /redirect: 400: jitsi_oidc_state cookie: /);
  const other = sealTool([SECRETS.cookie, 'state', String(now() + 300), JSON.stringify({ st: 'p.other', no: 'n', cv: 'v', r: 'R', p: true })]);
  oauthError(runCgi({ config, path: '/redirect', query: `code=abcdefgh&state=${st}`, cookie: cookieHeader(['jitsi_oidc_state', other]) }),
    400, /redirect: 400: state parameter does not match/);
  // without the mark, the same failure is the classic page
  const c = runCgi({ config, path: '/redirect', query: `code=abcdefgh&state=${'A'.repeat(43)}` });
  assert.equal(c.status, 400);
  assert.match(c.body, /<h1>Login expired<\/h1>/);
  assert.doesNotMatch(c.body, /<script>/);
});

test('popup: an ID token that does not verify (hostile provider: bad signature, wrong nonce) is oauth-error 502', async () => {
  for (const sc of ['bad-signature', 'nonce-wrong']) {
    const cfg = writeConfig(tempDir(), hostile.issuer(sc));
    const a = runCgi({ config: cfg, path: '/authorize', query: popupQuery() });
    assert.equal(a.status, 302, a.stderr);
    const res = await fetch(a.location, { redirect: 'manual' });
    const q = new URL(res.headers.get('location')).search.slice(1);
    const r = runCgi({ config: cfg, path: '/redirect', query: q, cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
    oauthError(r, 502, /redirect: 502: /);
  }
});

test('popup: a bad room at /authorize and a lost session at /tokenize?popup=1 are oauth-error too', () => {
  oauthError(runCgi({ config, path: '/authorize', query: `room=a%2Fb&nonce=${NONCE}` }), 400, /authorize: 400: room: /);
  oauthError(runCgi({ config, path: '/authorize', query: `state=${jitsiState('*')}&nonce=${NONCE}` }), 400, /authorize: 400: /);
  oauthError(runCgi({ config, path: '/tokenize', query: 'popup=1' }), 401, /tokenize: 401: no jitsi_oidc_session cookie/);
  const t = runCgi({ config, path: '/tokenize' });
  assert.equal(t.status, 401);
  assert.doesNotMatch(t.body, /<script>/, 'the classic 401 page');
});

test('/authorize: Jitsi\'s code_challenge, code_challenge_method and any other unknown parameter are ignored; a repeated known one is still a 400', () => {
  for (const q of ['room=R&code_challenge=abc&code_challenge_method=S256', 'room=R&foo=bar&x', `room=R&nonce=${NONCE}&utm_source=mail`]) {
    const a = runCgi({ config, path: '/authorize', query: q });
    assertClean(assert, a);
    assert.equal(a.status, 302, `${q}: ${a.stderr}`);
    assert.ok(a.location.startsWith(`${idp.issuer}/`));
  }
  for (const q of ['room=R&room=S', `room=R&nonce=${NONCE}&nonce=${NONCE}`, 'state=%7B%7D&state=%7B%7D']) {
    const a = runCgi({ config, path: '/authorize', query: q });
    assert.equal(a.status, 400, q);
    assert.match(a.stderr, /400: query parameter "(room|nonce|state)" repeated/);
  }
});

// --- silent logout -------------------------------------------------------------
const IFRAME = { HTTP_SEC_FETCH_SITE: 'same-origin', HTTP_SEC_FETCH_DEST: 'iframe', HTTP_SEC_FETCH_MODE: 'navigate' };
const live = () => cookieHeader(['jitsi_oidc_session', sealTool([SECRETS.cookie, 'session', String(now() + 600),
  JSON.stringify({ x: now() + 600, ck: now(), sub: 'alice', r: 'R' }), config])], ['jitsi_oidc_logout', 'v1.hint']);

test('silent logout: /logout in Jitsi\'s hidden iframe clears our cookies and posts logout-success to the parent at jitsi_url\'s origin', () => {
  const o = runCgi({ config, path: '/logout', cookie: live(), extraEnv: IFRAME });
  assertClean(assert, o);
  assert.equal(o.status, 200, o.stderr);
  assert.equal(o.location, undefined, 'no provider page in the iframe');
  assert.equal(o.stderr, '');
  for (const n of ['jitsi_oidc_session', 'jitsi_oidc_logout', 'jitsi_oidc_state']) {
    assert.ok(o.cookies[n] && o.cookies[n].value === '' && o.cookies[n].attrs.includes('Max-Age=0'), `${n} cleared`);
  }
  const csp = o.header('content-security-policy');
  assert.match(csp, /frame-ancestors https:\/\/meet\.example\.test$/, 'framed by Jitsi\'s origin only');
  assert.equal(o.header('x-frame-options'), undefined);
  const [, script] = /<script>([\s\S]*?)<\/script>/.exec(o.body);
  assert.ok(csp.includes(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`));
  assert.match(o.body, /<p id="jo" hidden data-to="parent" data-origin="https:\/\/meet\.example\.test" data-type="logout-success"><\/p>/);
});

test('silent logout: a page of another site framing /logout gets the unframeable "Log out?" page and ends nothing; top-level /logout keeps RP-initiated logout', () => {
  for (const env of [{ HTTP_SEC_FETCH_SITE: 'cross-site', HTTP_SEC_FETCH_DEST: 'iframe', HTTP_REFERER: 'https://evil.example/' },
    { HTTP_SEC_FETCH_SITE: 'same-site', HTTP_SEC_FETCH_DEST: 'iframe', HTTP_REFERER: 'https://x.example.test/' },
    { HTTP_SEC_FETCH_DEST: 'iframe', HTTP_REFERER: 'https://evil.example/' }]) {
    const o = runCgi({ config, path: '/logout', cookie: live(), extraEnv: env });
    assertClean(assert, o);
    assert.equal(o.status, 200);
    assert.match(o.body, /<h1>Log out\?<\/h1>/);
    assert.match(o.header('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(o.header('x-frame-options'), 'DENY');
    assert.deepEqual(Object.keys(o.cookies), [], 'nothing cleared');
  }
  const top = runCgi({ config, path: '/logout', cookie: live(), extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin', HTTP_SEC_FETCH_DEST: 'document' } });
  assert.equal(top.status, 302, top.stderr);
  assert.ok(top.location.startsWith(`${idp.issuer}/`), top.location);
  assert.equal(top.cookies.jitsi_oidc_session.value, '');
});

test('after a logout the next login asks the provider to log in again (prompt=login), even with its session alive; the login that completes ends that', async () => {
  // a first login: the real provider now has a session and the consent
  const jar = new Jar();
  const a = runCgi({ config, path: '/authorize', query: 'room=R' });
  const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, 'alice', jar);
  assert.ok(cb.includes('code='));
  // a silent logout, then Jitsi's popup again
  const o = runCgi({ config, path: '/logout', cookie: live(), extraEnv: IFRAME });
  const out = o.cookies.jitsi_oidc_out;
  assert.ok(out && out.value.startsWith('v1.'), 'the logout is remembered, sealed');
  assert.ok(out.attrs.includes('Max-Age=2592000') && out.attrs.includes('Path=/oidc') && out.attrs.includes('HttpOnly'), out.attrs.join('; '));
  const marker = cookieHeader(['jitsi_oidc_out', out.value]);
  const b = runCgi({ config, path: '/authorize', query: popupQuery(), cookie: marker });
  assert.equal(new URL(b.location).searchParams.get('prompt'), 'login');
  // the provider, its session alive, shows its login page all the same
  const first = await fetch(b.location, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(first);
  const page = await fetch(new URL(first.headers.get('location'), b.location), { headers: { cookie: jar.header() } });
  assert.match(await page.text(), /name="prompt" value="login"/, 'the provider asks for the login');
  // without the marker, the same provider session logs straight in
  const c = runCgi({ config, path: '/authorize', query: popupQuery() });
  assert.equal(new URL(c.location).searchParams.get('prompt'), null);
  const straight = await fetch(c.location, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.doesNotMatch(new URL(straight.headers.get('location'), c.location).pathname, /^\/interaction\//, 'no provider page without the marker');
  // the login after the logout completes, and the marker is deleted
  const cb2 = await providerLogin(b.location, `${PUBLIC}/redirect`, 'alice', jar);
  const r = runCgi({ config, path: '/redirect', query: new URL(cb2).search.slice(1),
    cookie: cookieHeader(['jitsi_oidc_state', b.cookies.jitsi_oidc_state.value], ['jitsi_oidc_out', out.value]) });
  assert.equal(r.status, 302, r.stderr);
  assert.ok(r.cookies.jitsi_oidc_out && r.cookies.jitsi_oidc_out.value === '' && r.cookies.jitsi_oidc_out.attrs.includes('Max-Age=0'));
  // the top-level logout remembers it too; a configured prompt is kept
  const top = runCgi({ config, path: '/logout', cookie: live(), extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assert.ok(top.cookies.jitsi_oidc_out.value.startsWith('v1.'));
  for (const [prompt, want] of [['none', 'login'], ['consent', 'login consent'], ['login', 'login']]) {
    const cfg = writeConfig(tempDir(), idp.issuer, { prompt });
    const m = sealTool([SECRETS.cookie, 'out', String(now() + 600), JSON.stringify({ at: now() })]);
    const x = runCgi({ config: cfg, path: '/authorize', query: 'room=R', cookie: cookieHeader(['jitsi_oidc_out', m]) });
    assert.equal(new URL(x.location).searchParams.get('prompt'), want, prompt);
  }
  // a marker that does not open is no marker
  const f = runCgi({ config, path: '/authorize', query: 'room=R', cookie: cookieHeader(['jitsi_oidc_out', 'v1.forged']) });
  assert.equal(new URL(f.location).searchParams.get('prompt'), null);
});

test('--check-config warns when public_url and jitsi_url are not one origin (Jitsi drops the popup\'s messages), and not when they are', () => {
  const run = (over) => spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8', timeout: slow ? 120000 : 30000,
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: writeConfig(tempDir(), idp.issuer, over),
      ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}) } });
  const two = run({ public_url: 'https://auth.example.test/oidc' });
  assert.equal(two.status, 0, two.stderr);
  assert.match(two.stdout, /^warning +public_url \(https:\/\/auth\.example\.test\/oidc\) and jitsi_url \(https:\/\/meet\.example\.test\) are not one origin: .*tokenAuthInline/m);
  const one = run({});
  assert.equal(one.status, 0, one.stderr);
  assert.doesNotMatch(one.stdout + one.stderr, /warning/);
});
