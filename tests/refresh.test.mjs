// Refresh tokens: a remembered login re-checked with the provider before
// single sign-on uses it.  Against the real provider (tests/idp/provider.mjs
// with REFRESH=1: refresh tokens issued and rotated, revocation on; its
// accounts changed at run time through ACCOUNTS_FILE) and, for what no
// real provider here answers, the scripted one (tests/idp/hostile.mjs).
// session_recheck is not part of the configuration's fingerprint, so the
// same session opens under a configuration with session_recheck = 0: the
// "later" of every test, without waiting five minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { sanitized, sealTool, startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, providerLogin, Jar, SECRETS } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { fetchCounts } from './lib/walk.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { startHostile, ageJwksCache } from './lib/hostile.mjs';

const JITSI = 'https://meet.example.test';
const rules = { jitsiUrl: JITSI, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
const MODS = { moderator: 'claim', moderator_claim: 'groups', moderator_values: 'jitsi-admins' };
let idp, hostile, accounts;

before(async () => {
  accounts = join(tempDir('jo-accounts'), 'accounts.json');
  writeFileSync(accounts, '{}');
  idp = await startProvider({ redirectUri: `${PUBLIC}/redirect`,
    env: { REFRESH: '1', ACCOUNTS_FILE: accounts, POST_LOGOUT_REDIRECT_URI: `${JITSI}/` } });
  hostile = await startHostile();
});
after(async () => { await idp.stop(); await hostile.stop(); });

// Two configurations that differ in session_recheck alone: the default
// (300 s), and 0 (every use re-checked).
function configs(issuer, over = {}) {
  const dir = tempDir();
  return { now: writeConfig(dir, issuer, over),
    later: writeConfig(tempDir(), issuer, { ...over, session_recheck: 0, cache_dir: join(dir, 'cache') }) };
}

const cookiesOf = (...res) => {
  const jar = {};
  for (const r of res) for (const [k, v] of Object.entries(r.cookies)) if (v.value) jar[k] = v.value; else delete jar[k];
  return jar;
};
const header = (jar, names) => cookieHeader(...names.filter((n) => jar[n]).map((n) => [n, jar[n]]));
const SSO = ['jitsi_oidc_session', 'jitsi_oidc_refresh'];

// /authorize for another room with the browser's cookies for that path,
// then /tokenize when it went there; the token verified.
async function sso(config, jar, room, extraEnv = {}) {
  const a = runCgi({ config, path: '/authorize', query: `room=${room}`, cookie: header(jar, SSO), extraEnv });
  assertClean(assert, a);
  let payload = null;
  if (a.status === 302 && a.location === `${PUBLIC}/tokenize`) {
    const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', a.cookies.jitsi_oidc_session.value]) });
    assertClean(assert, t);
    ({ payload } = await verifyJitsiRedirect(t.location, rules));
  }
  return { a, payload, jar: cookiesOf({ cookies: Object.fromEntries(Object.entries(jar).map(([k, v]) => [k, { value: v }])) }, a) };
}

async function loginAt(config, who) {
  const l = await fullLogin({ config, query: 'room=First', login: who });
  assert.equal(l.tokenize.status, 302, l.redirect.stderr);
  const { payload } = await verifyJitsiRedirect(l.tokenize.location, rules);
  return { l, payload, jar: cookiesOf(l.redirect) };
}

const tokenCalls = async () => { await idp.sync(); return fetchCounts(idp.requests()).token; };

test('refresh: the login keeps the refresh token, sealed, for /authorize and /logout only; a second room within session_recheck asks the provider nothing', async () => {
  const c = configs(idp.issuer);
  const { l, jar } = await loginAt(c.now, 'alice');
  const rt = l.redirect.cookies.jitsi_oidc_refresh;
  assert.ok(rt && rt.value, `refresh cookie set: ${l.redirect.stderr}`);
  assert.ok(rt.attrs.includes('Path=/oidc/authorize'), rt.attrs.join('; '));
  assert.ok(rt.attrs.includes('HttpOnly') && rt.attrs.includes('Secure'));
  assert.ok(l.redirect.cookies.jitsi_oidc_logout.attrs.includes('Path=/oidc/logout'));
  assert.ok(!l.redirect.cookies.jitsi_oidc_session.value.includes(rt.value));
  const n0 = await tokenCalls();
  const s = await sso(c.now, jar, 'Second');
  assert.equal(s.payload.room, 'second');
  assert.equal(s.a.cookies.jitsi_oidc_refresh, undefined, 'nothing re-sealed');
  assert.equal(await tokenCalls(), n0, 'no provider call');
  assert.equal(s.a.stderr, '');
});

test('refresh: after session_recheck, one refresh call; the fresh claims take effect (removed from the moderators\' group: moderator lost), the token is rotated', async () => {
  const c = configs(idp.issuer, MODS);
  const { payload, jar } = await loginAt(c.now, 'alice');
  assert.equal(payload.context.user.moderator, true);
  writeFileSync(accounts, JSON.stringify({ alice: { groups: ['staff'], name: 'Alice Demoted' } }));
  try {
    const n0 = await tokenCalls();
    const s = await sso(c.later, jar, 'Second');
    assert.equal(await tokenCalls(), n0 + 1, 'one refresh at the token endpoint');
    assert.ok(s.payload, `${s.a.status} ${s.a.stderr}`);
    assert.equal(s.payload.room, 'second');
    assert.equal(s.payload.context.user.moderator, false);
    assert.equal(s.payload.context.user.name, 'Alice Demoted');
    assert.equal(s.a.stderr, '');
    const rt = s.a.cookies.jitsi_oidc_refresh;
    assert.ok(rt && rt.value && rt.value !== jar.jitsi_oidc_refresh, 'rotated and re-sealed');
    assert.ok(s.a.cookies.jitsi_oidc_logout && s.a.cookies.jitsi_oidc_logout.value, 'the logout copy follows');
    // the session now says it was checked: within session_recheck again, no call
    const n1 = await tokenCalls();
    const s2 = await sso(c.now, s.jar, 'Third');
    assert.equal(s2.payload.context.user.moderator, false);
    assert.equal(await tokenCalls(), n1);
    // the old refresh token was rotated away: the provider refuses it
    const old = await sso(c.later, jar, 'Fourth');
    assert.equal(old.a.status, 302);
    assert.ok(old.a.location.startsWith(`${idp.issuer}/`), 'to the provider');
  } finally { writeFileSync(accounts, '{}'); }
});

test('refresh: the account disabled at the provider (invalid_grant): the remembered login ends, the next room goes to the provider, one log line', async () => {
  const c = configs(idp.issuer);
  const { jar } = await loginAt(c.now, 'bob');
  writeFileSync(accounts, JSON.stringify({ bob: { disabled: true } }));
  try {
    const s = await sso(c.later, jar, 'Second');
    assert.equal(s.a.status, 302);
    assert.ok(s.a.location.startsWith(`${idp.issuer}/auth?`), s.a.location);
    assert.ok(s.a.cookies.jitsi_oidc_state, 'a new login started');
    for (const n of SSO) {
      assert.ok(s.a.cookies[n] && s.a.cookies[n].value === '' && s.a.cookies[n].attrs.includes('Max-Age=0'), `${n} deleted`);
    }
    const lines = s.a.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, s.a.stderr);
    assert.match(lines[0], /remembered login of bob ended: .*invalid_grant/);
    assert.ok(!s.a.stderr.includes(jar.jitsi_oidc_refresh));
  } finally { writeFileSync(accounts, '{}'); }
});

