// End to end: a whole login through the real OpenID provider, for RS256
// and ES256 providers; the Jitsi token is checked by an independent
// verifier against Jitsi's rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider, tempDir, writeConfig, SECRETS } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';

const providers = {};
before(async () => {
  for (const alg of ['RS256', 'ES256']) providers[alg] = await startProvider({ alg, redirectUri: `${PUBLIC}/redirect` });
});
after(async () => { for (const p of Object.values(providers)) await p.stop(); });

const rules = { jitsiUrl: 'https://meet.example.test', appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };

for (const alg of ['RS256', 'ES256']) {
  test(`login through the real provider signing ${alg} ends in the room with a token Jitsi accepts`, async () => {
    const p = providers[alg];
    const config = writeConfig(tempDir(), p.issuer);
    const { authorize, redirect, tokenize, stateCookie } = await fullLogin({ config, query: 'room=MyRoom' });
    // The authorization request carries everything OIDC + PKCE need.
    const az = new URL(authorize.location);
    assert.equal(az.origin + az.pathname, `${p.issuer}/auth`);
    for (const k of ['state', 'nonce', 'code_challenge']) assert.match(az.searchParams.get(k), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(az.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(az.searchParams.get('response_type'), 'code');
    assert.equal(az.searchParams.get('redirect_uri'), `${PUBLIC}/redirect`);
    assert.equal(az.searchParams.get('scope'), 'openid profile email');
    assert.ok(stateCookie.attrs.includes('HttpOnly') && stateCookie.attrs.includes('SameSite=Lax') &&
      stateCookie.attrs.includes('Secure') && stateCookie.attrs.includes('Path=/oidc'), stateCookie.attrs.join(';'));
    // The callback consumed the state cookie and set the session.
    assert.equal(redirect.status, 302, redirect.stderr);
    assert.equal(redirect.cookies.jitsi_oidc_state.value, '');
    assert.ok(redirect.cookies.jitsi_oidc_state.attrs.includes('Max-Age=0'));
    assert.equal(tokenize.status, 302, tokenize.stderr);
    assert.match(tokenize.location, /^https:\/\/meet\.example\.test\/MyRoom\?oidc=ok#jwt=%22[^#&]+%22$/);
    const { payload } = await verifyJitsiRedirect(tokenize.location, rules);
    assert.equal(payload.room, 'myroom');
    assert.equal(payload.context.user.id, 'alice');
    assert.equal(payload.context.user.name, 'User alice');
    assert.equal(payload.context.user.email, 'alice@example.test');
    assert.equal(payload.context.user.avatar, 'https://pics.example.test/alice.png', 'the provider\'s picture');
    assert.equal(payload.exp - payload.iat, 3600);
    assert.ok(payload.nbf < payload.iat);
    for (const r of [authorize, redirect, tokenize]) assert.equal(r.header('cache-control'), 'no-store');
    assert.equal(authorize.stderr + redirect.stderr + tokenize.stderr, '', 'a good login logs nothing');
  });
}

test('Jitsi tokenAuthUrl state: tenant, room and config flags come back as Jitsi expects', async () => {
  const p = providers.RS256;
  const config = writeConfig(tempDir(), p.issuer);
  const state = { room: 'Team Sync', roomSafe: 'team%20sync', tenant: 'acme', 'config.prejoinConfig.enabled': false, 'config.startWithAudioMuted': true, electron: false };
  // even from the Jitsi page itself (same origin), a login carries only
  // the options that expose the user less: muted stays,
  // the skipped prejoin screen does not
  const { tokenize } = await fullLogin({ config, query: `state=${encodeURIComponent(JSON.stringify(state))}`,
    extraEnv: { HTTP_SEC_FETCH_SITE: 'same-origin' } });
  assert.equal(tokenize.status, 302, tokenize.stderr);
  const u = new URL(tokenize.location);
  assert.equal(u.pathname, '/acme/Team%20Sync');
  assert.match(u.hash, /^#config\.startWithAudioMuted=true&jwt=%22[\w-]+\.[\w-]+\.[\w-]+%22$/);
  const { payload } = await verifyJitsiRedirect(tokenize.location, rules);
  assert.equal(payload.room, 'team%20sync');
  assert.equal(payload.sub, 'acme');
});

test('a user without a display name is named by preferred_username', async () => {
  const config = writeConfig(tempDir(), providers.ES256.issuer);
  const { tokenize } = await fullLogin({ config, query: 'room=r1', login: 'noname' });
  const { payload } = await verifyJitsiRedirect(tokenize.location, rules);
  assert.equal(payload.context.user.name, 'noname');
});

test('with a warm cache a login asks the provider only for the token exchange', async () => {
  const p = providers.RS256;
  const config = writeConfig(tempDir(), p.issuer);
  await fullLogin({ config, query: 'room=warmup' });
  await p.sync();
  const before = p.requests().length;
  const { authorize, tokenize } = await fullLogin({ config, query: 'room=warm' });
  assert.equal(tokenize.status, 302);
  await p.sync();
  const calls = p.requests().slice(before);
  // The browser's own calls (/auth, /interaction) are there too; the
  // adapter's are the token exchange and nothing else.
  const adapterCalls = calls.filter((l) => /well-known|jwks|\/token/.test(l));
  assert.deepEqual(adapterCalls, ['request POST /token'], calls.join('\n'));
  assert.ok(authorize.location);
});

test('a replayed callback (same code and state cookie) is refused', async () => {
  const p = providers.RS256;
  const config = writeConfig(tempDir(), p.issuer);
  const first = await fullLogin({ config, query: 'room=replay' });
  assert.equal(first.redirect.status, 302);
  const { runCgi, cookieHeader, assertClean } = await import('./lib/harness.mjs');
  const again = runCgi({ config, path: '/redirect', query: first.callbackQuery, cookie: cookieHeader(['jitsi_oidc_state', first.stateCookie.value]) });
  assertClean(assert, again);
  // The provider refuses a used code: no session, no token.
  assert.equal(again.status, 502);
  assert.equal(again.cookies.jitsi_oidc_session, undefined);
  assert.match(again.stderr, /token endpoint answered HTTP 400: error=invalid_grant/);
  assert.doesNotMatch(again.raw, /jwt=/);
});

test('key rotation at the provider: the unknown kid causes exactly one JWKS re-fetch, then the login succeeds', async () => {
  const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const first = await startProvider({ alg: 'RS256', redirectUri: `${PUBLIC}/redirect` });
  const dir = tempDir();
  const config = writeConfig(dir, first.issuer);
  const one = await fullLogin({ config, query: 'room=before' });
  assert.equal(one.tokenize.status, 302);
  await first.stop();
  // The same issuer comes back with new signing keys.
  const second = await startProvider({ alg: 'RS256', redirectUri: `${PUBLIC}/redirect`, port: first.port });
  try {
    // Age the cached JWKS past the re-fetch throttle (60 s).
    const f = readdirSync(join(dir, 'cache')).find((n) => n.endsWith('.jwks.json'));
    const cached = JSON.parse(readFileSync(join(dir, 'cache', f), 'utf8'));
    cached.fetched -= 120;
    writeFileSync(join(dir, 'cache', f), JSON.stringify(cached));
    const two = await fullLogin({ config, query: 'room=after' });
    assert.equal(two.tokenize.status, 302, two.redirect.stderr);
    await verifyJitsiRedirect(two.tokenize.location, rules);
    await second.sync();
    const fetches = second.requests().filter((l) => /well-known|jwks/.test(l));
    assert.deepEqual(fetches, ['request GET /jwks']);
    // Within the throttle window the re-fetch is not repeated: a token from
    // a third key set fails without another JWKS request.
    await second.stop();
    const third = await startProvider({ alg: 'RS256', redirectUri: `${PUBLIC}/redirect`, port: first.port });
    try {
      const three = await fullLogin({ config, query: 'room=third' });
      assert.equal(three.redirect.status, 502);
      assert.match(three.redirect.stderr, /kid "rs-\S+" \(RS256\) not in the provider's JWKS \(JWKS fetched less than 60 s ago, not fetched again\)/);
      assert.equal(three.redirect.cookies.jitsi_oidc_session, undefined);
      await third.sync();
      assert.deepEqual(third.requests().filter((l) => /jwks/.test(l)), []);
    } finally { await third.stop(); }
  } finally { if (second) await second.stop().catch(() => {}); }
});
