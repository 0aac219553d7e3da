// Black-box tests: the CGI binary run exactly as a web server runs it
// (REQUEST_METHOD, PATH_INFO, QUERY_STRING, HTTP_COOKIE, JITSI_OIDC_CONFIG),
// checking status, headers, cookies and the one log line of each failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastcgi, startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, sealTool,
  configText, SECRETS, freePort } from './lib/harness.mjs';
import { PUBLIC } from './lib/login.mjs';

let idp; let config; let dir;
before(async () => {
  idp = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  dir = tempDir();
  config = writeConfig(dir, idp.issuer);
});
after(() => idp.stop());

const now = () => Math.floor(Date.now() / 1000);

// Every failure: the status, a short HTML page, no redirect, no token,
// no-store, and exactly one log line naming the reason.
function expectFailure(res, status, logPattern) {
  assertClean(assert, res);
  assert.equal(res.status, status, `status ${res.status}: ${res.stderr} ${res.body.slice(0, 200)}`);
  assert.equal(res.location, undefined, 'no Location on a failure');
  assert.doesNotMatch(res.raw, /jwt=/);
  assert.equal(res.header('cache-control'), 'no-store');
  assert.match(res.header('content-type'), /^text\/html; charset=utf-8$/);
  assert.match(res.body, /^<!DOCTYPE html>/);
  const lines = res.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `exactly one log line, got: ${res.stderr}`);
  assert.match(lines[0], /^jitsi-oidc: [a-z-]+: \d{3}: /);
  if (logPattern) assert.match(lines[0], logPattern);
  for (const s of Object.values(SECRETS)) assert.ok(!res.raw.includes(s) && !res.stderr.includes(s), 'secret leaked');
  return res;
}

function startLogin(query = 'room=MyRoom', cfg = config) {
  const a = runCgi({ config: cfg, path: '/authorize', query });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  return { a, state: new URL(a.location).searchParams.get('state'), cookie: a.cookies.jitsi_oidc_state.value };
}

function stateDeleted(res) {
  const c = res.cookies.jitsi_oidc_state;
  assert.ok(c && c.value === '' && c.attrs.includes('Max-Age=0'), 'state cookie deleted');
}

// --- routes and methods -------------------------------------------------

test('an unknown path is 404', () => {
  for (const path of ['/', '/admin', '/authorize/', '/../etc/passwd', '/tokenize%00']) {
    expectFailure(runCgi({ config, path }), 404, /no such route/);
  }
});

test('POST, PUT and DELETE are 405 with Allow: GET, HEAD', () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = expectFailure(runCgi({ config, method, path: '/authorize', query: 'room=a' }), 405, /method/);
    assert.equal(r.header('allow'), 'GET, HEAD');
  }
});

test('HEAD of /authorize gets the headers, no body and no cookie', () => {
  const r = runCgi({ config, method: 'HEAD', path: '/authorize', query: 'room=a' });
  assertClean(assert, r);
  assert.equal(r.status, 302);
  assert.equal(r.body, '');
  assert.equal(r.cookies.jitsi_oidc_state, undefined);
});

test('authorize redirects to the provider with a sealed state cookie', () => {
  const { a } = startLogin();
  assert.ok(a.location.startsWith(`${idp.issuer}/auth?`));
  assert.equal(a.header('cache-control'), 'no-store');
  const c = a.cookies.jitsi_oidc_state;
  assert.match(c.value, /^v1\.[A-Za-z0-9_-]+$/);
  assert.ok(c.value.length < 4096);
  for (const at of ['Max-Age=300', 'Path=/oidc', 'HttpOnly', 'SameSite=Lax', 'Secure']) assert.ok(c.attrs.includes(at), at);
  assert.equal(a.stderr, '');
});

test('cookies are not Secure when public_url is http on loopback', () => {
  const d = tempDir();
  const cfg = writeConfig(d, idp.issuer, { public_url: 'http://127.0.0.1:8080/sso/oidc' });
  const { a } = startLogin('room=a', cfg);
  const c = a.cookies.jitsi_oidc_state;
  assert.ok(!c.attrs.includes('Secure'));
  assert.ok(c.attrs.includes('Path=/sso/oidc'));
  assert.equal(new URL(a.location).searchParams.get('redirect_uri'), 'http://127.0.0.1:8080/sso/oidc/redirect');
});

// --- configuration --------------------------------------------------------

function badConfig(text, re) {
  const d = tempDir();
  const p = join(d, 'bad.conf');
  writeFileSync(p, text);
  const r = expectFailure(runCgi({ config: p, path: '/authorize', query: 'room=a' }), 500, re);
  assert.match(r.body, /not configured correctly/);
  return r;
}