test('hardening 23.3: HEAD /authorize with a re-check due reads no cookie: answered as a first visit, it redeems, rotates and revokes nothing', async () => {
  const c = configs(idp.issuer);
  const { jar } = await loginAt(c.now, 'alice');
  const n0 = await tokenCalls();
  const h = runCgi({ config: c.later, method: 'HEAD', path: '/authorize', query: 'room=Second', cookie: header(jar, SSO) });
  assertClean(assert, h);
  assert.equal(h.status, 302);
  assert.ok(h.location.startsWith(`${idp.issuer}/auth?`), `a first visit's answer: ${h.location}`);
  assert.equal(h.body, '');
  assert.equal(h.stderr, '');
  assert.equal(await tokenCalls(), n0, 'the refresh token was not redeemed');
  // so the next real visit still has a good one
  const s = await sso(c.later, jar, 'Second');
  assert.equal(s.payload.room, 'second', `${s.a.status} ${s.a.stderr}`);
  assert.equal(await tokenCalls(), n0 + 1);
});

// The same session cookie, as if `ago` seconds had passed since the
// provider last vouched for it (its "ck"), sealed again with its expiry.
function checkedAgo(value, ago) {
  const s = JSON.parse(sealTool(['-o', SECRETS.cookie, 'session', value]));
  const exp = Number(Buffer.from(value.slice(3), 'base64url').readBigUInt64BE(1));
  s.ck = Math.floor(Date.now() / 1000) - ago;
  return sealTool([SECRETS.cookie, 'session', String(exp), JSON.stringify(s)]);
}

