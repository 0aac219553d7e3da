// The attack and fault suite: every numbered item of the relying-party
// checklist (shared/oidc-rp-checklist.md, kept in tests/README.md) has a
// test named after it, run against the scripted hostile provider
// (tests/idp/hostile.mjs) or, for the browser side, the real binary with
// forged input.  "Reject" = the status, an error page, no Location, no
// Jitsi token anywhere, the state cookie deleted, one log line that names
// the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCgi, assertClean, cookieHeader, tempDir, writeConfig, sealTool, SECRETS, slow, cgiPath } from './lib/harness.mjs';
import { spawnSync } from 'node:child_process';
import { startHostile, scenarioLogin, assertRejected, ageJwksCache } from './lib/hostile.mjs';

let h;
before(async () => { h = await startHostile(); });
after(() => h.stop());

async function rejects(scenario, status, reason, opts) {
  const { redirect, authorize } = await scenarioLogin(h, scenario, opts);
  assert.ok(redirect, `authorize failed: ${authorize.stderr}`);
  assertRejected(redirect, status, reason);
  return redirect;
}

test('hardening 23.7: an ID token with "\\u0000" in a claim (a value or a key) is refused for that, not as a bad signature', async () => {
  for (const sc of ['idt-nul', 'idt-nul-key']) {
    const r = await rejects(sc, 502, /ID token claims hold a NUL character \(U\+0000\): refused/);
    assert.doesNotMatch(r.stderr, /signature/);
  }
});


test('control: the hostile provider\'s good scenarios log in (RS256 and ES256)', async () => {
  for (const s of ['ok', 'es256']) {
    const { redirect } = await scenarioLogin(h, s);
    assert.equal(redirect.status, 302, redirect.stderr);
    assert.ok(redirect.cookies.jitsi_oidc_session.value);
  }
});

test('checklist 1: a bad RS256 signature is rejected', async () => {
  await rejects('bad-signature', 502, /ID token signature does not verify \(RS256, 1 key tried\)/);
});

test('checklist 2: alg none, or no alg, is rejected', async () => {
  await rejects('alg-none', 502, /ID token alg "none" not accepted/);
  await rejects('alg-missing', 502, /ID token alg missing not accepted/);
});

test('checklist 3: algorithm confusion (HS256 keyed with the RSA public key PEM) is rejected', async () => {
  await rejects('alg-confusion', 502, /ID token alg "HS256" not accepted/);
});

test('checklist 4: iss different or missing is rejected', async () => {
  await rejects('iss-wrong', 502, /ID token iss \(https:\/\/evil\.example\) does not match the issuer/);
  await rejects('iss-missing', 502, /ID token iss \(missing\) does not match/);
});

test('checklist 5: aud missing, wrong, an array without us, several without azp; untrusted azp', async () => {
  await rejects('aud-missing', 502, /aud missing/);
  await rejects('aud-wrong', 502, /aud \(someone-else\) does not match our client_id \(jitsi\)/);
  await rejects('aud-array-without-us', 502, /aud array does not contain our client_id/);
  await rejects('aud-array-no-azp', 502, /aud has 2 audiences and no azp/);
  await rejects('azp-untrusted', 502, /azp \(someone-else\) is not our client_id/);
});

test('checklist 6: sub missing is rejected', async () => {
  await rejects('sub-missing', 502, /ID token sub missing/);
});

test('checklist 7: iat missing, or further than the allowed skew in the future or past, is rejected', async () => {
  await rejects('iat-missing', 502, /ID token iat missing/);
  await rejects('iat-future', 502, /ID token iat is 3\d\d\d s off our clock \(allowed skew 600 s\)/);
  await rejects('iat-past', 502, /ID token iat is -3\d\d\d s off our clock/);
});

test('checklist 8: exp missing, past, not a number, or absurd (1e300) is rejected', async () => {
  await rejects('exp-missing', 502, /ID token exp missing/);
  await rejects('exp-past', 502, /ID token expired \d+ s ago/);
  await rejects('exp-string', 502, /ID token exp is not a valid number/);
  await rejects('exp-1e300', 502, /ID token exp is not a valid number/);
});

