// Claim shapes of providers that cannot run here, each served by the
// project's scripted provider (tests/idp/hostile.mjs) exactly as the
// provider's documentation shows it, through whole logins: Zitadel's roles
// object, Keycloak's client roles under a client id with dots, Entra ID's
// group overage and multi-tenant issuer.  Every token through the
// independent Jitsi-rule verifier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCgi, assertClean, cookieHeader, SECRETS } from './lib/harness.mjs';
import { startHostile, scenarioLogin } from './lib/hostile.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';

const rules = { jitsiUrl: 'https://meet.example.test', appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };
let h;
before(async () => { h = await startHostile(); });
after(async () => { await h.stop(); });

// A login against scenario with these keys; the token's payload, or the
// /redirect answer when there is none.
async function login(scenario, over) {
  const { redirect, config } = await scenarioLogin(h, scenario, { over });
  if (redirect.status !== 302) return { redirect };
  const t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', redirect.cookies.jitsi_oidc_session.value]) });
  assertClean(assert, t);
  assert.equal(t.status, 302, t.stderr);
  const { payload } = await verifyJitsiRedirect(t.location, rules);
  return { redirect, payload };
}

const moderatorBy = (claim, values) => ({ moderator: 'claim', moderator_claim: claim, moderator_values: values });

test('Zitadel: a roles object matches on its role names', async () => {
  const zr = 'urn:zitadel:iam:org:project:roles';
  const yes = await login('zitadel-roles', moderatorBy(zr, 'moderator'));
  assert.equal(yes.payload.context.user.moderator, true);
  assert.equal(yes.payload.context.user.affiliation, 'owner');
  const no = await login('zitadel-roles', moderatorBy(zr, 'admin'));
  assert.equal(no.payload.context.user.moderator, false);
  // the organisation's domain inside is not a role name
  const org = await login('zitadel-roles', moderatorBy(zr, 'acme.zitadel.cloud'));
  assert.equal(org.payload.context.user.moderator, false);
  const member = await login('zitadel-roles', { allowed_groups: 'viewer', groups_claim: zr });
  assert.ok(member.payload, member.redirect.stderr);
});

test('Keycloak: a client id with dots is one path segment when its dots are escaped', async () => {
  const esc = await login('keycloak-client-roles', moderatorBy('resource_access.meet\\.example\\.test.roles', 'moderator'));
  assert.equal(esc.payload.context.user.moderator, true);
  // unescaped, the path walks resource_access.meet.example... and finds nothing
  const plain = await login('keycloak-client-roles', moderatorBy('resource_access.meet.example.test.roles', 'moderator'));
  assert.equal(plain.payload.context.user.moderator, false);
});

test('Entra ID group overage: a page and one log line that say what happened and what to configure', async () => {
  for (const over of [{ allowed_groups: 'staff' }, moderatorBy('groups', 'admins')]) {
    const { redirect, payload } = await login('entra-overage', over);
    assert.equal(payload, undefined);
    assert.equal(redirect.status, 403, redirect.stderr);
    assert.equal(redirect.cookies.jitsi_oidc_session.value, '', 'no session');
    assert.match(redirect.body, /too many groups/);
    assert.match(redirect.body, /Entra ID/);
    assert.match(redirect.body, /roles/);
    const lines = redirect.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, redirect.stderr);
    assert.match(lines[0], /403: access rule: .*"groups" out of the token.*(allowed_groups|moderator_claim)/);
  }
  // what the page advises: app roles in "roles"
  const roles = await login('entra-overage', moderatorBy('roles', 'Jitsi.Moderator'));
  assert.equal(roles.payload.context.user.moderator, true);
});

test('Entra ID multi-tenant issuer: only with allowed_tenants, iss of the token\'s own allowed tenant', async () => {
  const issuer = (s) => `${h.issuer(s)}/organizations/v2.0`;
  const go = async (s, over) => {
    const { redirect, authorize, config } = await scenarioLogin(h, s, { issuer: issuer(s), over });
    return { redirect, authorize, config };
  };
  // no allowed_tenants: any organisation's users would log in -- refused at discovery
  const none = await go('entra-multi', {});
  assert.equal(none.authorize.status, 502, none.authorize.stderr);
  assert.match(none.authorize.stderr, /multi-tenant template.*set allowed_tenants/);
  assert.equal(none.authorize.location, undefined);
  const ok = await go('entra-multi', { allowed_tenants: 't1, T3' });
  assert.equal(ok.redirect.status, 302, ok.redirect.stderr);
  const t = runCgi({ config: ok.config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', ok.redirect.cookies.jitsi_oidc_session.value]) });
  await verifyJitsiRedirect(t.location, rules);
  for (const [s, re] of [['entra-multi-stranger', /tid \(T9\) is not one of allowed_tenants/],
    ['entra-multi-iss-mismatch', /iss \(.*\/T2\/v2\.0\) does not match the issuer \(.*\/T1\/v2\.0\)/],
    ['entra-multi-template-iss', /iss \(.*\{tenantid\}.*\) does not match/]]) {
    const { redirect } = await go(s, { allowed_tenants: 'T1' });
    assert.equal(redirect.status, 502, `${s}: ${redirect.stderr}`);
    assert.equal(redirect.location, undefined);
    assert.equal(redirect.cookies.jitsi_oidc_session, undefined, s);
    assert.match(redirect.stderr, re, s);
  }
  // RFC 9207's iss parameter: the template with an allowed tenant, nothing else
  const a = await go('entra-multi', { allowed_tenants: 'T1' });
  for (const [iss, good] of [[issuer('entra-multi').replace('organizations', 'T1'), true], [issuer('entra-multi').replace('organizations', 'T9'), false]]) {
    const again = await scenarioLogin(h, 'entra-multi', { issuer: issuer('entra-multi'), over: { allowed_tenants: 'T1' }, dir: a.config.replace(/\/[^/]*$/, ''), extraQuery: `iss=${encodeURIComponent(iss)}` });
    assert.equal(again.redirect.status, good ? 302 : 400, again.redirect.stderr);
  }
});

test('hardening 23.7: an RFC 9207 iss naming one allowed tenant with an ID token of another allowed tenant is refused', async () => {
  const issuer = `${h.issuer('entra-multi')}/organizations/v2.0`;
  const first = await scenarioLogin(h, 'entra-multi', { issuer, over: { allowed_tenants: 'T1, T2' } });
  assert.equal(first.redirect.status, 302, first.redirect.stderr);
  const dir = first.config.replace(/\/[^/]*$/, '');
  for (const [tenant, good] of [['T1', true], ['T2', false]]) {
    const iss = issuer.replace('organizations', tenant);
    const r = (await scenarioLogin(h, 'entra-multi', { issuer, over: { allowed_tenants: 'T1, T2' }, dir, extraQuery: `iss=${encodeURIComponent(iss)}` })).redirect;
    if (good) { assert.equal(r.status, 302, r.stderr); continue; }
    assert.equal(r.status, 400, r.stderr);
    assert.equal(r.cookies.jitsi_oidc_session, undefined);
    assert.match(r.stderr, /authorization response iss \(.*\/T2\/v2\.0\) names another tenant than the ID token's iss \(.*\/T1\/v2\.0\)/);
  }
});