test('hardening 23.1: a copy of a session the provider refused yields no token from /tokenize after session_recheck + 300 s; it goes through /authorize, where the re-check ends it', async () => {
  const c = configs(idp.issuer);
  const { jar } = await loginAt(c.now, 'bob');
  writeFileSync(accounts, JSON.stringify({ bob: { disabled: true } }));
  try {
    // the provider refuses; /authorize deletes the cookies -- a request
    // to the browser, which a user with devtools or curl ignores
    const s = await sso(c.later, jar, 'Second');
    assert.match(s.a.stderr, /remembered login of bob ended: .*invalid_grant/);
    // within session_recheck + 300 s of the last check, the kept copy
    // still yields tokens (the bound is time; see docs/routes.md)
    const fresh = runCgi({ config: c.now, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', jar.jitsi_oidc_session]) });
    assert.equal(fresh.status, 302);
    assert.match(fresh.location, /jwt=/);
    // after it, none, under the default session_recheck (300) and under 0
    for (const [config, ago] of [[c.now, 300 + 300 + 5], [c.later, 300 + 5]]) {
      const old = checkedAgo(jar.jitsi_oidc_session, ago);
      const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', old]) });
      assertClean(assert, t);
      assert.equal(t.status, 302, t.stderr);
      assert.doesNotMatch(t.raw, /jwt=|eyJ/);
      const u = new URL(t.location);
      assert.equal(`${u.origin}${u.pathname}`, `${PUBLIC}/authorize`);
      assert.equal(JSON.parse(u.searchParams.get('state')).room, 'First');
      const lines = t.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, t.stderr);
      assert.match(lines[0], /session of bob last checked with the provider \d+ s ago \(session_recheck (300|0)\): sent through \/authorize/);
      // where the re-check with the kept refresh token ends it
      const a = runCgi({ config, path: '/authorize', query: u.search.slice(1),
        cookie: cookieHeader(['jitsi_oidc_session', old], ['jitsi_oidc_refresh', jar.jitsi_oidc_refresh]) });
      assert.equal(a.status, 302);
      assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), a.location);
      assert.match(a.stderr, /remembered login of bob ended: .*invalid_grant/);
    }
  } finally { writeFileSync(accounts, '{}'); }
  // session_recheck = 0 still lets a fresh login through to its token
  await loginAt(c.later, 'alice');
});

test('hardening 23.1: servers that disagree (clocks beyond 300 s, or session_recheck) answer a clear 500, never a loop between /tokenize and /authorize', async () => {
  const c = configs(idp.issuer);
  const lax = writeConfig(tempDir(), idp.issuer, { session_recheck: 3600, cache_dir: join(dirname(c.now), 'cache') });
  const { jar } = await loginAt(c.now, 'alice');
  const old = checkedAgo(jar.jitsi_oidc_session, 700);
  const t = runCgi({ config: c.now, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', old]) });
  assert.equal(t.status, 302, t.stderr);
  const u = new URL(t.location);
  assert.equal(u.searchParams.get('recheck'), '1');
  // the other server: by its settings the session needs no check yet
  const a = runCgi({ config: lax, path: '/authorize', query: u.search.slice(1),
    cookie: cookieHeader(['jitsi_oidc_session', old], ['jitsi_oidc_refresh', jar.jitsi_oidc_refresh]) });
  assertClean(assert, a);
  assert.equal(a.status, 500, a.stderr);
  assert.equal(a.location, undefined);
  const lines = a.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, a.stderr);
  assert.match(lines[0], /500: session of alice sent back by \/tokenize, but checked 70\d s ago by this server's clock \(session_recheck 3600\): the servers' clocks differ by more than 300 s/);
  // a room link (no mark) on that server is single sign-on as before
  const s = await sso(lax, { jitsi_oidc_session: old }, 'Second');
  assert.equal(s.a.status, 302);
});

test('refresh: a user an access rule now refuses (left the allowed group): the 403 page at the next room, the session and the refresh token deleted', async () => {
  const c = configs(idp.issuer, { allowed_groups: 'staff' });
  const { jar } = await loginAt(c.now, 'bob');
  writeFileSync(accounts, JSON.stringify({ bob: { groups: ['former-staff'] } }));
  try {
    const s = await sso(c.later, jar, 'Second');
    assert.equal(s.a.status, 403, s.a.stderr);
    assert.doesNotMatch(s.a.raw, /jwt=/);
    for (const n of SSO) assert.equal(s.a.cookies[n].value, '', `${n} deleted`);
    const lines = s.a.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, s.a.stderr);
    assert.match(lines[0], /403: access rule: /);
  } finally { writeFileSync(accounts, '{}'); }
});