const good = () => ({
  issuer: 'http://127.0.0.1:9', client_id: 'jitsi', client_secret: SECRETS.client,
  public_url: 'https://meet.example.test/oidc', jitsi_url: 'https://meet.example.test',
  jitsi_app_id: 'app', jitsi_app_secret: SECRETS.jitsi, cookie_secret: SECRETS.cookie,
});

test('config: a missing file is a 500 that names the file', () => {
  expectFailure(runCgi({ config: '/nonexistent/jitsi-oidc.conf', path: '/authorize', query: 'room=a' }), 500,
    /\/nonexistent\/jitsi-oidc\.conf: cannot open/);
});

test('config: an unknown key names file:line and the key', () => {
  badConfig(configText(good()) + 'colour = blue\n', /bad\.conf:9: colour: unknown key/);
});

test('config: a duplicate key names file:line and the key', () => {
  badConfig(configText(good()) + 'client_id = again\n', /bad\.conf:9: client_id: duplicate key/);
});

test('config: a line without "=" names file:line', () => {
  badConfig('# comment\n\n' + configText(good()) + 'just words\n', /bad\.conf:11: line without '='/);
});

test('config: a missing required key is named', () => {
  const g = good(); delete g.jitsi_app_id;
  badConfig(configText(g), /jitsi_app_id: required key missing/);
  // a client without a secret is a public client (client_auth = none);
  // the methods that send the secret need it
  const h = good(); delete h.client_secret;
  badConfig(configText({ ...h, client_auth: 'client_secret_basic' }), /client_auth: client_secret_basic needs client_secret \(or client_secret_file\)/);
});

test('config: invalid values are named with file:line', () => {
  badConfig(configText({ ...good(), token_lifetime: 100 }), /bad\.conf:9: token_lifetime: expected whole seconds from 300/);
  badConfig(configText({ ...good(), http_timeout: 'ten' }), /http_timeout: expected whole seconds/);
  badConfig(configText({ ...good(), issuer: 'http://idp.example.com' }), /bad\.conf:1: issuer: URL must use https/);
  badConfig(configText({ ...good(), jitsi_url: 'ftp://meet' }), /jitsi_url: not an absolute http\(s\) URL/);
  badConfig(configText({ ...good(), cookie_secret: 'short' }), /cookie_secret: must be at least 32 bytes, got 5/);
  badConfig(configText({ ...good(), scope: 'profile email' }), /scope: must contain "openid"/);
});

test('config: a secret and its _file twin together are refused', () => {
  const d = tempDir();
  writeFileSync(join(d, 's'), 'x'.repeat(40) + '\n');
  badConfig(configText({ ...good(), cookie_secret_file: join(d, 's') }), /cookie_secret_file: conflicts with cookie_secret/);
});

test('config: secrets read from files (trailing newline stripped) work end to end', () => {
  const d = tempDir();
  writeFileSync(join(d, 'client'), SECRETS.client + '\n');
  writeFileSync(join(d, 'cookie'), SECRETS.cookie + '\n');
  writeFileSync(join(d, 'jitsi'), SECRETS.jitsi);
  const cfg = writeConfig(d, idp.issuer, { client_secret: null, cookie_secret: null, jitsi_app_secret: null,
    client_secret_file: join(d, 'client'), cookie_secret_file: join(d, 'cookie'), jitsi_app_secret_file: join(d, 'jitsi') });
  // The same secret from a file opens a cookie sealed with the inline one.
  const { cookie, state } = startLogin('room=a');
  const r = runCgi({ config: cfg, path: '/redirect', query: `state=${state}&error=access_denied`, cookie: cookieHeader(['jitsi_oidc_state', cookie]) });
  expectFailure(r, 403, /provider returned error=access_denied/);
});

// --- authorize: rooms --------------------------------------------------------

const badRooms = {
  'double slash': '%2F%2Fevil.example', 'slash-backslash': '%2F%5Cevil', backslash: '%5Cevil',
  'tab path': '%2F%09%2Fevil', 'encoded slashes (double-encoded)': '%252f%252fevil', 'encoded backslash': '%255cevil',
  'https: scheme': 'https%3Aevil', javascript: 'javascript%3Aalert(1)', 'full URL': 'https%3A%2F%2Fevil.example%2Fx',
  'dot dot': '..', 'dots inside': 'a..b', question: 'a%3Fb', hash: 'a%23b', ampersand: 'a%26b',
  CR: 'a%0Db', LF: 'a%0Ab', NUL: 'a%00b', quote: 'a%22b', angle: '%3Cscript%3E', empty: '',
  'too long': 'a'.repeat(201), 'invalid UTF-8': '%C3%28', 'leading blank': '%20a',
};
for (const [name, room] of Object.entries(badRooms)) {
  test(`authorize refuses a room that is not a plain name: ${name}`, () => {
    expectFailure(runCgi({ config, path: '/authorize', query: `room=${room}` }), 400, /room/);
  });
}

