// The authorization request's options (OpenID Connect Core 3.1.2.1):
// acr_values with the returned acr checked, max_age with auth_time
// checked, ui_locales, auth_params (a provider hint: kc_idp_hint,
// domain_hint, hd, ...) and a request's login_hint passed on.  Against the
// real provider (whole logins; it states auth_time when max_age is asked,
// and no acr from its development login), and the scripted provider for
// the acr and auth_time values a real one here does not produce.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider, writeConfig, tempDir, runCgi, assertClean, SECRETS } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { startHostile, scenarioLogin } from './lib/hostile.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';

const rules = { jitsiUrl: 'https://meet.example.test', appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
let idp, h;
before(async () => {
  idp = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  h = await startHostile();
});
after(async () => { await idp.stop(); await h.stop(); });

const authorize = (over, query = 'room=MyRoom') => {
  const config = writeConfig(tempDir(), idp.issuer, over);
  const a = runCgi({ config, path: '/authorize', query });
  assertClean(assert, a);
  return a;
};

test('every option reaches the provider, encoded; none when unset', async () => {
  const a = authorize({ acr_values: 'urn:example:mfa urn:example:hwk', max_age: 600, ui_locales: 'de-CH en',
    auth_params: 'kc_idp_hint=corp-saml domain_hint=example.org hd=example.org' }, 'room=MyRoom&login_hint=Al%C3%AFce%2B1%40example.org');
  assert.equal(a.status, 302, a.stderr);
  const q = new URL(a.location).searchParams;
  assert.equal(q.get('acr_values'), 'urn:example:mfa urn:example:hwk');
  assert.equal(q.get('max_age'), '600');
  assert.equal(q.get('ui_locales'), 'de-CH en');
  assert.equal(q.get('login_hint'), 'Alïce+1@example.org');
  assert.equal(q.get('kc_idp_hint'), 'corp-saml');
  assert.equal(q.get('domain_hint'), 'example.org');
  assert.equal(q.get('hd'), 'example.org');
  const plain = new URL(authorize({}).location).searchParams;
  for (const k of ['acr_values', 'max_age', 'ui_locales', 'login_hint', 'kc_idp_hint']) assert.equal(plain.get(k), null, k);
  // max_age = 0 is sent (a fresh login every time)
  assert.equal(new URL(authorize({ max_age: 0 }).location).searchParams.get('max_age'), '0');
});

test('a bad login_hint is a 400 and one log line; bad option values are configuration errors', () => {
  for (const hint of ['%FF%FE', 'x'.repeat(257), '']) {
    const a = authorize({}, `room=MyRoom&login_hint=${hint}`);
    assert.equal(a.status, 400, `${hint.slice(0, 10)}: ${a.stderr}`);
    assert.equal(a.location, undefined);
    assert.equal(a.stderr.trim().split('\n').length, 1, a.stderr);
  }
  for (const [over, re] of [[{ auth_params: 'client_id=evil' }, /auth_params: client_id: set by the adapter itself/],
    [{ auth_params: 'redirect_uri=https://evil.example/' }, /auth_params: redirect_uri/],
    [{ auth_params: 'hd=a hd=b' }, /auth_params: hd: .*twice/], [{ auth_params: 'kc_idp_hint' }, /auth_params: expected name=value/],
    [{ auth_params: 'x"y=1' }, /auth_params: expected/], [{ acr_values: 'a "b"' }, /acr_values: expected/],
    [{ ui_locales: 'de_CH' }, /ui_locales: expected language tags/], [{ max_age: -1 }, /max_age: expected whole seconds/]]) {
    const a = authorize(over);
    assert.equal(a.status, 500, a.stderr);
    assert.match(a.stderr, re);
  }
});

test('real provider: max_age brings auth_time, checked; hints pass; whole logins', async () => {
  const config = writeConfig(tempDir(), idp.issuer, { max_age: 300, ui_locales: 'en', auth_params: 'kc_idp_hint=corp' });
  const s = await fullLogin({ config, query: 'room=MyRoom&login_hint=alice' });
  assert.equal(s.tokenize.status, 302, s.redirect.stderr);
  await verifyJitsiRedirect(s.tokenize.location, rules);
});

test('max_age bounds single sign-on: a session lasts at most max_age; 0 turns it off', async () => {
  for (const [maxAge, sso] of [[120, true], [0, false]]) {
    const config = writeConfig(tempDir(), idp.issuer, { max_age: maxAge });
    const s = await fullLogin({ config, query: 'room=MyRoom' });
    assert.equal(s.tokenize.status, 302, s.redirect.stderr);
    const ttl = Number(/Max-Age=(\d+)/.exec(s.sessionCookie.attrs)[1]);
    assert.ok(maxAge === 0 ? ttl === 300 : ttl === maxAge, `session Max-Age ${ttl} with max_age ${maxAge}`);
    const again = runCgi({ config, path: '/authorize', query: 'room=Other', cookie: `jitsi_oidc_session=${s.sessionCookie.value}` });
    assertClean(assert, again);
    assert.equal(again.status, 302);
    assert.equal(again.location.endsWith('/oidc/tokenize'), sso, again.location);
  }
});

test('real provider: acr_values asked, no acr confirmed: refused with a page and one log line', async () => {
  const config = writeConfig(tempDir(), idp.issuer, { acr_values: 'urn:example:mfa' });
  const s = await fullLogin({ config, query: 'room=MyRoom' });
  assert.equal(s.redirect.status, 403, s.redirect.stderr);
  assert.equal(s.tokenize, null);
  assert.match(s.redirect.body, /did not confirm the way of logging in/);
  assert.match(s.redirect.stderr, /^jitsi-oidc.*403: access rule: .*acr missing, expected urn:example:mfa/);
});

test('scripted provider: acr one of acr_values; auth_time at most max_age old', async () => {
  const ok = await scenarioLogin(h, 'acr-mfa', { over: { acr_values: 'urn:example:hwk urn:example:mfa', max_age: 60 } });
  assert.equal(ok.redirect.status, 302, ok.redirect.stderr);
  for (const [s, over, re] of [['acr-password', { acr_values: 'urn:example:mfa' }, /acr urn:example:password, expected urn:example:mfa/],
    ['auth-time-old', { max_age: 600 }, /older than this site allows \(600 seconds\)/],
    ['auth-time-future', { max_age: 600 }, /older than this site allows/],
    ['auth-time-string', { max_age: 600 }, /did not say when you logged in/],
    ['ok', { max_age: 600 }, /did not say when you logged in/]]) {
    const { redirect } = await scenarioLogin(h, s, { over });
    assert.equal(redirect.status, 403, `${s}: ${redirect.stderr}`);
    assert.equal(redirect.location, undefined);
    assert.equal(redirect.cookies.jitsi_oidc_session.value, '', s);
    assert.match(redirect.stderr, re, s);
  }
  // userinfo cannot supply what the ID token lacks: checked before it is merged
  const { redirect } = await scenarioLogin(h, 'ok', { over: { acr_values: 'urn:example:mfa', userinfo: 'always' } });
  assert.equal(redirect.status, 403);
});

test('review3: a session from before max_age was set gives no token under it', async () => {
  // the operator turns max_age on (or lowers it): a session sealed without
  // that bound (it lasts session_lifetime, and no auth_time was checked)
  // must not go on single sign-on and /tokenize for the rest of its life
  const dir = tempDir();
  const before = writeConfig(dir, idp.issuer, {});
  const s = await fullLogin({ config: before, query: 'room=MyRoom' });
  assert.equal(s.tokenize.status, 302, s.redirect.stderr);
  const cookie = `jitsi_oidc_session=${s.sessionCookie.value}`;
  for (const maxAge of [60, 0]) {
    const config = writeConfig(tempDir(), idp.issuer, { max_age: maxAge });
    const again = runCgi({ config, path: '/authorize', query: 'room=Other', cookie });
    assertClean(assert, again);
    assert.equal(again.status, 302);
    assert.ok(!again.location.endsWith('/oidc/tokenize'), `max_age ${maxAge}: single sign-on with an older session`);
    const tok = runCgi({ config, path: '/tokenize', cookie });
    assert.equal(tok.status, 401, `max_age ${maxAge}: /tokenize with an older session: ${tok.status}`);
  }
  // a session made under max_age keeps working under the same max_age
  const config = writeConfig(tempDir(), idp.issuer, { max_age: 120 });
  const m = await fullLogin({ config, query: 'room=MyRoom' });
  const tok = runCgi({ config, path: '/tokenize', cookie: `jitsi_oidc_session=${m.sessionCookie.value}` });
  assert.equal(tok.status, 302, tok.stderr);
});

test('review3: auth_params cannot name our parameters in another case', () => {
  // parameter names are case-sensitive in OAuth, but not to every
  // server (ASP.NET's query string, as behind AD FS): Response_Mode or
  // Redirect_URI would be the parameter the adapter sets itself
  for (const [over, re] of [[{ auth_params: 'Response_Mode=fragment' }, /auth_params: Response_Mode: set by the adapter itself/],
    [{ auth_params: 'REDIRECT_URI=https://evil.example/' }, /auth_params: REDIRECT_URI/],
    [{ auth_params: 'hd=a HD=b' }, /auth_params: hd: .*twice/]]) {
    const a = authorize(over);
    assert.equal(a.status, 500, a.stderr);
    assert.match(a.stderr, re);
  }
});

test('review3: with max_age, the session ends max_age after the provider\'s auth_time, not after our login', async () => {
  // the provider logged the user in an hour ago (auth_time), within
  // max_age = 3600 and its 120 s of clock difference: the login passes,
  // but single sign-on must not go on for another hour on top of it
  const { redirect } = await scenarioLogin(h, 'auth-time-old', { over: { max_age: 3600 } });
  assert.equal(redirect.status, 302, redirect.stderr);
  const ttl = Number(/Max-Age=(\d+)/.exec(redirect.cookies.jitsi_oidc_session.attrs)[1]);
  assert.ok(ttl <= 125, `session Max-Age ${ttl}, an hour after an auth_time an hour old`);
  assert.ok(ttl >= 60, `session Max-Age ${ttl}: long enough for /tokenize`);
});
