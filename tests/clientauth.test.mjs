// Client authentication and ID-token algorithms against the real
// provider (oidc-provider): each client authentication method of OpenID
// Connect Core 9 (a client registered for it, a whole login, the Jitsi
// token checked by the independent verifier), auto's choice from
// discovery, a method the provider refuses, client key files that cannot
// be used; ID tokens signed HS256/HS512 (keyed with the client secret) and
// PS256/PS512 (RSA-PSS), and --check-config's verdict on the provider's
// algorithms.  The scripted provider (tests/idp/hostile.mjs) only for
// what the real one cannot be made to send: an HS256 token from a
// provider that does not list HS256, the alg-confusion attack against one
// that does, a JWKS that answers 403.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cgiPath, SECRETS } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { startHostile, scenarioLogin, assertRejected } from './lib/hostile.mjs';

const rules = { jitsiUrl: 'https://meet.example.test', appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
// long enough for oidc-provider to key HS512 with it (64 bytes)
const LONG_SECRET = 'hs-client-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN';

const running = [];
after(async () => { for (const p of running) await p.stop(); });
async function provider(opts) {
  const p = await startProvider({ redirectUri: `${PUBLIC}/redirect`, ...opts });
  running.push(p);
  return p;
}

// A client key pair: the private half as the adapter's PEM file, the
// public half as the JWKS registered with the provider.
function clientKey(type, dir, kid) {
  const pair = type === 'RSA' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = join(dir, `client-${type}.pem`);
  const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(file, pem, { mode: 0o600 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), use: 'sig', ...(kid ? { kid } : {}) };
  return { file, pem, jwks: JSON.stringify({ keys: [jwk] }) };
}

function checkConfig(config) {
  return spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8',
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '',
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || '' } });
}

async function loginOk(config, who = 'alice') {
  const { redirect, tokenize } = await fullLogin({ config, query: 'room=AuthRoom', login: who });
  assert.equal(redirect.status, 302, redirect.stderr);
  assert.equal(tokenize.status, 302, tokenize.stderr);
  const { payload } = await verifyJitsiRedirect(tokenize.location, rules);
  assert.equal(payload.room, 'authroom');
  assert.equal(payload.context.user.id, who);
  assert.equal(redirect.stderr + tokenize.stderr, '', 'a good login logs nothing');
  return redirect;
}

// A refused login: one page and one log line naming the reason, no token.
function assertOneLine(res, status, re) {
  assertClean(assert, res);
  assert.equal(res.status, status, res.stderr);
  assert.equal(res.location, undefined);
  assert.doesNotMatch(res.raw, /jwt=/);
  const lines = res.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0], re);
}

test('client_secret_basic: auto chooses it for a secret when the provider lists it; a whole login', async () => {
  const p = await provider({});
  const config = writeConfig(tempDir(), p.issuer);
  await loginOk(config);
  const c = checkConfig(config);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^client auth   client_secret_basic \(client_auth = auto: client_secret_basic, the strongest that the configuration allows \(client_secret_basic, client_secret_post\) and the provider lists\)$/m);
});

