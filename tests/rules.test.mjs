// Issue 14 item 4, end to end against the real provider
// (tests/idp/provider.mjs and its accounts): the token fields Jitsi acts
// on, as rules of the moderator's shape -- lobby_bypass,
// hidden_from_recorder, visitor -- and context.features.  Every token is
// checked by the independent verifier (domain verification on: subject),
// then claim by claim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, SECRETS, cgiPath } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect, MEET_FEATURES, featureAllowed } from './lib/jitsi-verify.mjs';

const JITSI = 'https://meet.example.test';
const rules = { jitsiUrl: JITSI, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
let idp, thin;

before(async () => {
  const common = { redirectUri: `${PUBLIC}/redirect`, env: { POST_LOGOUT_REDIRECT_URI: `${JITSI}/` } };
  idp = await startProvider(common);
  thin = await startProvider({ ...common, env: { ...common.env, USERINFO_ONLY: '1' } });
});
after(async () => { await idp.stop(); await thin.stop(); });

async function login(over, who, provider = idp, query = 'room=MyRoom') {
  const config = writeConfig(tempDir(), provider.issuer, over);
  const steps = await fullLogin({ config, query, login: who });
  assert.equal(steps.tokenize && steps.tokenize.status, 302, steps.redirect.stderr);
  const { payload } = await verifyJitsiRedirect(steps.tokenize.location, rules);
  return { ...steps, payload, config };
}
const user = (p) => p.context.user;
// the token without the times, which differ between two logins
const timeless = (p) => { const { iat, nbf, exp, ...rest } = p; return rest; };

// --- the defaults leave today's tokens as they are ------------------------------
test('defaults: no rule field, no context.features; every rule written as none gives the same token and keeps the session', async () => {
  const plain = await login({ group_claim: 'groups' }, 'alice');
  assert.deepEqual(Object.keys(plain.payload.context), ['user', 'group']);
  assert.deepEqual(Object.keys(user(plain.payload)), ['id', 'name', 'email', 'avatar', 'affiliation', 'moderator']);
  const none = { group_claim: 'groups', lobby_bypass: 'none', hidden_from_recorder: 'none', visitor: 'none' };
  const explicit = await login(none, 'alice');
  assert.deepEqual(timeless(explicit.payload), timeless(plain.payload));
  // the fingerprint is the same: a session made before the keys existed
  // still gives a token under a configuration that writes them out
  const t = runCgi({ config: explicit.config, path: '/tokenize',
    cookie: cookieHeader(['jitsi_oidc_session', plain.sessionCookie.value]) });
  assertClean(assert, t);
  assert.equal(t.status, 302, t.stderr);
  assert.deepEqual(timeless((await verifyJitsiRedirect(t.location, rules)).payload), timeless(plain.payload));
});

// --- lobby bypass ------------------------------------------------------------------
test('lobby_bypass = claim on groups: alice and bob (staff) get lobby_bypass true, carol (guests) nothing', async () => {
  const over = { lobby_bypass: 'claim', lobby_bypass_claim: 'groups', lobby_bypass_values: 'staff, hosts' };
  for (const who of ['alice', 'bob']) assert.equal(user((await login(over, who)).payload).lobby_bypass, true, who);
  const c = await login(over, 'carol');
  assert.equal('lobby_bypass' in user(c.payload), false);
  // a claim alone means claim; all: everyone
  assert.equal(user((await login({ lobby_bypass_claim: 'groups', lobby_bypass_values: 'guests' }, 'carol')).payload)
    .lobby_bypass, true);
  assert.equal(user((await login({ lobby_bypass: 'all' }, 'carol')).payload).lobby_bypass, true);
});

// --- hidden from the recorder ---------------------------------------------------------
test('hidden_from_recorder on a boolean claim (email_verified false): dave is hidden, alice is not', async () => {
  const over = { hidden_from_recorder: 'claim', hidden_from_recorder_claim: 'email_verified',
    hidden_from_recorder_values: 'false' };
  assert.equal(user((await login(over, 'dave')).payload)['hidden-from-recorder'], true);
  assert.equal('hidden-from-recorder' in user((await login(over, 'alice')).payload), false);
});

// --- visitors ---------------------------------------------------------------------------
test('visitor = all with moderators by claim: a webinar, alice hosts, bob and carol watch', async () => {
  const over = { visitor: 'all', moderator_claim: 'groups', moderator_values: 'jitsi-admins' };
  const a = user((await login(over, 'alice')).payload);
  assert.deepEqual([a.affiliation, a.moderator, 'role' in a], ['owner', true, false]);
  for (const who of ['bob', 'carol']) {
    const u = user((await login(over, who)).payload);
    assert.deepEqual([u.affiliation, u.moderator, u.role], ['member', false, 'visitor'], who);
  }
  const g = { visitor: 'claim', visitor_claim: 'groups', visitor_values: 'guests', moderator: 'none' };
  assert.equal(user((await login(g, 'carol')).payload).role, 'visitor');
  assert.equal('role' in user((await login(g, 'bob')).payload), false);
});

// --- context.features -------------------------------------------------------------------
test('features: every one of Jitsi\'s names, true or false, per audience (everyone, moderators, a claim)', async () => {
  const over = {
    moderator_claim: 'groups', moderator_values: 'jitsi-admins',
    features_all: 'screen-sharing, send-groupchat',
    features_moderators: 'recording, livestreaming',
    features_claimed: 'transcription', features_claim: 'groups', features_values: 'staff',
    features_off: 'others',
  };
  const want = {
    alice: ['screen-sharing', 'send-groupchat', 'recording', 'livestreaming', 'transcription'],
    bob: ['screen-sharing', 'send-groupchat', 'transcription'],
    carol: ['screen-sharing', 'send-groupchat'],
  };
  // --check-config says, audience by audience, what the tokens will grant
  const config = writeConfig(tempDir(), idp.issuer, over);
  const chk = spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8',
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' } });
  assert.equal(chk.status, 0, chk.stderr);
  assert.match(chk.stdout, /^features +everyone: screen-sharing, send-groupchat$/m);
  assert.match(chk.stdout, /^features +and moderators: livestreaming, recording$/m);
  assert.match(chk.stdout, /^features +and whose groups holds one of staff: transcription$/m);
  assert.match(chk.stdout, /^features +off for everyone, moderators included: branding, calendar, create-polls, .*, sip-outbound-call$/m);
  const plain = spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8',
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: writeConfig(tempDir(), idp.issuer, {}), ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' } });
  assert.match(plain.stdout, /^features +none in the token: Jitsi's own defaults$/m);
  for (const [who, on] of Object.entries(want)) {
    const { payload } = await login(over, who);
    const f = payload.context.features;
    assert.deepEqual(Object.keys(f).sort(), [...MEET_FEATURES].sort(), `${who}: every name`);
    for (const name of MEET_FEATURES) {
      assert.equal(typeof f[name], 'boolean', `${who}: ${name} is a boolean`);
      assert.equal(featureAllowed(payload, name), on.includes(name), `${who}: ${name}`);
    }
  }
});

test('features: the trap is refused -- a configuration that leaves a feature unnamed answers 500 naming it', async () => {
  const config = writeConfig(tempDir(), idp.issuer, { features_moderators: 'recording' });
  const a = runCgi({ config, path: '/authorize', query: 'room=MyRoom' });
  assertClean(assert, a);
  assert.equal(a.status, 500);
  assert.equal(a.stderr.trim().split('\n').length, 1, 'one log line');
  assert.match(a.stderr, /moderators included.*not named: branding, calendar, create-polls, file-upload, flip, inbound-call, livestreaming,/);
  assert.doesNotMatch(a.stderr, /not named:.*\brecording\b/);
  const bad = writeConfig(tempDir(), idp.issuer, { features_all: 'recordings', features_off: 'others' });
  const b = runCgi({ config: bad, path: '/authorize', query: 'room=MyRoom' });
  assert.equal(b.status, 500);
  assert.match(b.stderr, /features_all: "recordings" is not one of Jitsi's features/);
  // --check-config says the same, and fails
  const chk = spawnSync(cgiPath, ['--check-config'], { encoding: 'utf8',
    env: { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' } });
  assert.notEqual(chk.status, 0);
  assert.match(chk.stdout + chk.stderr, /not named: branding/);
});

// --- where the claims come from, and sessions -------------------------------------------
test('a rule on a claim the ID token lacks asks userinfo, once; its groups decide', async () => {
  await thin.sync();
  const n0 = thin.requests().filter((l) => l.includes('/me')).length;
  const over = { moderator: 'none', lobby_bypass_claim: 'groups', lobby_bypass_values: 'staff',
    features_claimed: 'recording', features_claim: 'groups', features_values: 'staff', features_off: 'others' };
  const { payload } = await login(over, 'bob', thin);
  await thin.sync();
  assert.equal(thin.requests().filter((l) => l.includes('/me')).length - n0, 1);
  assert.equal(user(payload).lobby_bypass, true);
  assert.equal(featureAllowed(payload, 'recording'), true);
  assert.equal(featureAllowed(payload, 'screen-sharing'), false);
});

test('single sign-on keeps what was decided at login; a changed rule ends the session', async () => {
  const over = { lobby_bypass_claim: 'groups', lobby_bypass_values: 'staff', visitor: 'all', moderator: 'none',
    hidden_from_recorder: 'all' };
  const first = await login(over, 'bob');
  const cookie = cookieHeader(['jitsi_oidc_session', first.sessionCookie.value]);
  const a = runCgi({ config: first.config, path: '/authorize', query: 'room=Other', cookie });
  assertClean(assert, a);
  assert.equal(a.location, `${PUBLIC}/tokenize`, a.stderr);
  const t = runCgi({ config: first.config, path: '/tokenize',
    cookie: cookieHeader(['jitsi_oidc_session', a.cookies.jitsi_oidc_session.value]) });
  const u = user((await verifyJitsiRedirect(t.location, rules)).payload);
  assert.deepEqual([u.lobby_bypass, u.role, u['hidden-from-recorder']], [true, 'visitor', true]);
  // the same cookie secret, lobby_bypass no longer for staff: refused
  const other = writeConfig(tempDir(), idp.issuer, { ...over, lobby_bypass_values: 'hosts' });
  const r = runCgi({ config: other, path: '/tokenize', cookie });
  assert.equal(r.status, 401);
});

// --- the verifier's own checks of these fields fail where they should ------------
test('the verifier refuses what Jitsi would misread: an unknown feature, a feature not true/false, lobby_bypass "true", hidden-from-recorder "false"', async () => {
  const { SignJWT } = await import('jose');
  const now = Math.floor(Date.now() / 1000);
  const sign = (context) => new SignJWT({ iss: rules.appId, aud: 'jitsi', sub: rules.subject, room: 'myroom', context })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(now).setNotBefore(now - 60).setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(rules.secret));
  const url = async (context) => `${JITSI}/MyRoom?oidc=ok#jwt=%22${await sign(context)}%22`;
  const u = { id: 'x' };
  await verifyJitsiRedirect(await url({ user: { ...u, lobby_bypass: true, 'hidden-from-recorder': false, role: 'visitor' },
    features: { recording: 'true', flip: false } }), rules);
  for (const [context, re] of [
    [{ user: u, features: { screensharing: true } }, /screensharing is not one of Jitsi's features/],
    [{ user: u, features: { recording: 1 } }, /recording is not true\/false/],
    [{ user: { ...u, lobby_bypass: 'true' } }, /lobby_bypass is not true/],
    [{ user: { ...u, 'hidden-from-recorder': 'false' } }, /hidden-from-recorder"\] is not a boolean/],
  ]) await assert.rejects(verifyJitsiRedirect(await url(context), rules), re);
});