test('checklist 9: nonce missing or different is rejected', async () => {
  await rejects('nonce-wrong', 502, /ID token nonce does not match the one sent/);
  await rejects('nonce-missing', 502, /ID token nonce missing/);
});

test('checklist 10: state missing, different, expired, replayed, its cookie missing or tampered', async () => {
  const config = writeConfig(tempDir(), h.issuer('ok'));
  const a = runCgi({ config, path: '/authorize', query: 'room=r' });
  const cookie = a.cookies.jitsi_oidc_state.value;
  const state = new URL(a.location).searchParams.get('state');
  const c = cookieHeader(['jitsi_oidc_state', cookie]);
  assertRejected(runCgi({ config, path: '/redirect', query: 'code=x', cookie: c }), 400, /state parameter missing/);
  assertRejected(runCgi({ config, path: '/redirect', query: `code=x&state=${state.slice(1)}`, cookie: c }), 400, /does not match/);
  assertRejected(runCgi({ config, path: '/redirect', query: `code=x&state=${state}` }), 400, /no jitsi_oidc_state cookie/);
  const tampered = cookie.slice(0, 20) + (cookie[20] === 'A' ? 'B' : 'A') + cookie.slice(21);
  assertRejected(runCgi({ config, path: '/redirect', query: `code=x&state=${state}`, cookie: cookieHeader(['jitsi_oidc_state', tampered]) }), 400, /failed authentication/);
  const expired = sealTool([SECRETS.cookie, 'state', String(Math.floor(Date.now() / 1000) - 1), JSON.stringify({ st: state, no: 'n', cv: 'v', r: 'r' })]);
  assertRejected(runCgi({ config, path: '/redirect', query: `code=x&state=${state}`, cookie: cookieHeader(['jitsi_oidc_state', expired]) }), 400, /expired/);
  // Replay: the same callback with the same (captured) state cookie after
  // a success.  The browser was told to delete the cookie; an attacker who
  // kept it gets nothing, as the code is single-use at the provider.
  const ok = await scenarioLogin(h, 'ok');
  assert.equal(ok.redirect.status, 302);
  assert.match(ok.redirect.headers.filter(([k]) => k === 'set-cookie').map(([, v]) => v).join('\n'), /jitsi_oidc_state=; Max-Age=0/);
  const replay = runCgi({ config: ok.config, path: '/redirect', query: ok.query, cookie: ok.cookie });
  assertRejected(replay, 502, /token endpoint answered HTTP 400: error=invalid_grant/);
});

test('checklist 11: unknown kid -> one throttled JWKS re-fetch; still unknown -> reject; no kid: one key, several keys', async () => {
  // Cold cache: the JWKS was fetched just now, so no second fetch at all.
  const first = await scenarioLogin(h, 'kid-unknown');
  assertRejected(first.redirect, 502, /kid "k3" \(RS256\) not in the provider's JWKS \(JWKS fetched less than 60 s ago, not fetched again\)/);
  assert.equal((await h.counts('kid-unknown')).jwks, 1);
  // An older cache: exactly one re-fetch, still unknown: reject.
  ageJwksCache(join(first.dir, 'cache'));
  const second = await scenarioLogin(h, 'kid-unknown', { dir: first.dir });
  assertRejected(second.redirect, 502, /kid "k3" \(RS256\) not in the provider's JWKS$/);
  assert.equal((await h.counts('kid-unknown')).jwks, 2);
  // Within the throttle window: no further fetch.
  const third = await scenarioLogin(h, 'kid-unknown', { dir: first.dir });
  assertRejected(third.redirect, 502, /not fetched again/);
  assert.equal((await h.counts('kid-unknown')).jwks, 2);
  // No kid: one key, several keys (the ones that fit are tried), none fits.
  for (const s of ['no-kid-one-key', 'no-kid-several-keys']) {
    const { redirect } = await scenarioLogin(h, s);
    assert.equal(redirect.status, 302, `${s}: ${redirect.stderr}`);
  }
  await rejects('no-kid-several-none-fits', 502, /signature does not verify \(RS256, 2 keys tried\)/);
});

test('checklist 12: key rotation at the provider is accepted after exactly one re-fetch', async () => {
  const one = await scenarioLogin(h, 'rotate');
  assert.equal(one.redirect.status, 302, one.redirect.stderr);
  ageJwksCache(join(one.dir, 'cache'));
  const two = await scenarioLogin(h, 'rotate', { dir: one.dir });
  assert.equal(two.redirect.status, 302, two.redirect.stderr);
  assert.equal(two.redirect.stderr, '');
  assert.equal((await h.counts('rotate')).jwks, 2);
});

test('checklist 13: error= from the provider: state first, a plain escaped page, the cookie consumed', () => {
  const config = writeConfig(tempDir(), h.issuer('ok'));
  const a = runCgi({ config, path: '/authorize', query: 'room=r' });
  const state = new URL(a.location).searchParams.get('state');
  const c = cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]);
  const r = runCgi({ config, path: '/redirect', query: `state=${state}&error=access_denied&error_description=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E`, cookie: c });
  assertRejected(r, 403, /provider returned error=access_denied error_description=<img src=x onerror=alert\(1\)>/);
  assert.doesNotMatch(r.body, /<img/);
  assertRejected(runCgi({ config, path: '/redirect', query: 'state=wrong&error=access_denied', cookie: c }), 400, /state parameter does not match/);
});

