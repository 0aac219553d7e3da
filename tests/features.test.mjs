// Who logs in, who moderates and what the token says, end to end against the real provider (tests/idp/provider.mjs,
// whose accounts carry groups, nested roles, pictures and unverified
// e-mail): moderators, who may log in, claims, rooms and tenants, single
// sign-on, silent login, logout, RS256 signing for a key server, cookie
// secret rotation, and the hand-back to the mobile and desktop apps.
// Every Jitsi token is checked by the independent verifier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, providerLogin, Jar,
  SECRETS, cgiPath } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect, tokenFromUrl } from './lib/jitsi-verify.mjs';
import { startHostile } from './lib/hostile.mjs';
// what a browser sends for a link on the Jitsi page itself
const SAME_ORIGIN = { HTTP_SEC_FETCH_SITE: 'same-origin' };

const JITSI = 'https://meet.example.test';
const rules = { jitsiUrl: JITSI, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
let idp, thin, liar, hostile;

before(async () => {
  const common = { redirectUri: `${PUBLIC}/redirect`, env: { POST_LOGOUT_REDIRECT_URI: `${JITSI}/` } };
  idp = await startProvider(common);
  thin = await startProvider({ ...common, env: { ...common.env, USERINFO_ONLY: '1' } });
  liar = await startProvider({ ...common, env: { ...common.env, USERINFO_ONLY: '1', USERINFO_SUB: 'mallory' } });
  hostile = await startHostile();
});
after(async () => { for (const p of [idp, thin, liar]) await p.stop(); await hostile.stop(); });

// A whole login for `login` with these config keys; returns the token's
// payload (null when no token) and every step.
async function login(over, who, query = 'room=MyRoom', provider = idp, verify = {}) {
  const config = writeConfig(tempDir(), provider.issuer, over);
  const steps = await fullLogin({ config, query, login: who });
  let payload = null;
  if (steps.tokenize && steps.tokenize.status === 302) {
    ({ payload } = await verifyJitsiRedirect(steps.tokenize.location, { ...rules, ...verify }));
  }
  return { ...steps, payload, config };
}

// --- 1. Moderators -----------------------------------------------------------
test('moderator = all (default): everyone who logs in is owner and moderator', async () => {
  const { payload } = await login({}, 'bob');
  assert.equal(payload.context.user.affiliation, 'owner');
  assert.equal(payload.context.user.moderator, true);
});

test('moderator = claim on groups: alice (jitsi-admins) is owner, bob (staff) member', async () => {
  const over = { moderator: 'claim', moderator_claim: 'groups', moderator_values: 'jitsi-admins, moderators' };
  const a = await login(over, 'alice');
  assert.deepEqual([a.payload.context.user.affiliation, a.payload.context.user.moderator], ['owner', true]);
  const b = await login(over, 'bob');
  assert.deepEqual([b.payload.context.user.affiliation, b.payload.context.user.moderator], ['member', false]);
});

test('moderator_claim on a nested claim (realm_access.roles, as Keycloak sends it)', async () => {
  const over = { moderator_claim: 'realm_access.roles', moderator_values: 'moderator' };
  assert.equal((await login(over, 'alice')).payload.context.user.affiliation, 'owner');
  assert.equal((await login(over, 'bob')).payload.context.user.affiliation, 'member');
});

test('moderator = none: nobody is owner', async () => {
  const { payload } = await login({ moderator: 'none' }, 'alice');
  assert.deepEqual([payload.context.user.affiliation, payload.context.user.moderator], ['member', false]);
});

// --- 2. Who may log in -----------------------------------------------------------
function assertRefused(steps, reason) {
  const r = steps.redirect;
  assert.equal(r.status, 403, r.stderr);
  assert.equal(steps.tokenize, null, 'no token');
  assert.match(r.body, new RegExp(reason));
  assert.match(r.body, /href="https:\/\/meet\.example\.test\/MyRoom\?oidc=unauthorized"/);
  assert.equal(r.cookies.jitsi_oidc_session.value, '', 'no session: an old one is deleted');
  assert.match(r.stderr, /^jitsi-oidc: redirect: 403: access rule: /);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one log line');
  assert.doesNotMatch(r.raw, /jwt=/);
}

test('allowed_email_domains: example.test may join, other.test gets a 403 that says why', async () => {
  const over = { allowed_email_domains: 'Example.TEST, example.org' };
  assert.equal((await login(over, 'alice')).payload.context.user.email, 'alice@example.test');
  const c = await login(over, 'carol');
  assertRefused(c, 'e-mail addresses at other\\.test may not join meetings here');
  assert.doesNotMatch(c.redirect.body, /http-equiv="refresh"/, 'no guests: the user is not sent on');
});

test('allowed_groups: staff may join, carol (guests) may not', async () => {
  const over = { allowed_groups: 'staff' };
  assert.ok((await login(over, 'bob')).payload);
  assertRefused(await login(over, 'carol'), 'not in a group that may join');
});

test('require_email_verified: dave (unverified) is refused; with guests = yes he goes on as a guest', async () => {
  assert.ok((await login({ require_email_verified: 'yes' }, 'alice')).payload);
  const d = await login({ require_email_verified: 'yes', guests: 'yes' }, 'dave');
  assertRefused(d, 'e-mail address is not verified');
  assert.match(d.redirect.body, /<meta http-equiv="refresh" content="5;url=https:\/\/meet\.example\.test\/MyRoom\?oidc=unauthorized">/);
  assert.match(d.redirect.body, /Join as a guest/);
});

// --- 3. Claims -------------------------------------------------------------------------------
test('display name: name, then preferred_username, then given + family name; name_claim overrides', async () => {
  assert.equal((await login({}, 'alice')).payload.context.user.name, 'User alice');
  assert.equal((await login({}, 'noname')).payload.context.user.name, 'noname');
  assert.equal((await login({}, 'gina')).payload.context.user.name, 'Gina Given');
  assert.equal((await login({ name_claim: 'given_name' }, 'alice')).payload.context.user.name, 'Alice');
  assert.equal((await login({ name_claim: 'given_name' }, 'bob')).payload.context.user.name, 'User bob', 'falls back to the chain');
});

test('avatar: the provider\'s picture, Gravatar when there is none; gravatar and none on request', async () => {
  const gravatar = (e) => `https://www.gravatar.com/avatar/${createHash('sha256').update(e).digest('hex')}?d=identicon`;
  assert.equal((await login({}, 'alice')).payload.context.user.avatar, 'https://pics.example.test/alice.png');
  assert.equal((await login({}, 'bob')).payload.context.user.avatar, gravatar('bob@example.test'));
  assert.equal((await login({ avatar: 'gravatar' }, 'alice')).payload.context.user.avatar, gravatar('alice@example.test'));
  assert.equal('avatar' in (await login({ avatar: 'none' }, 'alice')).payload.context.user, false);
});

test('email_claim and context.group from a claim; no null anywhere in the token', async () => {
  const { payload } = await login({ group_claim: 'groups', email_claim: 'email' }, 'alice');
  assert.equal(payload.context.group, 'jitsi-admins');
  assert.equal(payload.context.user.email, 'alice@example.test');
  const none = await login({ group_claim: 'no_such_claim', userinfo: 'never' }, 'alice');
  assert.equal('group' in none.payload.context, false, 'absent claim: no context.group, never null');
});

test('userinfo: an ID token with sub alone is completed from userinfo (one call)', async () => {
  await thin.sync();
  const before = thin.requests().filter((l) => l.includes('/me')).length;
  const { payload } = await login({ group_claim: 'groups' }, 'alice', 'room=MyRoom', thin);
  await thin.sync();
  assert.equal(thin.requests().filter((l) => l.includes('/me')).length - before, 1);
  assert.equal(payload.context.user.name, 'User alice');
  assert.equal(payload.context.user.email, 'alice@example.test');
  assert.equal(payload.context.group, 'jitsi-admins');
  // userinfo = never: the token has what the ID token has, the sub
  const n = await login({ userinfo: 'never' }, 'alice', 'room=MyRoom', thin);
  assert.equal(n.payload.context.user.id, 'alice');
  assert.equal('name' in n.payload.context.user, false);
});

test('userinfo whose sub is not the ID token\'s: refused with 502 (checklist 17)', async () => {
  const s = await login({}, 'alice', 'room=MyRoom', liar);
  assert.equal(s.redirect.status, 502);
  assert.equal(s.tokenize, null);
  assert.match(s.redirect.stderr, /userinfo sub is not the ID token's/);
});

// --- 4. Rooms and tenants ------------------------------------------------------------------------
test('non-ASCII rooms: Café Room and åäö get the NFKC lowercase room claim and their own URL', async () => {
  const c = await login({}, 'alice', `room=${encodeURIComponent('Café Room')}`);
  assert.equal(c.payload.room, 'caf%c3%a9%20room');
  assert.equal(new URL(c.tokenize.location).pathname, '/Caf%C3%A9%20Room');
  const a = await login({}, 'alice', `room=${encodeURIComponent('ÅÄÖ')}`);
  assert.equal(a.payload.room, '%c3%a5%c3%a4%c3%b6');
  // a decomposed "é" (e + U+0301) is the same room for Jitsi
  const d = await login({}, 'alice', `room=${encodeURIComponent('Cafe\u0301 Room')}`);
  assert.equal(d.payload.room, 'caf%c3%a9%20room');
});

test('tenant URLs: /acme/room with sub = tenant; room_claim = * for every room', async () => {
  const state = { room: 'Weekly', roomSafe: 'weekly', tenant: 'acme' };
  const t = await login({}, 'alice', `state=${encodeURIComponent(JSON.stringify(state))}`);
  assert.equal(new URL(t.tokenize.location).pathname, '/acme/Weekly');
  assert.equal(t.payload.sub, 'acme');
  assert.equal(t.payload.room, 'weekly');
  const star = await login({ room_claim: '*' }, 'alice');
  assert.equal(star.payload.room, '*');
});

// --- 5. Single sign-on, silent login ---------------------------------------------------------------
test('single sign-on: a live session goes from /authorize straight to /tokenize for the new room, no provider call', async () => {
  const first = await login({}, 'alice');
  await idp.sync();
  const n0 = idp.requests().length;
  const a = runCgi({ config: first.config, path: '/authorize', query: 'room=Other', cookie: cookieHeader(['jitsi_oidc_session', first.sessionCookie.value]) });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  assert.equal(a.location, `${PUBLIC}/tokenize`);
  const sess = a.cookies.jitsi_oidc_session;
  assert.ok(sess && sess.value);
  const maxAge = Number(sess.attrs.find((x) => x.startsWith('Max-Age=')).slice(8));
  assert.ok(maxAge <= 8 * 3600 && maxAge > 8 * 3600 - 60, `session keeps its expiry (${maxAge})`);
  const t = runCgi({ config: first.config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', sess.value]) });
  const { payload } = await verifyJitsiRedirect(t.location, rules);
  assert.equal(payload.room, 'other');
  assert.equal(payload.context.user.id, 'alice');
  await idp.sync();
  assert.equal(idp.requests().length, n0, 'the provider was not asked');
});

test('no single sign-on for a login the Jitsi apps start, with prompt = login, or under another configuration: the provider is asked', async () => {
  const first = await login({}, 'alice');
  const cookie = cookieHeader(['jitsi_oidc_session', first.sessionCookie.value]);
  const state = encodeURIComponent(JSON.stringify({ room: 'Daily', android: true }));
  const app = runCgi({ config: first.config, path: '/authorize', query: `state=${state}`, cookie });
  assert.ok(app.location.startsWith(`${idp.issuer}/auth?`), `the app's login goes to the provider: ${app.location}`);
  // the same cookie secret, but prompt = login: the user wants to be asked
  const forced = writeConfig(tempDir(), idp.issuer, { prompt: 'login' });
  const f = runCgi({ config: forced, path: '/authorize', query: 'room=Other', cookie });
  assert.ok(f.location.startsWith(`${idp.issuer}/auth?`), f.location);
  assert.equal(new URL(f.location).searchParams.get('prompt'), 'login');
  // the same cookie secret, another rule: the session is not good here
  const stricter = writeConfig(tempDir(), idp.issuer, { allowed_groups: 'jitsi-admins' });
  const g = runCgi({ config: stricter, path: '/authorize', query: 'room=Other', cookie });
  assert.ok(g.location.startsWith(`${idp.issuer}/auth?`), g.location);
  const t = runCgi({ config: stricter, path: '/tokenize', cookie });
  assert.equal(t.status, 401);
});

test('session_lifetime = 0: no single sign-on, /authorize always asks the provider', async () => {
  const first = await login({ session_lifetime: 0 }, 'alice');
  assert.ok(first.payload);
  const maxAge = first.sessionCookie.attrs.find((x) => x.startsWith('Max-Age='));
  assert.equal(maxAge, 'Max-Age=300', 'the session only carries the user to /tokenize');
  const a = runCgi({ config: first.config, path: '/authorize', query: 'room=Other', cookie: cookieHeader(['jitsi_oidc_session', first.sessionCookie.value]) });
  assert.equal(a.status, 302);
  assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), a.location);
});

test('prompt = none: silent login with a provider session; without one, back to the room with ?oidc=failed', async () => {
  const config = writeConfig(tempDir(), idp.issuer, { prompt: 'none' });
  // a provider session in this jar, from an ordinary login first
  const jar = new Jar();
  const plain = writeConfig(tempDir(), idp.issuer);
  const a0 = runCgi({ config: plain, path: '/authorize', query: 'room=MyRoom' });
  await providerLogin(a0.location, `${PUBLIC}/redirect`, 'alice', jar);
  // silent: the provider answers at once, no login page
  const a = runCgi({ config, path: '/authorize', query: 'room=MyRoom' });
  assert.equal(new URL(a.location).searchParams.get('prompt'), 'none');
  const r1 = await fetch(a.location, { redirect: 'manual', headers: { cookie: jar.header() } });
  const cb = r1.headers.get('location');
  assert.ok(cb.startsWith(`${PUBLIC}/redirect?`), `no interaction: ${cb}`);
  const r = runCgi({ config, path: '/redirect', query: new URL(cb).search.slice(1), cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
  assert.equal(r.status, 302, r.stderr);
  // no provider session: login_required, and the user goes back without a loop
  const b = runCgi({ config, path: '/authorize', query: 'room=MyRoom' });
  const r2 = await fetch(b.location, { redirect: 'manual' });
  const cb2 = new URL(r2.headers.get('location'));
  assert.equal(cb2.searchParams.get('error'), 'login_required');
  const back = runCgi({ config, path: '/redirect', query: cb2.search.slice(1), cookie: cookieHeader(['jitsi_oidc_state', b.cookies.jitsi_oidc_state.value]) });
  assertClean(assert, back);
  assert.equal(back.status, 302);
  assert.equal(back.location, `${JITSI}/MyRoom?oidc=failed`);
  assert.match(back.stderr, /prompt=none and the provider answered error=login_required/);
});

// --- 6. Logout --------------------------------------------------------------------------------------
test('logout: cookies cleared, the provider\'s end_session_endpoint with id_token_hint, then post_logout_redirect_uri', async () => {
  const first = await login({}, 'alice');
  const logoutCookie = first.redirect.cookies.jitsi_oidc_logout;
  assert.ok(logoutCookie.attrs.includes('Path=/oidc/logout'), 'sent to /logout only');
  const o = runCgi({ config: first.config, path: '/logout', cookie: cookieHeader(['jitsi_oidc_session', first.sessionCookie.value], ['jitsi_oidc_logout', logoutCookie.value]), extraEnv: SAME_ORIGIN });
  assertClean(assert, o);
  assert.equal(o.status, 302);
  for (const c of ['jitsi_oidc_state', 'jitsi_oidc_session', 'jitsi_oidc_logout']) {
    assert.equal(o.cookies[c].value, '', `${c} cleared`);
    assert.ok(o.cookies[c].attrs.includes('Max-Age=0'));
  }
  const u = new URL(o.location);
  assert.equal(u.origin + u.pathname, `${idp.issuer}/session/end`);
  // the default: jitsi_url with its slash, as providers register it
  assert.equal(u.searchParams.get('post_logout_redirect_uri'), `${JITSI}/`);
  assert.equal(u.searchParams.get('client_id'), 'jitsi');
  assert.match(u.searchParams.get('id_token_hint'), /^eyJ/);
  // The provider accepts the hint, asks to confirm, and sends the user on.
  const r = await fetch(o.location, { redirect: 'manual' });
  const html = await r.text();
  assert.equal(r.status, 200, html.slice(0, 200));
  const action = html.match(/action="([^"]+)"/)[1];
  const xsrf = html.match(/name="xsrf" value="([^"]+)"/)[1];
  const jar = new Jar(); jar.take(r);
  const done = await fetch(new URL(action, idp.issuer), { method: 'POST', redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }) });
  assert.equal(done.status, 303);
  assert.equal(new URL(done.headers.get('location')).href, `${JITSI}/`);
  // after logout, /tokenize has no session
  const t = runCgi({ config: first.config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', o.cookies.jitsi_oidc_session.value]) });
  assert.equal(t.status, 401);
});

test('logout at a provider without end_session_endpoint: cookies cleared, straight to post_logout_redirect_uri', async () => {
  const config = writeConfig(tempDir(), `${hostile.base}/s/ok`, { post_logout_redirect_uri: `${JITSI}/goodbye` });
  const o = runCgi({ config, path: '/logout', extraEnv: SAME_ORIGIN });
  assertClean(assert, o);
  assert.equal(o.status, 302);
  assert.equal(o.location, `${JITSI}/goodbye`);
  assert.equal(o.cookies.jitsi_oidc_session.value, '');
});

// --- 7. Signing choices ------------------------------------------------------------------------------
test('jitsi_signing = RS256: a token with kid that verifies with the key served as <sha256hex(kid)>.pem', async () => {
  const dir = tempDir();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(dir, 'jitsi-private.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const kid = 'jitsi/2026-11';
  const over = { jitsi_signing: 'RS256', jitsi_private_key_file: keyFile, jitsi_kid: kid, jitsi_app_secret: undefined };
  // the file name the key server must serve, from the adapter itself
  const config = writeConfig(dir, idp.issuer, over);
  const name = spawnSync(cgiPath, ['--asap-key-name'], { env: { JITSI_OIDC_CONFIG: config }, encoding: 'utf8' });
  assert.equal(name.status, 0, name.stderr);
  assert.equal(name.stdout.trim(), `${createHash('sha256').update(kid).digest('hex')}.pem`);
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const ks = createServer((req, res) => {
    if (req.url === `/${name.stdout.trim()}`) { res.end(pem); return; }
    res.statusCode = 404; res.end();
  });
  await new Promise((r) => ks.listen(0, '127.0.0.1', r));
  try {
    const s = await login(over, 'alice', 'room=MyRoom', idp, { keyServer: `http://127.0.0.1:${ks.address().port}` });
    assert.equal(s.payload.context.user.id, 'alice');
    const hdr = JSON.parse(Buffer.from(tokenFromUrl(s.tokenize.location).token.split('.')[0], 'base64url'));
    assert.deepEqual([hdr.alg, hdr.typ, hdr.kid], ['RS256', 'JWT', kid]);
  } finally { ks.close(); }
});

test('cookie_secret_old: a session sealed before a secret rotation still opens; without it, 401', async () => {
  const first = await login({}, 'alice');
  const cookie = cookieHeader(['jitsi_oidc_session', first.sessionCookie.value]);
  const rotated = writeConfig(tempDir(), idp.issuer, { cookie_secret: 'a-new-cookie-secret-0123456789abcdefghij', cookie_secret_old: SECRETS.cookie });
  const t = runCgi({ config: rotated, path: '/tokenize', cookie });
  assert.equal(t.status, 302, t.stderr);
  assert.equal((await verifyJitsiRedirect(t.location, rules)).payload.context.user.id, 'alice');
  const gone = writeConfig(tempDir(), idp.issuer, { cookie_secret: 'a-new-cookie-secret-0123456789abcdefghij' });
  const u = runCgi({ config: gone, path: '/tokenize', cookie });
  assert.equal(u.status, 401);
  assert.match(u.stderr, /401: jitsi_oidc_session cookie: sealed value failed authentication/);
});

// --- 8. Mobile and desktop apps -------------------------------------------------------------------------
// The hand-back is a tap, never a refresh (a link and a
// provider that answers silently would push a token into whatever app
// claims the scheme); Android gets an intent only the real app receives.
for (const [flag, scheme] of [['ios', 'org.jitsi.meet'], ['android', 'org.jitsi.meet'], ['electron', 'jitsi-meet']]) {
  test(`Jitsi state with ${flag}: the token goes back through ${flag === 'android' ? 'an intent for ' : ''}${scheme}:// when the user taps, with a plain HTML fallback`, async () => {
    const state = { room: 'Daily', roomSafe: 'daily', [flag]: true, 'config.startWithAudioMuted': true };
    const s = await login({}, 'alice', `state=${encodeURIComponent(JSON.stringify(state))}`);
    const t = s.tokenize;
    assert.equal(t.status, 200, t.stderr);
    assert.equal(t.header('status'), '200 OK');
    assert.equal(t.header('content-type'), 'text/html; charset=utf-8');
    assert.doesNotMatch(t.body, /http-equiv="refresh"/i, 'nothing happens by itself');
    assert.doesNotMatch(t.body, /<script/i);
    const web = [...t.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    const deep = web[0];
    if (flag === 'android') {
      assert.match(deep, /^intent:\/\/meet\.example\.test\/Daily\?jwt=[A-Za-z0-9_.-]+#Intent;scheme=org\.jitsi\.meet;package=org\.jitsi\.meet;end$/);
    } else {
      assert.match(deep, new RegExp(`^${scheme.replace(/\./g, '\\.')}://meet\\.example\\.test/Daily\\?jwt=[^#]+#config\\.startWithAudioMuted=true$`));
    }
    const https = web.find((u) => u.startsWith(`${JITSI}/Daily?oidc=ok#`));
    assert.ok(https, 'a link to go on in the browser');
    const { payload } = await verifyJitsiRedirect(https, rules);
    assert.equal(payload.room, 'daily');
    const jwt = (u) => new URL(u.replace(/^[^:]+:/, 'https:').replace(/#Intent;.*$/, '')).searchParams.get('jwt');
    assert.equal(jwt(deep), tokenFromUrl(https).token, 'the app gets ?jwt= (its URL reaches no web server), the browser #jwt=');
  });
}

test('app_scheme_mobile and app_package_android are configurable (a rebranded app)', async () => {
  const state = { room: 'Daily', ios: true };
  const s = await login({ app_scheme_mobile: 'com.example.meet' }, 'alice', `state=${encodeURIComponent(JSON.stringify(state))}`);
  assert.match(s.tokenize.body, /href="com\.example\.meet:\/\/meet\.example\.test\/Daily\?jwt=/);
  const a = await login({ app_package_android: 'com.example.meet' }, 'alice', `state=${encodeURIComponent(JSON.stringify({ room: 'Daily', android: true }))}`);
  assert.match(a.tokenize.body, /href="intent:\/\/meet\.example\.test\/Daily\?jwt=[^"]+#Intent;scheme=org\.jitsi\.meet;package=com\.example\.meet;end"/);
});

// A userinfo key spelled like a dotted path never
// shadows the claim the ID token has at that path.
test('userinfo: a literal "realm_access.roles" key cannot override the ID token\'s realm_access.roles (moderator, allowed_groups)', async () => {
  const spoof = await startProvider({ redirectUri: `${PUBLIC}/redirect`,
    env: { POST_LOGOUT_REDIRECT_URI: JITSI, USERINFO_EXTRA: JSON.stringify({ 'realm_access.roles': ['jitsi-admins'] }) } });
  try {
    // alice's ID token: realm_access: { roles: ['moderator'] }
    const m = await login({ userinfo: 'always', moderator_claim: 'realm_access.roles', moderator_values: 'jitsi-admins' }, 'alice', 'room=MyRoom', spoof);
    assert.ok(m.payload, m.redirect && m.redirect.stderr);
    assert.deepEqual([m.payload.context.user.affiliation, m.payload.context.user.moderator], ['member', false]);
    const g = await login({ userinfo: 'always', groups_claim: 'realm_access.roles', allowed_groups: 'jitsi-admins' }, 'alice', 'room=MyRoom', spoof);
    assertRefused(g, 'not in a group that may join');
    // the ID token's own value still counts
    const ok = await login({ userinfo: 'always', moderator_claim: 'realm_access.roles', moderator_values: 'moderator' }, 'alice', 'room=MyRoom', spoof);
    assert.equal(ok.payload.context.user.moderator, true);
  } finally { await spoof.stop(); }
});
