// Issue 12 (hardening, round 2): each attack reproduced against the CGI
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
const session = (body, cfg = config) => sealTool([SECRETS.cookie, 'session', String(now() + 600), JSON.stringify(body), cfg]);

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