test('client_secret_post: a provider that lists only it (Nextcloud) gets it from auto; explicit works too', async () => {
  const p = await provider({ env: { CLIENT_AUTH: 'client_secret_post', CLIENT_AUTH_METHODS: 'client_secret_post' } });
  const config = writeConfig(tempDir(), p.issuer);
  await loginOk(config);
  assert.match(checkConfig(config).stdout, /^client auth   client_secret_post \(client_auth = auto: /m);
  await loginOk(writeConfig(tempDir(), p.issuer, { client_auth: 'client_secret_post' }), 'bob');
});

test('a method the provider refuses: a clear 502 page and one log line naming the method, no secret logged', async () => {
  // a client registered for private_key_jwt; the adapter has a secret
  const p = await provider({ env: { CLIENT_AUTH: 'private_key_jwt', CLIENT_JWKS: clientKey('RSA', tempDir()).jwks } });
  for (const method of ['client_secret_basic', 'client_secret_post']) {
    const config = writeConfig(tempDir(), p.issuer, method === 'client_secret_basic' ? {} : { client_auth: method });
    const { redirect } = await fullLogin({ config, query: 'room=AuthRoom' });
    assertOneLine(redirect, 502, new RegExp(`token endpoint answered HTTP 401: error=invalid_client .*\\(client authentication: ${method}\\)$`));
    assert.match(redirect.body, /Login provider error/);
  }
  // a provider strict about basic against post (as Authelia is): the
  // scripted one accepts only HTTP Basic
  const h = await startHostile();
  try {
    const { redirect, config } = await scenarioLogin(h, 'ok', { over: { client_auth: 'client_secret_post' } });
    assertRejected(redirect, 502, /token endpoint answered HTTP 401: error=invalid_client +\(client authentication: client_secret_post\)$/);
    // it lists no methods: the default, client_secret_basic
    assert.match(checkConfig(config).stdout, /^client auth   client_secret_post \(client_auth = client_secret_post, as configured; the provider lists no token_endpoint_auth_methods_supported, which means client_secret_basic\)$/m);
    assert.match(checkConfig(writeConfig(tempDir(), h.issuer('ok'))).stdout, /^client auth   client_secret_basic \(client_auth = auto: client_secret_basic, the strongest that the configuration allows \(client_secret_basic, client_secret_post\) and the provider does not refuse \(it lists no token_endpoint_auth_methods_supported\)\)$/m);
    const k = clientKey('EC', tempDir());
    assert.match(checkConfig(writeConfig(tempDir(), h.issuer('ok'), { client_secret: undefined, client_key_file: k.file })).stdout,
      /^client auth   private_key_jwt \(client_auth = auto: private_key_jwt, the strongest that the configuration allows \(private_key_jwt\) and the provider does not refuse \(it lists no token_endpoint_auth_methods_supported\)\)$/m);
  } finally { await h.stop(); }
});

for (const type of ['RSA', 'EC']) {
  test(`private_key_jwt with an ${type} key (${type === 'RSA' ? 'RS256' : 'ES256'} assertion): a whole login without a client secret`, async () => {
    const dir = tempDir();
    const k = clientKey(type, dir, type === 'RSA' ? 'client-rsa-1' : undefined);
    const p = await provider({ env: { CLIENT_AUTH: 'private_key_jwt', CLIENT_JWKS: k.jwks } });
    const config = writeConfig(dir, p.issuer, { client_secret: undefined, client_key_file: k.file,
      client_kid: type === 'RSA' ? 'client-rsa-1' : undefined });
    const r = await loginOk(config);
    // the key never reaches a log line or the page
    const body = k.pem.split('\n')[1];
    assert.ok(!r.stderr.includes(body) && !r.raw.includes(body));
    // every assertion is new (jti): a second login is accepted as well
    await loginOk(config, 'bob');
    const c = checkConfig(config);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /^client auth   private_key_jwt \(client_auth = auto: private_key_jwt, /m);
    assert.match(c.stdout, type === 'RSA' ? /^client key    RS256, 2048 bits, kid=client-rsa-1$/m : /^client key    ES256, 256 bits$/m);
  });
}

test('private_key_jwt with a key the provider does not know: refused with a clear page', async () => {
  const dir = tempDir();
  const registered = clientKey('RSA', dir);
  const p = await provider({ env: { CLIENT_AUTH: 'private_key_jwt', CLIENT_JWKS: registered.jwks } });
  const other = clientKey('EC', dir);
  const config = writeConfig(dir, p.issuer, { client_secret: undefined, client_key_file: other.file });
  const { redirect } = await fullLogin({ config, query: 'room=AuthRoom' });
  assertOneLine(redirect, 502, /token endpoint answered HTTP 401: error=invalid_client .*\(client authentication: private_key_jwt\)$/);
});

test('none: a public client (no client_secret) logs in with PKCE alone', async () => {
  const p = await provider({ env: { CLIENT_AUTH: 'none' } });
  const config = writeConfig(tempDir(), p.issuer, { client_secret: undefined });
  await loginOk(config);
  const c = checkConfig(config);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^client auth   none \(client_auth = auto: none, /m);
  // the same client with client_auth = none said outright
  await loginOk(writeConfig(tempDir(), p.issuer, { client_secret: undefined, client_auth: 'none' }), 'bob');
});

test('auto with nothing in common with the provider: --check-config fails, a login gets a clear 502', async () => {
  const p = await provider({ env: { CLIENT_AUTH: 'private_key_jwt', CLIENT_AUTH_METHODS: 'private_key_jwt',
    CLIENT_JWKS: clientKey('RSA', tempDir()).jwks } });
  const config = writeConfig(tempDir(), p.issuer);
  const c = checkConfig(config);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /client auth: client_auth = auto: the provider accepts private_key_jwt at its token endpoint, and the configuration allows only client_secret_basic, client_secret_post/);
  const { redirect } = await fullLogin({ config, query: 'room=AuthRoom' });
  assertOneLine(redirect, 502, /client_auth = auto: the provider accepts private_key_jwt/);
  // an explicit method the provider does not list is used as configured,
  // and --check-config says so
  const e = checkConfig(writeConfig(tempDir(), p.issuer, { client_auth: 'client_secret_post' }));
  assert.match(e.stdout, /client_auth = client_secret_post, as configured; the provider does not list it \(it lists private_key_jwt\)/);
});