test('refresh: the same re-check for Jitsi\'s popup renewal (tokenAuthInline): the token is posted with the fresh claims', async () => {
  const c = configs(idp.issuer, MODS);
  const { jar } = await loginAt(c.now, 'alice');
  writeFileSync(accounts, JSON.stringify({ alice: { groups: ['staff'] } }));
  try {
    const n0 = await tokenCalls();
    const a = runCgi({ config: c.later, path: '/authorize', query: `room=Second&nonce=${'a'.repeat(64)}`,
      cookie: header(jar, SSO), extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
    assertClean(assert, a);
    assert.equal(a.location, `${PUBLIC}/tokenize?popup=1`, a.stderr);
    assert.equal(await tokenCalls(), n0 + 1);
    const t = runCgi({ config: c.later, path: '/tokenize', query: 'popup=1',
      cookie: cookieHeader(['jitsi_oidc_session', a.cookies.jitsi_oidc_session.value]) });
    assertClean(assert, t);
    const m = /data-type="oauth-success" data-key="accessToken" data-val="([^"]*)"/.exec(t.body);
    assert.ok(m, t.body.slice(0, 300));
    const { payload } = await verifyJitsiRedirect(`${JITSI}/second?jwt=${m[1]}`, rules);
    assert.equal(payload.context.user.moderator, false);
  } finally { writeFileSync(accounts, '{}'); }
});

test('refresh: the provider down during a re-check: fail closed -- a 502 page, no token, one log line, the cookies kept for a later try', async () => {
  const other = await startProvider({ redirectUri: `${PUBLIC}/redirect`, env: { REFRESH: '1' } });
  const c = configs(other.issuer);
  const { jar } = await loginAt(c.now, 'alice');
  await other.stop();
  const s = await sso(c.later, jar, 'Second');
  assert.equal(s.a.status, 502, s.a.stderr);
  assert.equal(s.a.location, undefined);
  assert.doesNotMatch(s.a.raw, /jwt=/);
  for (const n of SSO) assert.equal(s.a.cookies[n], undefined, `${n} kept`);
  const lines = s.a.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, s.a.stderr);
  assert.match(lines[0], /^jitsi-oidc: authorize: 502: re-check of the remembered login: token endpoint: cannot reach .*\(the login is not used until the provider answers\)$/);
  // within session_recheck nothing is asked: the login still works there
  const within = await sso(c.now, jar, 'Third');
  assert.equal(within.payload.room, 'third');
});