test('authorize refuses a missing room, a bad tenant, and bad Jitsi state', () => {
  expectFailure(runCgi({ config, path: '/authorize', query: '' }), 400, /no room given/);
  expectFailure(runCgi({ config, path: '/authorize', query: 'room=a&tenant=%2F%2Fevil' }), 400, /tenant/);
  expectFailure(runCgi({ config, path: '/authorize', query: 'state=%7Bnot%20json' }), 400, /state is not a JSON object/);
  expectFailure(runCgi({ config, path: '/authorize', query: `state=${encodeURIComponent(JSON.stringify({ room: '//evil.example' }))}` }), 400, /room/);
  expectFailure(runCgi({ config, path: '/authorize', query: `state=${encodeURIComponent(JSON.stringify({ room: 'a%2F%2Fevil' }))}` }), 400, /room/);
  expectFailure(runCgi({ config, path: '/authorize', query: `state=${encodeURIComponent(JSON.stringify({ room: 'x'.repeat(5000) }))}` }), 400, /state of \d+ bytes/);
});

test('authorize accepts non-ASCII and blank-containing rooms, percent-encoded either way', () => {
  for (const q of ['room=Caf%C3%A9%20Room', 'room=Caf%C3%A9+Room', `state=${encodeURIComponent(JSON.stringify({ room: 'Caf%C3%A9%20Room', roomSafe: 'caf%c3%a9%20room' }))}`]) {
    const r = runCgi({ config, path: '/authorize', query: q });
    assertClean(assert, r);
    assert.equal(r.status, 302, `${q}: ${r.stderr}`);
  }
});

// Linux caps one environment string at 128 KiB (MAX_ARG_STRLEN), so a CGI
// never sees a 1 MiB query or cookie; 120 KiB is the largest it can get.
const BIG = 120 * 1024;

test('query strings: duplicated, malformed, control characters, 120 KiB', () => {
  expectFailure(runCgi({ config, path: '/authorize', query: 'room=a&room=b' }), 400, /"room" repeated/);
  expectFailure(runCgi({ config, path: '/authorize', query: 'room=a%zz' }), 400, /malformed percent-encoding/);
  expectFailure(runCgi({ config, path: '/authorize', query: 'room=a%0D%0ASet-Cookie:x=y' }), 400, /control character/);
  expectFailure(runCgi({ config, path: '/authorize', query: 'room=a&x=%00' }), 400, /control character/);
  expectFailure(runCgi({ config, path: '/authorize', query: 'room=' + 'a'.repeat(BIG) }), 400, /query string of 122885 bytes/);
});