test('client key files: unreadable, not a key, encrypted, unusable -- each a configuration error naming it', async () => {
  const dir = tempDir();
  const p = await provider({});
  const bad = (over, re) => {
    // a new file each time (a FastCGI process keeps what it read)
    const config = writeConfig(tempDir(), p.issuer, { client_secret: undefined, ...over });
    const a = runCgi({ config, path: '/authorize', query: 'room=r' });
    assertOneLine(a, 500, re);
    assert.match(a.body, /not configured correctly/);
    const c = checkConfig(config);
    assert.equal(c.status, 1);
    assert.match(c.stderr, re);
  };
  bad({ client_key_file: join(dir, 'missing.pem') }, /client_key_file: cannot open ".*missing\.pem": No such file/);
  writeFileSync(join(dir, 'text.pem'), 'this is not a key\n');
  bad({ client_key_file: join(dir, 'text.pem') }, /client_key_file: not a PEM private key/);
  const enc = spawnSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-128-cbc', '-pass', 'pass:pw',
    '-out', join(dir, 'enc.pem')], { encoding: 'utf8' });
  assert.equal(enc.status, 0, enc.stderr);
  bad({ client_key_file: join(dir, 'enc.pem') }, /client_key_file: an encrypted key/);
  bad({ client_kid: 'k1' }, /client_kid: used only with client_key_file/);
  bad({ client_auth: 'private_key_jwt' }, /client_auth: private_key_jwt needs client_key_file/);
  bad({ client_auth: 'none', client_secret: SECRETS.client }, /client_auth: none is a public client, which has no client_secret/);
  // armour around garbage, and a weak RSA key: found by --check-config,
  // and by a login at the token request
  writeFileSync(join(dir, 'garbage.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  writeFileSync(join(dir, 'weak.pem'), weak);
  for (const [f, re] of [['garbage.pem', /client_key_file: not a private key OpenSSL can read/],
    ['weak.pem', /client_key_file: RSA key of 1024 bits \(at least 2048\)/]]) {
    const config = writeConfig(tempDir(), p.issuer, { client_secret: undefined, client_key_file: join(dir, f) });
    const c = checkConfig(config);
    assert.equal(c.status, 1);
    assert.match(c.stderr, re);
    const { redirect } = await fullLogin({ config, query: 'room=r' });
    assertOneLine(redirect, 500, re);
  }
});