test('refresh: /logout revokes the refresh token at the revocation_endpoint; the provider then refuses it', async () => {
  const c = configs(idp.issuer);
  const { l, jar } = await loginAt(c.now, 'alice');
  const out = runCgi({ config: c.now, path: '/logout', cookie: cookieHeader(['jitsi_oidc_logout', l.redirect.cookies.jitsi_oidc_logout.value]),
    extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assertClean(assert, out);
  assert.equal(out.status, 302, out.stderr);
  assert.equal(out.stderr, '');
  assert.ok(out.cookies.jitsi_oidc_refresh && out.cookies.jitsi_oidc_refresh.value === '', 'refresh cookie deleted');
  await idp.sync();
  assert.ok(idp.requests().some((r) => r === 'request POST /token/revocation'), 'revoked');
  // the token itself, kept by someone: the provider refuses it
  const s = await sso(c.later, jar, 'Second');
  assert.ok(s.a.location.startsWith(`${idp.issuer}/auth?`), s.a.location);
  assert.match(s.a.stderr, /ended: .*invalid_grant/);
});

test('hardening 23.4: the silent logout (Jitsi\'s hidden iframe) revokes the refresh token too; logout-success comes all the same', async () => {
  const c = configs(idp.issuer);
  const { l, jar } = await loginAt(c.now, 'alice');
  await idp.sync();
  const n0 = idp.requests().filter((r) => r === 'request POST /token/revocation').length;
  const out = runCgi({ config: c.now, path: '/logout', cookie: cookieHeader(['jitsi_oidc_logout', l.redirect.cookies.jitsi_oidc_logout.value]),
    extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin', HTTP_SEC_FETCH_DEST: 'iframe' } });
  assertClean(assert, out);
  assert.equal(out.status, 200, out.stderr);
  assert.match(out.body, /data-to="parent" data-origin="https:\/\/meet\.example\.test" data-type="logout-success"/);
  assert.equal(out.stderr, '');
  await idp.sync();
  assert.equal(idp.requests().filter((r) => r === 'request POST /token/revocation').length, n0 + 1, 'revoked');
  const s = await sso(c.later, jar, 'Second');
  assert.match(s.a.stderr, /ended: .*invalid_grant/, 'the provider refuses the kept token');
});

test('hardening 23.6: a login that ends without a refresh token deletes the previous one at its own path; a previous user\'s token met in a re-check is revoked', async () => {
  const c = configs(idp.issuer, { allowed_groups: 'staff' });
  // a good login sets the refresh cookie once (the deletion sent first
  // is dropped from the same answer: one Set-Cookie per cookie)
  const { l, jar: aliceJar } = await loginAt(c.now, 'alice');
  assert.equal(l.redirect.raw.split('\n').filter((h) => /^set-cookie: jitsi_oidc_refresh=/i.test(h)).length, 1, l.redirect.raw);
  // a refused login in the same browser: /redirect never receives the
  // refresh cookie (Path /oidc/authorize) but deletes it there
  const refused = await fullLogin({ config: c.now, query: 'room=First', login: 'carol' });
  assert.equal(refused.redirect.status, 403, refused.redirect.stderr);
  const del = refused.redirect.cookies.jitsi_oidc_refresh;
  assert.ok(del && del.value === '' && del.attrs.includes('Max-Age=0') && del.attrs.includes('Path=/oidc/authorize'),
    `refresh cookie deleted at its path: ${JSON.stringify(del)}`);
  // bob's session beside alice's refresh token (bob logged in where alice
  // had; say her deletion was lost): the re-check revokes hers
  const { jar: bobJar } = await loginAt(c.now, 'bob');
  await idp.sync();
  const n0 = idp.requests().filter((r) => r === 'request POST /token/revocation').length;
  const mixed = { jitsi_oidc_session: bobJar.jitsi_oidc_session, jitsi_oidc_refresh: aliceJar.jitsi_oidc_refresh };
  const s = await sso(c.later, mixed, 'Second');
  assert.equal(s.a.status, 302, s.a.stderr);
  assert.ok(s.a.location.startsWith(`${idp.issuer}/auth?`) && /[?&]prompt=none(&|$)/.test(s.a.location), s.a.location);
  assert.equal(s.a.cookies.jitsi_oidc_refresh.value, '', 'alice\'s refresh cookie deleted');
  assert.equal(s.a.stderr, '');
  await idp.sync();
  assert.equal(idp.requests().filter((r) => r === 'request POST /token/revocation').length, n0 + 1, 'revoked');
  const a = await sso(c.later, aliceJar, 'Third');
  assert.match(a.a.stderr, /ended: .*invalid_grant/, 'the provider refuses alice\'s token now');
});

// --- the scripted provider: answers no real provider here gives ------------------
async function hostileLogin(scenario, over = {}) {
  const c = configs(hostile.issuer(scenario), over);
  const a = runCgi({ config: c.now, path: '/authorize', query: 'room=First' });
  const res = await fetch(a.location, { redirect: 'manual' });
  const r = runCgi({ config: c.now, path: '/redirect', query: new URL(res.headers.get('location')).search.slice(1),
    cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
  assertClean(assert, r);
  assert.equal(r.status, 302, r.stderr);
  return { c, r, jar: cookiesOf(r) };
}

for (const [scenario, reason] of [['refresh-other-sub', /refreshed ID token sub \(eve\) is not the remembered login's \(mallory\)/],
  ['refresh-bad-signature', /signature/i]]) {
  test(`refresh: a refresh answer ${scenario === 'refresh-other-sub' ? 'for another sub' : 'with a bad signature'} is refused: 502, no token, the remembered login ended`, async () => {
    const { c, jar } = await hostileLogin(scenario);
    assert.ok(jar.jitsi_oidc_refresh);
    const s = await sso(c.later, jar, 'Second');
    assert.equal(s.a.status, 502, s.a.stderr);
    assert.equal(s.payload, null);
    assert.doesNotMatch(s.a.raw, /jwt=/);
    assert.equal(s.a.cookies.jitsi_oidc_session.value, '', 'session deleted');
    assert.equal(s.a.cookies.jitsi_oidc_refresh.value, '', 'refresh token deleted');
    const lines = s.a.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, s.a.stderr);
    assert.match(lines[0], reason);
    assert.equal((await hostile.counts(scenario)).refresh, 1);
  });
}

// A definite refusal ends the remembered login like invalid_grant; an
// answer that is no refusal (429, a 5xx, a 400 without an error) fails
// closed with the cookies kept.
for (const [scenario, ends, reason] of [
  ['refresh-unauthorized-client', true, /ended: .*error=unauthorized_client/],
  ['refresh-invalid-request', true, /ended: .*error=invalid_request no/],
  ['refresh-invalid-client', true, /ended: .*error=invalid_client.* the provider refuses this adapter's own client authentication: check client_id .*every remembered login ends at its next re-check/],
  ['refresh-429', false, /502: re-check of the remembered login: token endpoint answered HTTP 429: error=slow_down$/],
  ['refresh-503', false, /502: re-check of the remembered login: token endpoint answered HTTP 503: error=temporarily_unavailable \(the login is not used until the provider answers\)$/],
  ['refresh-400-no-error', false, /502: re-check of the remembered login: token endpoint answered HTTP 400: error=none$/],
  ['refresh-400-unavailable', false, /502: re-check of the remembered login: token endpoint answered HTTP 400: error=temporarily_unavailable$/]]) {
  test(`hardening 23.5: a refresh answered ${scenario.slice(8)}: ${ends ? 'a definite refusal ends the remembered login, on to the provider' : 'no refusal: fail closed, 502, the cookies kept'}`, async () => {
    const { c, jar } = await hostileLogin(scenario);
    assert.ok(jar.jitsi_oidc_refresh);
    const s = await sso(c.later, jar, 'Second');
    assert.equal(s.payload, null);
    assert.doesNotMatch(s.a.raw, /jwt=/);
    const lines = s.a.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, s.a.stderr);
    assert.match(lines[0], reason);
    if (ends) {
      assert.equal(s.a.status, 302, s.a.stderr);
      assert.ok(s.a.location.startsWith(hostile.issuer(scenario)), s.a.location);
      for (const n of SSO) assert.equal(s.a.cookies[n].value, '', `${n} deleted`);
    } else {
      assert.ok(s.a.status === 502, `${s.a.status} ${s.a.stderr}`);
      for (const n of SSO) assert.equal(s.a.cookies[n], undefined, `${n} kept`);
    }
    assert.equal((await hostile.counts(scenario)).refresh, 1);
  });
}

test('hardening 23.4: a silent logout whose revocation_endpoint never answers: logout-success within about 2 s, one log line', async () => {
  const { c, r } = await hostileLogin('revoke-hang', { http_timeout: 10 });
  const t0 = Date.now();
  const out = runCgi({ config: c.now, path: '/logout', cookie: cookieHeader(['jitsi_oidc_logout', r.cookies.jitsi_oidc_logout.value]),
    extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin', HTTP_SEC_FETCH_DEST: 'iframe' }, timeout: 20000 });
  const ms = Date.now() - t0;
  assert.equal(out.status, 200, out.stderr);
  assert.match(out.body, /data-type="logout-success"/);
  const lines = out.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, out.stderr);
  assert.match(lines[0], /refresh token not revoked: /);
  assert.equal((await hostile.counts('revoke-hang')).revoke, 1);
  assert.ok(ms < (sanitized || process.env.JO_CGI_WRAPPER ? 8000 : 3000), `${ms} ms`);
});

test('hardening 23.7: a login whose ID token is too large for the logout hint, without a refresh token, deletes the logout cookie an earlier login left', async () => {
  const { r } = await hostileLogin('idt-big');
  const lc = r.cookies.jitsi_oidc_logout;
  assert.ok(lc && lc.value === '' && lc.attrs.includes('Max-Age=0') && lc.attrs.includes('Path=/oidc/logout'),
    `the previous user's hint goes: ${JSON.stringify(lc)}`);
  assert.ok(r.cookies.jitsi_oidc_session && r.cookies.jitsi_oidc_session.value, 'the login itself works');
});

test('hardening 23.7: a refreshed ID token signed by a new key while the JWKS cannot be fetched: fail closed, 502, the cookies kept', async () => {
  const { c, jar } = await hostileLogin('refresh-new-kid-jwks-down');
  ageJwksCache(join(dirname(c.now), 'cache'));
  const s = await sso(c.later, jar, 'Second');
  assert.equal(s.a.status, 502, s.a.stderr);
  assert.equal(s.payload, null);
  assert.equal(s.a.cookies.jitsi_oidc_session, undefined, 'the session kept');
  // the provider rotated the refresh token before the failure: the new
  // one is kept (the old one is spent)
  const rt = s.a.cookies.jitsi_oidc_refresh;
  assert.ok(rt && rt.value && rt.value !== jar.jitsi_oidc_refresh, 'the rotated refresh token kept');
  const lines = s.a.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, s.a.stderr);
  assert.match(lines[0], /502: re-check of the remembered login: .*kid "k2".*re-fetching the JWKS: .*\(the login is not used until the provider answers\)$/);
  assert.equal((await hostile.counts('refresh-new-kid-jwks-down')).jwks, 2);
});

test('refresh: the scripted provider\'s good refresh answer goes on to /tokenize (the check above is not a refusal of everything)', async () => {
  const { c, jar } = await hostileLogin('refresh-ok');
  const s = await sso(c.later, jar, 'Second');
  assert.equal(s.payload.room, 'second', s.a.stderr);
  assert.equal(s.payload.context.user.id, 'mallory');
});

test('refresh: a refresh answer without a new ID token (Core 12.2) from a provider without userinfo: the grant is alive, the remembered claims stay, the session counts as checked', async () => {
  const { c, jar } = await hostileLogin('refresh-no-idtoken');
  const s = await sso(c.later, jar, 'Second');
  assert.equal(s.payload.room, 'second', s.a.stderr);
  assert.equal(s.payload.context.user.id, 'mallory');
  assert.equal(s.a.stderr, '');
  assert.equal((await hostile.counts('refresh-no-idtoken')).refresh, 1);
  const within = await sso(c.now, s.jar, 'Third');
  assert.equal(within.payload.room, 'third');
  assert.equal((await hostile.counts('refresh-no-idtoken')).refresh, 1, 'checked: nothing asked within session_recheck');
});

test('refresh: a refresh token too large for a cookie is not kept (one log line); the logout cookie keeps what fits; the re-check is a silent login (prompt=none)', async () => {
  const { c, r, jar } = await hostileLogin('refresh-big');
  assert.equal(jar.jitsi_oidc_refresh, undefined);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /refresh token of 3003 bytes does not fit in a cookie: not kept; the remembered login is re-checked with a silent login \(prompt=none\)/);
  assert.ok(jar.jitsi_oidc_logout, 'the hint is still kept');
  const within = await sso(c.now, jar, 'Second');
  assert.equal(within.payload.room, 'second', within.a.stderr);
  const s = await sso(c.later, jar, 'Third');
  assert.equal(s.a.status, 302, s.a.stderr);
  const u = new URL(s.a.location);
  assert.equal(`${u.origin}${u.pathname}`, `${hostile.issuer('refresh-big')}/auth`);
  assert.equal(u.searchParams.get('prompt'), 'none');
  assert.ok(s.a.cookies.jitsi_oidc_state);
  assert.equal(s.a.stderr, '');
  assert.equal((await hostile.counts('refresh-big')).refresh, undefined, 'no refresh tried');
});

// --- no refresh token: the re-check is a silent authorization request --------------
test('refresh: a provider that issues no refresh token: after session_recheck a silent login (prompt=none) -- with the provider\'s session alive, straight back and on to the room; without, the remembered login ends and the provider asks the user', async () => {
  const plain = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  try {
    const c = configs(plain.issuer);
    const pjar = new Jar();
    const a = runCgi({ config: c.now, path: '/authorize', query: 'room=First' });
    const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, 'alice', pjar);
    const r = runCgi({ config: c.now, path: '/redirect', query: new URL(cb).search.slice(1),
      cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
    assert.equal(r.status, 302, r.stderr);
    // none issued: a kept one (of an earlier login) is deleted at its path
    const rc = r.cookies.jitsi_oidc_refresh;
    assert.ok(rc && rc.value === '' && rc.attrs.includes('Max-Age=0') && rc.attrs.includes('Path=/oidc/authorize'), `none issued, none kept: ${JSON.stringify(rc)}`);
    const jar = cookiesOf(r);
    // the provider's session alive: prompt=none comes straight back with a code
    const s = await sso(c.later, jar, 'Second');
    const u = new URL(s.a.location);
    assert.equal(u.searchParams.get('prompt'), 'none', s.a.location);
    const back = await fetch(s.a.location, { redirect: 'manual', headers: { cookie: pjar.header() } });
    const cb2 = back.headers.get('location');
    assert.ok(cb2 && cb2.startsWith(`${PUBLIC}/redirect?`) && /[?&]code=/.test(cb2), cb2);
    const r2 = runCgi({ config: c.later, path: '/redirect', query: new URL(cb2).search.slice(1),
      cookie: cookieHeader(['jitsi_oidc_state', s.a.cookies.jitsi_oidc_state.value]) });
    assertClean(assert, r2);
    assert.equal(r2.location, `${PUBLIC}/tokenize`, r2.stderr);
    const t = runCgi({ config: c.later, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', r2.cookies.jitsi_oidc_session.value]) });
    const { payload } = await verifyJitsiRedirect(t.location, rules);
    assert.equal(payload.room, 'second');
    // the new session counts as checked: within session_recheck, no provider
    const s2 = await sso(c.now, cookiesOf(r2), 'Third');
    assert.equal(s2.payload.room, 'third');
    // the provider's session gone (another browser): login_required, the
    // remembered login ends, a login at the provider that may ask
    const s3 = await sso(c.later, jar, 'Fourth');
    const none = await fetch(s3.a.location, { redirect: 'manual' });
    const cb3 = none.headers.get('location');
    assert.match(cb3, /[?&]error=login_required/);
    const r3 = runCgi({ config: c.later, path: '/redirect', query: new URL(cb3).search.slice(1),
      cookie: cookieHeader(['jitsi_oidc_state', s3.a.cookies.jitsi_oidc_state.value]) });
    assertClean(assert, r3);
    assert.equal(r3.status, 302, r3.stderr);
    const u3 = new URL(r3.location);
    assert.equal(`${u3.origin}${u3.pathname}`, `${plain.issuer}/auth`);
    assert.equal(u3.searchParams.get('prompt'), null, 'the provider may ask the user');
    assert.equal(r3.cookies.jitsi_oidc_session.value, '', 'session deleted');
    assert.ok(r3.cookies.jitsi_oidc_state.value, 'a new login started');
    const lines = r3.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r3.stderr);
    assert.match(lines[0], /remembered login ended: the silent re-check \(prompt=none\) answered error=login_required/);
    assert.doesNotMatch(r3.raw, /jwt=/);
  } finally { await plain.stop(); }
});

test('refresh: a session sealed before re-checks existed (no "ck") is due one at its next use', async () => {
  const c = configs(idp.issuer);
  const now = Math.floor(Date.now() / 1000);
  const sess = sealTool([SECRETS.cookie, 'session', String(now + 600), JSON.stringify({ x: now + 600, sub: 'alice', r: 'R' }), c.now]);
  const a = runCgi({ config: c.now, path: '/authorize', query: 'room=Other', cookie: cookieHeader(['jitsi_oidc_session', sess]) });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  assert.equal(new URL(a.location).searchParams.get('prompt'), 'none', a.location);
  const fresh = sealTool([SECRETS.cookie, 'session', String(now + 600), JSON.stringify({ x: now + 600, ck: now, sub: 'alice', r: 'R' }), c.now]);
  const b = runCgi({ config: c.now, path: '/authorize', query: 'room=Other', cookie: cookieHeader(['jitsi_oidc_session', fresh]) });
  assert.equal(b.location, `${PUBLIC}/tokenize`, 'checked now: no re-check due');
});