test('authorize with the provider unreachable is a 502 naming the URL', async () => {
  const port = await freePort();
  const cfg = writeConfig(tempDir(), `http://127.0.0.1:${port}`);
  expectFailure(runCgi({ config: cfg, path: '/authorize', query: 'room=a' }), 502,
    new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/\\.well-known/openid-configuration`));
});

// --- redirect: state and cookies ------------------------------------------

test('redirect without a state cookie is 400 and deletes the cookie', () => {
  const r = expectFailure(runCgi({ config, path: '/redirect', query: 'code=x&state=y' }), 400, /no jitsi_oidc_state cookie/);
  stateDeleted(r);
});

test('redirect with a tampered state cookie is 400 (every region of the value)', () => {
  const { cookie, state } = startLogin();
  const raw = cookie.slice(3);
  // version/expiry, iv, ciphertext and tag regions of the sealed value
  for (const pos of [0, 4, 12, 20, Math.floor(raw.length / 2), raw.length - 10, raw.length - 1]) {
    const ch = raw[pos] === 'A' ? 'B' : 'A';
    const bad = 'v1.' + raw.slice(0, pos) + ch + raw.slice(pos + 1);
    const r = expectFailure(runCgi({ config, path: '/redirect', query: `code=x&state=${state}`, cookie: cookieHeader(['jitsi_oidc_state', bad]) }), 400,
      /jitsi_oidc_state cookie: (sealed value failed authentication|malformed sealed value)/);
    stateDeleted(r);
  }
});

test('redirect with a truncated state cookie is 400', () => {
  const { cookie, state } = startLogin();
  for (const bad of [cookie.slice(0, 40), cookie.slice(0, -1), 'v1.', 'garbage']) {
    expectFailure(runCgi({ config, path: '/redirect', query: `code=x&state=${state}`, cookie: cookieHeader(['jitsi_oidc_state', bad]) }), 400, /jitsi_oidc_state cookie/);
  }
});

test('a state cookie sealed with another secret is 400', () => {
  const { state } = startLogin();
  const other = sealTool(['another-secret-0123456789abcdef0123456789', 'state', String(now() + 300),
    JSON.stringify({ st: state, no: 'n', cv: 'v', r: 'a' })]);
  expectFailure(runCgi({ config, path: '/redirect', query: `code=x&state=${state}`, cookie: cookieHeader(['jitsi_oidc_state', other]) }), 400, /failed authentication/);
});

test('an expired state cookie is 400 and says expired', () => {
  const expired = sealTool([SECRETS.cookie, 'state', String(now() - 1), JSON.stringify({ st: 's', no: 'n', cv: 'v', r: 'a' })]);
  expectFailure(runCgi({ config, path: '/redirect', query: 'code=x&state=s', cookie: cookieHeader(['jitsi_oidc_state', expired]) }), 400, /expired/);
});

test('a session cookie presented as the state cookie is 400, and the reverse is 401', () => {
  const sess = sealTool([SECRETS.cookie, 'session', String(now() + 3600), JSON.stringify({ sub: 'alice', r: 'a' })]);
  expectFailure(runCgi({ config, path: '/redirect', query: 'code=x&state=s', cookie: cookieHeader(['jitsi_oidc_state', sess]) }), 400, /failed authentication/);
  const { cookie } = startLogin();
  expectFailure(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', cookie]) }), 401, /failed authentication/);
});

test('state missing, different or duplicated is 400', () => {
  const { cookie, state } = startLogin();
  const c = cookieHeader(['jitsi_oidc_state', cookie]);
  expectFailure(runCgi({ config, path: '/redirect', query: 'code=x', cookie: c }), 400, /state parameter missing/);
  expectFailure(runCgi({ config, path: '/redirect', query: `code=x&state=${state}x`, cookie: c }), 400, /does not match/);
  expectFailure(runCgi({ config, path: '/redirect', query: `code=x&state=${state}&state=${state}`, cookie: c }), 400, /"state" repeated/);
  expectFailure(runCgi({ config, path: '/redirect', query: `code=x&code=y&state=${state}`, cookie: c }), 400, /"code" repeated/);
});

test('an iss in the authorization response that is not our issuer is 400 (RFC 9207)', () => {
  const { cookie, state } = startLogin();
  expectFailure(runCgi({ config, path: '/redirect', query: `code=x&state=${state}&iss=https%3A%2F%2Fevil.example`, cookie: cookieHeader(['jitsi_oidc_state', cookie]) }), 400, /iss/);
});

test('a callback without a code is 400', () => {
  const { cookie, state } = startLogin();
  expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}`, cookie: cookieHeader(['jitsi_oidc_state', cookie]) }), 400, /code parameter missing/);
});

test('error= from the provider: a plain page, the text escaped, never reflected raw', () => {
  const { cookie, state } = startLogin();
  const c = cookieHeader(['jitsi_oidc_state', cookie]);
  const r = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E`, cookie: c }), 403, /error=access_denied/);
  assert.doesNotMatch(r.body, /<script>/);
  assert.match(r.body, /denied access/);
  stateDeleted(r);
  const r2 = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&error=server_error&error_description=a%0D%0ASet-Cookie%3A%20x%3Dy`, cookie: c }), 400, /control character/);
  assert.ok(!r2.headers.some(([k, v]) => k === 'set-cookie' && v.startsWith('x=')));
  stateDeleted(r2);
  // An error with a state that does not match is a state failure first.
  expectFailure(runCgi({ config, path: '/redirect', query: 'state=other&error=access_denied', cookie: c }), 400, /state parameter does not match/);
});

test('other sites\' cookies of 120 KiB are skipped; our cookie sent twice is ignored, not fatal (issue 12 item 8)', () => {
  // a sibling host can set any amount of them at our path (HTTP/2 joins
  // them into one header): not a 400 that stops every login and logout
  expectFailure(runCgi({ config, path: '/tokenize', cookie: 'a=' + 'x'.repeat(BIG) }), 401, /no jitsi_oidc_session cookie/);
  expectFailure(runCgi({ config, path: '/tokenize', cookie: 'jitsi_oidc_session=a; jitsi_oidc_session=b' }), 401,
    /jitsi_oidc_session cookie sent 2 times \(a copy planted by another host\?\): every copy ignored and deleted/);
});

test('other cookies (the provider\'s _session, _interaction) are ignored', () => {
  const r = runCgi({ config, path: '/tokenize', cookie: '_session=abc; _interaction=def; other="q"' });
  expectFailure(r, 401, /no jitsi_oidc_session cookie/);
});

// --- tokenize -------------------------------------------------------------------