for (const alg of ['HS256', 'HS512']) {
  test(`an ID token signed ${alg} with the client secret (Core 10.1): a whole login`, async () => {
    const p = await provider({ alg, env: { CLIENT_SECRET: LONG_SECRET } });
    const config = writeConfig(tempDir(), p.issuer, { client_secret: LONG_SECRET });
    await loginOk(config);
    const c = checkConfig(config);
    assert.equal(c.status, 0, c.stderr);
    // (oidc-provider lists the algorithms it has keys for)
    assert.match(c.stdout, new RegExp(`^id_token algs ${alg}, RS256, ES256 accepted \\(the provider lists ${alg}, RS256, ES256\\)$`, 'm'));
  });
}

for (const alg of ['PS256', 'PS512']) {
  test(`an ID token signed ${alg} (RSA-PSS, node's crypto) verifies: a whole login`, async () => {
    const p = await provider({ alg });
    await loginOk(writeConfig(tempDir(), p.issuer));
  });
}

test('--check-config fails when the provider signs only with algorithms not accepted here (HS512 without a secret)', async () => {
  const p = await provider({ alg: 'HS512', env: { CLIENT_SECRET: LONG_SECRET, ID_TOKEN_ALGS: 'HS512' } });
  const pub = checkConfig(writeConfig(tempDir(), p.issuer, { client_secret: undefined }));
  assert.equal(pub.status, 1);
  assert.match(pub.stderr, /id_token algs: the provider signs ID tokens with HS512; none of them is accepted here/);
  const ok = checkConfig(writeConfig(tempDir(), p.issuer, { client_secret: LONG_SECRET }));
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^id_token algs HS512 accepted \(the provider lists HS512\)$/m);
  // a provider listing only an algorithm not done here (the scripted one:
  // oidc-provider lists only the algorithms it has keys for)
  const h = await startHostile();
  try {
    const e = checkConfig(writeConfig(tempDir(), h.issuer('eddsa-only')));
    assert.equal(e.status, 1);
    assert.match(e.stderr, /the provider signs ID tokens with EdDSA; none of them is accepted here/);
    const ok2 = checkConfig(writeConfig(tempDir(), h.issuer('ok')));
    assert.equal(ok2.status, 0, ok2.stderr);
    assert.match(ok2.stdout, /^id_token algs RS256, ES256 accepted \(the provider lists RS256, ES256\)$/m);
  } finally { await h.stop(); }
});

test('HS256 from the scripted provider: accepted only when listed and keyed with the secret, never with a JWKS key', async () => {
  const h = await startHostile();
  try {
    const ok = await scenarioLogin(h, 'hs256');
    assert.equal(ok.redirect.status, 302, ok.redirect.stderr);
    // glewlwyd: HS256 and a JWKS that answers 403
    const g = await scenarioLogin(h, 'hs256-jwks-403');
    assert.equal(g.redirect.status, 302, g.redirect.stderr);
    const rs = await scenarioLogin(h, 'rs256-jwks-403');
    assertRejected(rs.redirect, 502, /ID token kid "k1" \(RS256\) not in the provider's JWKS; re-fetching the JWKS: JWKS .* answered HTTP 403/);
    const unlisted = await scenarioLogin(h, 'hs256-unlisted');
    assertRejected(unlisted.redirect, 502, /ID token alg "HS256" not accepted: the provider's discovery does not list it/);
    const wrong = await scenarioLogin(h, 'hs256-wrong-secret');
    assertRejected(wrong.redirect, 502, /ID token signature does not verify \(HS256 with the client secret\)/);
    // checklist 3 against a provider that lists HS256: the RSA public
    // key as the HMAC key does not verify
    const conf = await scenarioLogin(h, 'alg-confusion-listed');
    assertRejected(conf.redirect, 502, /ID token signature does not verify \(HS256 with the client secret\)/);
    // a public client: no secret to key HS256 with
    const pub = await scenarioLogin(h, 'hs256', { over: { client_secret: undefined, client_auth: 'client_secret_basic' } });
    assert.equal(pub.authorize.status, 500);
  } finally { await h.stop(); }
});