test('checklist 14: an authorization response iss (RFC 9207) that is not ours is rejected', () => {
  const config = writeConfig(tempDir(), h.issuer('ok'));
  const a = runCgi({ config, path: '/authorize', query: 'room=r' });
  const state = new URL(a.location).searchParams.get('state');
  const r = runCgi({ config, path: '/redirect', query: `code=x&state=${state}&iss=${encodeURIComponent(h.issuer('ok-not'))}`,
    cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
  assertRejected(r, 400, /authorization response iss .* is not the issuer/);
});

test('checklist 15: duplicated state or code parameters are rejected', () => {
  const config = writeConfig(tempDir(), h.issuer('ok'));
  assertRejected(runCgi({ config, path: '/redirect', query: 'code=a&code=b&state=s' }), 400, /"code" repeated/);
  assertRejected(runCgi({ config, path: '/redirect', query: 'state=a&code=b&state=s' }), 400, /"state" repeated/);
});

test('checklist 16: a discovery document with another issuer is refused', async () => {
  const { authorize } = await scenarioLogin(h, 'discovery-other-issuer');
  assertRejected(authorize, 502, /discovery issuer \(https:\/\/evil\.example\) does not match the configured issuer/, { stateDeleted: false });
});

// A userinfo answer with another sub is refused: features.test.mjs ("userinfo
// whose sub is not the ID token's"), against the real provider.
test('checklist 17: userinfo is not called when the ID token already has the claims', async () => {
  await scenarioLogin(h, 'ok');
  assert.equal((await h.counts('ok')).userinfo, undefined);
});

test('checklist 18: size caps -- ID token over 16 KiB, token responses of 1 MiB and 100 MiB', async () => {
  await rejects('idtoken-100k', 502, /ID token of \d+ bytes \(at most 16384\)/);
  await rejects('idtoken-1mib', 502, /response from .*\/token larger than 1048576 bytes/);
  await rejects('token-100mib', 502, /response from .*\/token larger than 1048576 bytes/);
});

test('checklist 19: CR, LF or NUL, raw or percent-encoded, in any parameter is rejected', () => {
  const config = writeConfig(tempDir(), h.issuer('ok'));
  for (const path of ['/authorize', '/redirect', '/tokenize']) {
    for (const v of ['%0D', '%0A', '%00', '%0D%0ALocation:%20https://evil.example']) {
      for (const k of ['room', 'state', 'code', 'error_description', 'tenant']) {
        const r = runCgi({ config, path, query: `${k}=a${v}b` });
        assertRejected(r, 400, /control character in query parameter/, { stateDeleted: path === '/redirect' });
      }
    }
  }
  // raw bytes: a web server may pass them through
  for (const raw of ['room=a\rb', 'room=a\nb']) {
    assertRejected(runCgi({ config, path: '/authorize', query: raw }), 400, /control character/, { stateDeleted: false });
  }
});

test('checklist 20: open redirects -- rooms that try to leave jitsi_url are refused', () => {
  const config = writeConfig(tempDir(), h.issuer('ok'));
  for (const room of ['//evil', '/\\evil', '\\evil', '/%09/evil', '/%2f%2fevil', '/%5cevil', 'https:evil', 'javascript:alert(1)',
    'https://evil.example/', '..', 'a?b', 'a#b']) {
    const r = runCgi({ config, path: '/authorize', query: `room=${encodeURIComponent(room)}` });
    assertRejected(r, 400, /room: name/, { stateDeleted: false });
    const st = runCgi({ config, path: '/authorize', query: `state=${encodeURIComponent(JSON.stringify({ room, tenant: 'ok' }))}` });
    assertRejected(st, 400, /room: name/, { stateDeleted: false });
  }
});

test('checklist 21: cookies are HttpOnly, Secure, SameSite=Lax, limited to the adapter, bound to purpose and expiry, under 4 KiB', async () => {
  const { authorize, redirect } = await scenarioLogin(h, 'ok');
  for (const c of [authorize.cookies.jitsi_oidc_state, redirect.cookies.jitsi_oidc_session]) {
    for (const at of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/oidc']) assert.ok(c.attrs.includes(at), at);
    assert.ok(c.value.length < 4096);
  }
  // bound to its purpose: a session cookie is no state cookie
  const config = writeConfig(tempDir(), h.issuer('ok'));
  assertRejected(runCgi({ config, path: '/redirect', query: 'code=x&state=y', cookie: cookieHeader(['jitsi_oidc_state', redirect.cookies.jitsi_oidc_session.value]) }), 400, /failed authentication/);
});

test('checklist 22: secrets, codes, tokens and cookie values never reach a log line', async () => {
  const { redirect, authorize, query } = await scenarioLogin(h, 'bad-signature');
  const code = new URLSearchParams(query).get('code');
  const logs = authorize.stderr + redirect.stderr;
  assert.ok(logs.length > 0);
  assert.ok(!logs.includes(code), 'code logged');
  assert.ok(!logs.includes(authorize.cookies.jitsi_oidc_state.value), 'cookie logged');
  for (const s of Object.values(SECRETS)) assert.ok(!logs.includes(s));
  assert.doesNotMatch(logs, /eyJ/);
});

test('faults: a token endpoint that never answers fails within http_timeout', async () => {
  const { redirect, elapsed } = await scenarioLogin(h, 'token-hang', { over: { http_timeout: 2 } });
  // the JWKS fetch came first: the token call had what was left of 2 s
  // (all 2000 ms of it when that fetch took less than a millisecond, as
  // a FastCGI process with libcurl loaded can do: then no "what was left")
  assertRejected(redirect, 502, slow ? /token endpoint: cannot reach .*\/token: no answer in \d+ ms \(http_timeout is 2 s for all of a request's calls to the provider/
    : /token endpoint: cannot reach .*\/token: no answer in (19\d\d ms \(http_timeout is 2 s for all of a request's calls to the provider; this call had what was left\)|2000 ms \(http_timeout is 2 s for all of a request's calls to the provider\))$/);
  assert.ok(elapsed >= 1.9 && elapsed < (slow ? 12 : 6), `took ${elapsed} s`);
});

test('faults: a token endpoint that answers 500, HTML, or no ID token', async () => {
  await rejects('token-500', 502, /token endpoint answered HTTP 500 with no JSON object/);
  await rejects('token-html', 502, /token endpoint answered HTTP 200 with no JSON object/);
  await rejects('token-no-idtoken', 502, /token response has no id_token string/);
});

test('faults: a token error without a readable error code is logged as error=none, with no trailing blank', async () => {
  await rejects('token-error-null', 502, /token endpoint answered HTTP 400: error=none$/);
});

test('an issuer ending in "/": discovery at the issuer without it, the issuer compared as written', async () => {
  const { redirect } = await scenarioLogin(h, 'trailing-slash', { issuer: `${h.issuer('trailing-slash')}/` });
  assert.equal(redirect.status, 302, redirect.stderr);
  const counts = await h.counts('trailing-slash');
  assert.equal(counts.discovery, 1);
});

test('faults: a JWKS endpoint that answers 500', async () => {
  await rejects('jwks-500', 502, /JWKS .* answered HTTP 500, expected 200/);
});

test('faults: a provider whose TLS certificate does not verify is refused', async () => {
  const config = writeConfig(tempDir(), `${h.tlsBase}/s/ok`);
  const r = runCgi({ config, path: '/authorize', query: 'room=r' });
  assertClean(assert, r);
  assertRejected(r, 502, /cannot reach https:\/\/127\.0\.0\.1:\d+\/s\/ok\/\.well-known\/openid-configuration: .*(certificate|SSL)/i, { stateDeleted: false });
});

test('JWKS: keys refused as too weak do not count toward the 32-key cap (a good key after 32 weak ones is used)', async () => {
  const { redirect } = await scenarioLogin(h, 'jwks-weak-first');
  assert.equal(redirect.status, 302, redirect.stderr);
  assert.ok(redirect.cookies.jitsi_oidc_session.value);
});

// Lenient where the standard's readers are: a short EC coordinate.
test('JWKS: an EC coordinate published without its leading zero byte (glewlwyd, 1 key in 128) is left-padded and the login goes on', async () => {
  const jwks = await (await fetch(`${h.issuer('ec-short-coordinate')}/jwks`)).json();
  const c = jwks.keys[0];
  assert.ok(Buffer.from(c.x, 'base64url').length < 32 || Buffer.from(c.y, 'base64url').length < 32, 'the scenario publishes a short coordinate');
  const { redirect } = await scenarioLogin(h, 'ec-short-coordinate');
  assert.equal(redirect.status, 302, redirect.stderr);
  assert.ok(redirect.cookies.jitsi_oidc_session.value);
});

test('JWKS: no usable key: a 502, and the log line gives each key\'s reason (a longer EC coordinate still refused); --check-config too', async () => {
  const reasons = 'JWKS holds no usable RSA or EC signing key: ' +
    'key 1 \\(kid long\\): EC x is 33 bytes, P-256 needs 32; key 2 \\(kid hmac\\): kty "oct" is not RSA or EC; ' +
    'key 3 \\(kid enc1\\): use "enc", not "sig"; key 4 \\(kid c9\\): EC curve P-999 not supported';
  await rejects('jwks-none-usable', 502, new RegExp(`${reasons}$`));
  const config = writeConfig(tempDir(), h.issuer('jwks-none-usable'));
  const c = spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8',
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' } });
  assert.equal(c.status, 1, c.stderr);
  assert.match(c.stderr, new RegExp(`^jwks: ${reasons}$`, 'm'));
});

// http_timeout bounds all of a request's provider calls
// together, not each one.  Every call of the 'slow' scenario takes 1.2 s:
// a /redirect (token + JWKS, discovery cached by /authorize) needs 2.4 s.
test('faults: one deadline per request -- provider calls that each fit http_timeout but not together fail at http_timeout', async () => {
  const { redirect, elapsed } = await scenarioLogin(h, 'slow', { over: { http_timeout: 2 } });
  // the JWKS call (1.2 s), then the token call with the 0.8 s left (under
  // valgrind or ASan there may be nothing left for it: not made)
  assertRejected(redirect, 502, /token endpoint: (cannot reach .*\/s\/slow\/token: no answer in \d+ ms \(http_timeout is 2 s for all of a request's calls to the provider; this call had what was left\)|not calling .*\/s\/slow\/token: this request's calls to the provider have taken http_timeout \(2 s\) in all)$/);
  assert.ok(elapsed < (slow ? 8 : 2.8), `took ${elapsed} s`);
  // with time enough for both, the same login succeeds
  const ok = await scenarioLogin(h, 'slow', { over: { http_timeout: 4 } });
  assert.equal(ok.redirect.status, 302, ok.redirect.stderr);
});