test('tokenize without a session is 401 with a way back', () => {
  const r = expectFailure(runCgi({ config, path: '/tokenize' }), 401, /no jitsi_oidc_session cookie/);
  assert.match(r.body, /href="https:\/\/meet\.example\.test"/);
});

test('tokenize with an expired or tampered session is 401', () => {
  const expired = sealTool([SECRETS.cookie, 'session', String(now() - 5), JSON.stringify({ sub: 'alice', r: 'a' })]);
  expectFailure(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', expired]) }), 401, /expired/);
  const ok = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ sub: 'alice', r: 'a' }), config]);
  const bad = ok.slice(0, -3) + (ok.endsWith('AAA') ? 'BBB' : 'AAA');
  expectFailure(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', bad]) }), 401, /failed authentication|malformed/);
});

test('review3: a session longer than this configuration makes is not honoured (session_lifetime lowered)', () => {
  const short = writeConfig(tempDir(), idp.issuer, { session_lifetime: 600 });
  // as /redirect seals it: the seal's and the session's own expiry (x)
  const long = sealTool([SECRETS.cookie, 'session', String(now() + 8 * 3600), JSON.stringify({ sub: 'alice', r: 'a', x: now() + 8 * 3600 }), short]);
  expectFailure(runCgi({ config: short, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', long]) }), 401, /lasts longer than this configuration/);
  const fits = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ sub: 'alice', r: 'a', x: now() + 600 }), short]);
  assert.equal(runCgi({ config: short, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', fits]) }).status, 302);
});

test('a session longer than max_age allows (max_age lowered) is no single sign-on: a login at the provider, not a 401 at /tokenize', () => {
  const dir = tempDir();
  const short = writeConfig(dir, idp.issuer, { max_age: 600 });
  const t = now();
  const seal = (x) => sealTool([SECRETS.cookie, 'session', String(x), JSON.stringify({ sub: 'alice', r: 'a', x, ck: t }), short]);
  // sealed when max_age was longer (the default session_lifetime's 8 hours)
  const a = runCgi({ config: short, path: '/authorize', query: 'room=Other', cookie: cookieHeader(['jitsi_oidc_session', seal(t + 8 * 3600)]) });
  assertClean(assert, a);
  assert.equal(a.status, 302, a.stderr);
  assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), a.location);
  assert.match(a.location, /[?&]max_age=600(&|$)/);
  // one that fits goes on to /tokenize
  const b = runCgi({ config: short, path: '/authorize', query: 'room=Other', cookie: cookieHeader(['jitsi_oidc_session', seal(t + 600)]) });
  assert.equal(b.location, 'https://meet.example.test/oidc/tokenize', b.stderr);
  const k = runCgi({ config: short, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', b.cookies.jitsi_oidc_session.value]) });
  assert.equal(k.status, 302, k.stderr);
});

test('tokenize with a valid session redirects into the room, the tenant and the hash flags', () => {
  const ok = sealTool([SECRETS.cookie, 'session', String(now() + 600),
    JSON.stringify({ sub: 'bob', name: 'Bob', r: 'Room One', t: 'acme', f: 'config.prejoinConfig.enabled=false', ck: now() }), config]);
  const r = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', ok]) });
  assertClean(assert, r);
  assert.equal(r.status, 302);
  // the token in the hash, quoted (Jitsi JSON-parses hash values), after the options
  assert.match(r.location, /^https:\/\/meet\.example\.test\/acme\/Room%20One\?oidc=ok#config\.prejoinConfig\.enabled=false&jwt=%22[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+%22$/);
  // jitsi_token_in = query: ?jwt= for Jitsi clients older than mid-2024
  const q = writeConfig(tempDir(), idp.issuer, { jitsi_token_in: 'query' });
  const old = runCgi({ config: q, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session',
    sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ sub: 'bob', r: 'Room One', f: 'config.x=1', ck: now() }), q])]) });
  assert.match(old.location, /^https:\/\/meet\.example\.test\/Room%20One\?jwt=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+#config\.x=1$/);
  assert.equal(r.stderr, '');
});

test('a session is only good for the configuration it was made under, and its room is checked again', () => {
  const body = { sub: 'alice', r: 'Room' };
  // made by another configuration with the same cookie secret (another
  // provider, no rules): refused here
  const otherDir = tempDir();
  const other = writeConfig(otherDir, 'https://other-idp.example.test', { moderator: 'none' });
  const foreign = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify(body), other]);
  expectFailure(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', foreign]) }), 401,
    /session cookie made under another configuration/);
  // and no fingerprint at all
  const bare = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify(body)]);
  expectFailure(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', bare]) }), 401,
    /another configuration/);
  // a room that could never have passed /authorize
  const bad = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify({ sub: 'alice', r: 'a/../b' }), config]);
  expectFailure(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', bad]) }), 401,
    /session cookie holds an invalid room/);
  const good = sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify(body), config]);
  assert.equal(runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', good]) }).status, 302);
});

test('the shipped example holds no secret value, is valid once its secret files exist, and every secret value it or the docs show is refused', async () => {
  const { readFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const example = readFileSync(join(process.cwd(), 'conf', 'jitsi-oidc.conf.example'), 'utf8');
  const SECRET_KEYS = /^(client_secret|cookie_secret|cookie_secret_old|jitsi_app_secret) = (.*)$/gm;
  assert.deepEqual([...example.matchAll(SECRET_KEYS)], [], 'no secret value in the example');
  // As make install leaves it: the *_file keys point at files that exist.
  const d = tempDir();
  writeFileSync(join(d, 'client_secret'), SECRETS.client + '\n');
  for (const f of ['cookie_secret', 'jitsi_app_secret']) {
    writeFileSync(join(d, f), spawnSync('openssl', ['rand', '-base64', '48'], { encoding: 'utf8' }).stdout);
  }
  const p = join(d, 'jitsi-oidc.conf');
  writeFileSync(p, example.split('/etc/jitsi-oidc/').join(`${d}/`));
  // Loaded (not a 500): the request is simply not logged in.
  expectFailure(runCgi({ config: p, path: '/tokenize' }), 401, /no jitsi_oidc_session cookie/);
  // Every secret value shown in a comment of the example, and in conf/jitsi-config.js, uncommented: refused.
  const shown = [...example.matchAll(/^# ((?:client_secret|cookie_secret|cookie_secret_old|jitsi_app_secret) = .*)$/gm)].map((m) => m[1]);
  const js = readFileSync(join(process.cwd(), 'conf', 'jitsi-config.js'), 'utf8');
  for (const m of js.matchAll(/app_secret = "([^"]+)"|JWT_APP_SECRET=(\S+)/g)) shown.push(`jitsi_app_secret = ${m[1] || m[2]}`);
  assert.ok(shown.length >= 5, shown.join(', '));
  for (const line of shown) {
    const key = line.slice(0, line.indexOf(' '));
    const g = good(); delete g[key];
    badConfig(configText(g) + line + '\n', new RegExp(`${key}: (a placeholder|the example value|not random)`));
  }
});

test('command line: --version, --help, and --check-config against the real provider', async () => {
  const { spawnSync } = await import('node:child_process');
  const { cgiPath } = await import('./lib/harness.mjs');
  const env = { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' };
  let r = spawnSync(cgiPath, ['--version'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^jitsi-oidc \d+\.\d+\.\d+\n$/);
  r = spawnSync(cgiPath, ['--help'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: jitsi-oidc/);
  r = spawnSync(cgiPath, ['--bogus'], { env, encoding: 'utf8' });
  assert.equal(r.status, 2);
  r = spawnSync(cgiPath, ['--check-config'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`issuer +${idp.issuer}`));
  assert.match(r.stdout, /key +kid=rs-\S+ RSA 2048 bits/);
  assert.match(r.stdout, /key +kid=es-\S+ EC P-256 256 bits/);
  assert.match(r.stdout, /cookies +Path=\/oidc; Secure; HttpOnly; SameSite=Lax/);
  r = spawnSync(cgiPath, ['--check-config'], { env: { ...env, JITSI_OIDC_CONFIG: '/nonexistent' }, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/nonexistent: cannot open/);
});

test('libcurl is loaded only by a request that calls the provider', { skip: (!!process.env.JO_CGI_WRAPPER && 'wrapped') || (fastcgi && 'a CGI matter: a FastCGI process loads libcurl once and keeps it') }, () => {
  const loaded = (r) => /libcurl\.so/.test(r.stderr);
  const d = tempDir();
  const cfg = writeConfig(d, idp.issuer);
  // cold cache: discovery is fetched -> libcurl
  const cold = runCgi({ config: cfg, path: '/authorize', query: 'room=a', extraEnv: { LD_DEBUG: 'libs' } });
  assert.equal(cold.status, 302);
  assert.ok(loaded(cold), 'a cold /authorize loads libcurl');
  // warm cache: no request, no libcurl
  const warm = runCgi({ config: cfg, path: '/authorize', query: 'room=a', extraEnv: { LD_DEBUG: 'libs' } });
  assert.equal(warm.status, 302);
  assert.ok(!loaded(warm), 'a warm /authorize does not load libcurl');
  const tok = runCgi({ config: cfg, path: '/tokenize', extraEnv: { LD_DEBUG: 'libs' } });
  assert.equal(tok.status, 401);
  assert.ok(!loaded(tok), '/tokenize does not load libcurl');
});

test('--check-config lists every problem with file:line; the CGI logs the first and says there are more', async () => {
  const { spawnSync } = await import('node:child_process');
  const { cgiPath } = await import('./lib/harness.mjs');
  const d = tempDir();
  const p = join(d, 'many.conf');
  writeFileSync(p, 'issuer = http://evil.example\ncolour = blue\nclient_id = a\nclient_id = b\nnonsense\ntoken_lifetime = 5\n');
  const r = spawnSync(cgiPath, ['--check-config'], { env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: p, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' }, encoding: 'utf8' });
  assert.equal(r.status, 1);
  for (const re of [/many\.conf:1: issuer: URL must use https/, /many\.conf:2: colour: unknown key/, /many\.conf:4: client_id: duplicate key/,
    /many\.conf:5: line without '='/, /many\.conf:6: token_lifetime: expected whole seconds/,
    /public_url: required key missing/, /cookie_secret: required key missing/]) assert.match(r.stderr, re);
  const c = expectFailure(runCgi({ config: p, path: '/authorize', query: 'room=a' }), 500, /many\.conf:1: issuer: .* \(and more problems: jitsi-oidc --check-config lists them all\)$/);
  assert.match(c.body, /not configured correctly/);
});

test('a user turned away is linked back to the room with ?oidc=unauthorized|failed, never to a loop', () => {
  const { cookie, state } = startLogin('room=Team%20Room&tenant=acme');
  const c = cookieHeader(['jitsi_oidc_state', cookie]);
  const denied = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&error=access_denied`, cookie: c }), 403, /access_denied/);
  assert.match(denied.body, /<a href="https:\/\/meet\.example\.test\/acme\/Team%20Room\?oidc=unauthorized">Back to the meeting room<\/a>/);
  const failed = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&error=server_error`, cookie: c }), 400, /server_error/);
  assert.match(failed.body, /href="https:\/\/meet\.example\.test\/acme\/Team%20Room\?oidc=failed"/);
  // Without a readable state cookie the room is unknown: the site's root.
  const lost = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&error=access_denied` }), 400, /no jitsi_oidc_state cookie/);
  assert.match(lost.body, /href="https:\/\/meet\.example\.test"/);
});

// Provider error answers as users need them.
test('error=consent_required (consent refused, LemonLDAP::NG) takes the "unauthorized" path like access_denied', () => {
  const { cookie, state } = startLogin('room=MyRoom');
  const r = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&error=consent_required&error_description=consent%20not%20given`,
    cookie: cookieHeader(['jitsi_oidc_state', cookie]) }), 403, /^jitsi-oidc: redirect: 403: provider returned error=consent_required error_description=consent not given$/);
  assert.match(r.body, /did not allow the login provider to share your account/);
  assert.match(r.body, /href="https:\/\/meet\.example\.test\/MyRoom\?oidc=unauthorized"/);
});

test('error=: an empty error_description is not printed, nor trailing blanks', () => {
  for (const [q, line] of [['error=server_error&error_description=', 'provider returned error=server_error'],
    ['error=invalid_request', 'provider returned error=invalid_request'],
    ['error=invalid_request&error_description=%20%20', 'provider returned error=invalid_request'],
    ['error=temporarily_unavailable&error_description=try%20later%20%20%20', 'provider returned error=temporarily_unavailable error_description=try later']]) {
    const { cookie, state } = startLogin('room=MyRoom');
    const r = expectFailure(runCgi({ config, path: '/redirect', query: `state=${state}&${q}`, cookie: cookieHeader(['jitsi_oidc_state', cookie]) }), 400, /./);
    assert.equal(r.stderr.trim(), `jitsi-oidc: redirect: 400: ${line}`, q);
  }
});

test('prompt=none: glewlwyd\'s invalid_request "id_token mandatory" (a user it knows) is interaction needed: back to the room, no failure page', () => {
  const silent = writeConfig(tempDir(), idp.issuer, { prompt: 'none' });
  const { cookie, state } = startLogin('room=MyRoom', silent);
  const r = runCgi({ config: silent, path: '/redirect', query: `state=${state}&error=invalid_request&error_description=id_token%20mandatory`,
    cookie: cookieHeader(['jitsi_oidc_state', cookie]) });
  assertClean(assert, r);
  assert.equal(r.status, 302, r.stderr);
  assert.equal(r.location, 'https://meet.example.test/MyRoom?oidc=failed');
  assert.equal(r.stderr.trim(), 'jitsi-oidc: redirect: 302: prompt=none and the provider answered error=invalid_request (id_token mandatory): back to the room without a token');
  // any other invalid_request is still a failure page, as without prompt=none
  const b = startLogin('room=MyRoom', silent);
  expectFailure(runCgi({ config: silent, path: '/redirect', query: `state=${b.state}&error=invalid_request&error_description=code_challenge%20not%20allowed`,
    cookie: cookieHeader(['jitsi_oidc_state', b.cookie]) }), 400, /provider returned error=invalid_request error_description=code_challenge not allowed$/);
  const c = startLogin('room=MyRoom');
  expectFailure(runCgi({ config, path: '/redirect', query: `state=${c.state}&error=invalid_request&error_description=id_token%20mandatory`,
    cookie: cookieHeader(['jitsi_oidc_state', c.cookie]) }), 400, /provider returned error=invalid_request error_description=id_token mandatory$/);
});

// --- what an admin meets installing it ----------------------------

test('config: a placeholder secret (the example\'s, the docs\', or one not random) is a 500; --check-config says how to make one', async () => {
  const { spawnSync } = await import('node:child_process');
  const { cgiPath } = await import('./lib/harness.mjs');
  for (const [over, re] of [
    [{ cookie_secret: 'change-me-to-at-least-32-random-bytes-of-secret' }, /cookie_secret: a placeholder from the example, not a secret; make one with: openssl rand -base64 48/],
    [{ jitsi_app_secret: 'change-me-to-the-same-secret-as-jitsi' }, /jitsi_app_secret: a placeholder/],
    [{ jitsi_app_secret: 'long-alphanumeric' }, /jitsi_app_secret: the example value from the documentation/],
    [{ client_secret: 'change-me' }, /client_secret: a placeholder from the example, not a secret; use the secret the provider issued/],
    [{ cookie_secret: 'x'.repeat(44) }, /cookie_secret: not random \(fewer than 8 different bytes\)/],
  ]) {
    const r = badConfig(configText({ ...good(), ...over }), re);
    assert.doesNotMatch(r.stderr, /to-at-least-32-random|same-secret-as-jitsi|xxxxxxxx/, 'the value is not echoed');
    const p = join(tempDir(), 'placeholder.conf');
    writeFileSync(p, configText({ ...good(), ...over }));
    const c = spawnSync(cgiPath, ['--check-config'], { env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: p, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' }, encoding: 'utf8' });
    assert.equal(c.status, 1);
    assert.match(c.stderr, re);
  }
  // from a file: the _file key is named
  const d = tempDir();
  writeFileSync(join(d, 'cookie'), 'change-me-please-0123456789abcdefghij\n');
  const g = good(); delete g.cookie_secret;
  badConfig(configText({ ...g, cookie_secret_file: join(d, 'cookie') }), /cookie_secret_file: a placeholder/);
});

test('SCRIPT_NAME that is not public_url\'s path: one clear 500 page and a log line naming both', () => {
  const d = tempDir();
  const cfg = writeConfig(d, idp.issuer, { public_url: 'https://meet.example.test/auth' });
  for (const path of ['/authorize', '/redirect', '/tokenize']) {
    const r = expectFailure(runCgi({ config: cfg, path, query: 'room=a' }), 500,
      /configuration: public_url's path is \/auth, but the web server runs the adapter at \/oidc \(SCRIPT_NAME\): make them the same$/);
    assert.match(r.body, /not configured correctly/);
  }
  // the same path (a trailing slash aside), or its end behind a proxy that strips a prefix: fine
  const sub = writeConfig(tempDir(), idp.issuer, { public_url: 'https://meet.example.test/sso/oidc/' });
  assert.equal(runCgi({ config: sub, path: '/authorize', query: 'room=a', extraEnv: { SCRIPT_NAME: '/sso/oidc' } }).status, 302);
  assert.equal(runCgi({ config: sub, path: '/authorize', query: 'room=a', extraEnv: { SCRIPT_NAME: '/oidc/' } }).status, 302);
  expectFailure(runCgi({ config: sub, path: '/authorize', query: 'room=a', extraEnv: { SCRIPT_NAME: '/c' } }), 500, /at \/c \(SCRIPT_NAME\)/);
});

test('room and tenant: a + in ?room= and ?tenant= is a plus (as Jitsi\'s {room} and the nginx rule insert them), %20 a space', () => {
  // the provider unreachable: the failure page links back to the room as understood
  const cfg = writeConfig(tempDir(), 'http://127.0.0.1:9', {});
  const r = expectFailure(runCgi({ config: cfg, path: '/authorize', query: 'room=a+b&tenant=t+1' }), 502, /cannot reach/);
  assert.match(r.body, /href="https:\/\/meet\.example\.test\/t%2B1\/a%2Bb\?oidc=failed"/);
  const s = expectFailure(runCgi({ config: cfg, path: '/authorize', query: 'room=a%20b' }), 502, /cannot reach/);
  assert.match(s.body, /href="https:\/\/meet\.example\.test\/a%20b\?oidc=failed"/);
});
