// Two more real OpenID providers from Debian, beside oidc-provider:
// glewlwyd 2.7.5 and LemonLDAP::NG 2.16.1, each started on loopback at
// free ports by its fixture (tests/providers/<name>/fixture.mjs) and
// configured as an administrator would.  Whole logins go through nginx +
// fcgiwrap (tests/lib/webservers.mjs; JO_MODE=fastcgi: nginx + spawn-fcgi)
// and the provider's own pages
// (tests/lib/providers/<name>.mjs, walked over HTTP); every Jitsi token is
// checked by the independent verifier.  What each provider does
// differently is tested where it shows: glewlwyd's RS256 and ES256
// issuers (its EC key published a byte short), its prompt=none answer,
// its 403 for a wrong secret, its logout; LemonLDAP::NG's ID token
// without profile claims (userinfo), its consent page refused, its
// logout with a confirmation page.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir, writeConfig, SECRETS, fastcgi } from './lib/harness.mjs';
import { servers, fastcgiServers, available as haveServer, shareWithServers } from './lib/webservers.mjs';
import { walk, Jar } from './lib/walk.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { glewlwydPages } from './lib/providers/glewlwyd.mjs';
import { lemonldapPages } from './lib/providers/lemonldap.mjs';
import * as glewlwyd from './providers/glewlwyd/fixture.mjs';
import * as lemonldap from './providers/lemonldap/fixture.mjs';
import { readFileSync } from 'node:fs';

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
// Outside CI a provider that is not installed is skipped; in CI it fails.
const skipUnless = (ok, what) => (!ok && !process.env.CI ? `${what} not installed` : false);
const haveAdapterServer = haveServer[fastcgi ? 'nginx+spawn-fcgi' : 'nginx'];

// The adapter behind nginx + fcgiwrap (JO_MODE=fastcgi: nginx +
// spawn-fcgi, the same binary as a FastCGI responder), its configuration
// rewritten per test: a CGI reads it on every request, a FastCGI process
// is told with SIGHUP (it looks at the file at most once a second).
const SERVER = fastcgi ? 'nginx+spawn-fcgi' : 'nginx';
async function adapter() {
  const dir = tempDir('jo-providers-cfg');
  const config = join(dir, 'jitsi-oidc.conf');
  writeConfig(dir, 'http://127.0.0.1:9/none');
  shareWithServers(dir);
  const srv = fastcgi ? await fastcgiServers[SERVER](config, { procs: 1 }) : await servers.nginx(config);
  return {
    srv, dir,
    configure(issuer, over = {}) {
      writeConfig(dir, issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base, http_timeout: 10,
        moderator_claim: 'groups', moderator_values: 'jitsi-admins', group_claim: 'groups', ...over });
      shareWithServers(dir, srv);
      if (srv.pids) for (const p of srv.pids()) process.kill(p, 'SIGHUP');
    },
    // no sanitizer or valgrind report from any run of the adapter
    assertClean() {
      assert.doesNotMatch(srv.errorLog(), /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior/);
    },
    // the adapter's log lines since mark() (fcgiwrap, or the FastCGI
    // process's stderr records, end up in nginx's error log)
    all() {
      return srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'))
        .map((l) => l.replace(/^.*?(jitsi-oidc: [^"]*)".*$/, '$1'));
    },
    mark() { return this.all().length; },
    async lines(mark) {
      await new Promise((r) => setTimeout(r, 150));
      return this.all().slice(mark);
    },
  };
}

async function jitsiToken(location, base) {
  const { payload } = await verifyJitsiRedirect(location, { jitsiUrl: base, appId: 'jitsi-oidc-test',
    secret: SECRETS.jitsi, subject: '127.0.0.1' });
  return payload;
}

function noSecretIn(text, ...secrets) {
  for (const s of [...Object.values(SECRETS), ...secrets]) assert.ok(!text.includes(s), 'a secret in the log');
}

describe('glewlwyd 2.7.5', { skip: skipUnless(glewlwyd.available && haveAdapterServer, 'glewlwyd or nginx') }, () => {
  let ad; let gw;
  before(async () => {
    ad = await adapter();
    gw = await glewlwyd.startGlewlwyd({ redirectUri: `${ad.srv.base}/oidc/redirect`, postLogoutUri: `${ad.srv.base}/` });
  });
  after(async () => {
    if (gw) await gw.stop();
    if (ad) { await ad.srv.stop(); ad.assertClean(); }
  });
  const conf = (alg, over = {}) => ad.configure(gw.issuers[alg], { client_id: glewlwyd.CLIENT_ID,
    client_secret: glewlwyd.CLIENT_SECRET, ...over });
  const login = (user, jar = new Jar(), room = 'MyRoom') => walk(`${ad.srv.base}/oidc/authorize?room=${room}`,
    { jitsiUrl: ad.srv.base, login: user, password: glewlwyd.USERS[user].password, jar, pages: glewlwydPages });

  test('RS256: alice logs in at glewlwyd\'s login page through nginx + fcgiwrap, moderator from her groups', async () => {
    conf('RS256');
    const m = ad.mark();
    const r = await login('alice');
    assert.ok(r.ok, `login stopped: ${r.stop} ${r.body || ''}\n${(await ad.lines(m)).join('\n')}`);
    const p = await jitsiToken(r.location, ad.srv.base);
    assert.equal(p.room, 'myroom');
    const u = p.context.user;
    assert.equal(u.name, 'Alice Liddell');
    assert.equal(u.email, 'alice@example.org');
    assert.equal(u.moderator, true);
    assert.equal(u.affiliation, 'owner');
    assert.equal(p.context.group, 'jitsi-admins');
    // glewlwyd's sub is an opaque string per user and issuer, not the login name
    assert.match(u.id, /^[A-Za-z0-9_-]{16,}$/);
    assert.notEqual(u.id, 'alice');
    // the login page was glewlwyd's own, and the callback carried
    // session_state and an RFC 9207 iss, which the adapter checked
    assert.ok(r.steps.some((s) => s.url.startsWith(`${gw.base}/login.html?`)));
    const cb = new URL(r.steps.find((s) => s.url.startsWith(`${ad.srv.base}/oidc/redirect?`)).url);
    assert.ok(cb.searchParams.get('session_state'));
    assert.equal(cb.searchParams.get('iss'), gw.issuers.RS256);
    noSecretIn(ad.srv.errorLog(), glewlwyd.CLIENT_SECRET);
  });

  test('ES256: the key glewlwyd publishes with a coordinate one byte short is left-padded; bob logs in, not a moderator', async () => {
    const jwks = await (await fetch(`${gw.issuers.ES256}/jwks`)).json();
    const k = jwks.keys[0];
    assert.equal(k.kty, 'EC');
    assert.ok([k.x, k.y].some((c) => Buffer.from(c, 'base64url').length === 31),
      `the fixture's key has a short coordinate as published: ${k.x} ${k.y}`);
    conf('ES256');
    const m = ad.mark();
    const r = await login('bob');
    assert.ok(r.ok, `login stopped: ${r.stop} ${r.body || ''}\n${(await ad.lines(m)).join('\n')}`);
    const p = await jitsiToken(r.location, ad.srv.base);
    assert.equal(p.context.user.name, 'Bob Example');
    assert.equal(p.context.user.moderator, false);
    assert.equal(p.context.user.affiliation, 'member');
    assert.equal(p.context.group, 'staff');
    assert.deepEqual(await ad.lines(m), []);
  });

  test('prompt=none for a user glewlwyd knows ("id_token mandatory"): back to the room without a token, no failure page', async () => {
    conf('RS256');
    const jar = new Jar();
    const first = await login('alice', jar);
    assert.ok(first.ok, first.stop);
    conf('RS256', { prompt: 'none', session_lifetime: 0 });
    const m = ad.mark();
    const back = `${ad.srv.base}/MyRoom?oidc=`;
    const r = await walk(`${ad.srv.base}/oidc/authorize?room=MyRoom`, { jitsiUrl: ad.srv.base, jar,
      until: (u) => u.startsWith(back), pages: glewlwydPages });
    assert.ok(r.ok, `stopped: ${r.stop}`);
    assert.equal(r.location, `${ad.srv.base}/MyRoom?oidc=failed`);
    assert.deepEqual(await ad.lines(m), ['jitsi-oidc: redirect: 302: prompt=none and the provider answered ' +
      'error=invalid_request (id_token mandatory): back to the room without a token']);
  });

  test('max_age: glewlwyd\'s auth_time is always 0, so every login is "older than this site allows" (a 403)', async () => {
    conf('RS256', { max_age: 3600 });
    const m = ad.mark();
    const r = await login('alice');
    assert.equal(r.ok, false);
    assert.equal(r.stop, '403 at /oidc/redirect');
    assert.deepEqual(await ad.lines(m), ['jitsi-oidc: redirect: 403: access rule: your login at the provider is older than ' +
      'this site allows (3600 seconds): log in again']);
  });

  test('a wrong client secret: glewlwyd answers HTTP 403 unauthorized_client, the adapter a 502 and one log line', async () => {
    conf('RS256', { client_secret: 'not-the-glewlwyd-secret-0123456789' });
    const m = ad.mark();
    const r = await login('alice');
    assert.equal(r.ok, false);
    assert.equal(r.stop, '502 at /oidc/redirect');
    assert.match(r.body, /refused to finish the login/);
    // (the line names the client authentication method used)
    assert.deepEqual(await ad.lines(m), ['jitsi-oidc: redirect: 502: token endpoint answered HTTP 403: error=unauthorized_client ' +
      '(client authentication: client_secret_basic)']);
  });

  test('refresh: glewlwyd\'s refresh token is kept; single sign-on past session_recheck redeems it on the back channel (no glewlwyd page) and re-seals it', async () => {
    conf('RS256');
    const jar = new Jar();
    const r = await login('alice', jar);
    assert.ok(r.ok, r.stop);
    const kept = jar.c.get('jitsi_oidc_refresh');
    assert.ok(kept, 'a refresh token kept');
    conf('RS256', { session_recheck: 0 });
    const m = ad.mark();
    const again = await walk(`${ad.srv.base}/oidc/authorize?room=Other`, { jitsiUrl: ad.srv.base, jar, pages: glewlwydPages });
    assert.ok(again.ok, `${again.stop}\n${(await ad.lines(m)).join('\n')}`);
    assert.ok(!again.steps.some((s) => s.url.startsWith(gw.base)), 'no glewlwyd page in the browser');
    const p = await jitsiToken(again.location, ad.srv.base);
    assert.equal(p.room, 'other');
    assert.equal(p.context.user.moderator, true);
    assert.notEqual(jar.c.get('jitsi_oidc_refresh'), kept, 're-sealed after the refresh');
    assert.deepEqual(await ad.lines(m), []);
  });

  test('logout: the adapter\'s cookies go, glewlwyd\'s end_session takes the id_token_hint and ends its session', async () => {
    conf('RS256');
    const jar = new Jar();
    const r = await login('alice', jar);
    assert.ok(r.ok, r.stop);
    assert.ok(jar.c.has('jitsi_oidc_session') && jar.c.has('jitsi_oidc_logout'));
    const o = await fetch(`${ad.srv.base}/oidc/logout`, { redirect: 'manual', headers: { cookie: jar.header(), ...SAME_ORIGIN } });
    jar.take(o);
    assert.equal(o.status, 302);
    assert.ok(!jar.c.has('jitsi_oidc_session') && !jar.c.has('jitsi_oidc_logout'), 'cookies deleted');
    const end = new URL(o.headers.get('location'));
    assert.equal(`${end.origin}${end.pathname}`, `${gw.issuers.RS256}/end_session`);
    assert.equal(end.searchParams.get('client_id'), glewlwyd.CLIENT_ID);
    assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${ad.srv.base}/`);
    assert.match(end.searchParams.get('id_token_hint'), /^eyJ/);
    // glewlwyd's logout page, "Logout": it ends its session, then stays on
    // its own page ("Session closed") instead of going back (2.7.5)
    const out = await walk(end.href, { jitsiUrl: ad.srv.base, jar, pages: glewlwydPages,
      until: (u) => u.startsWith(`${ad.srv.base}/`) });
    assert.equal(out.ok, false);
    assert.equal(out.stop, '200 at /login.html', JSON.stringify(out.steps));
    assert.ok(out.steps.some((s) => s.method === 'DELETE' && s.url === `${gw.base}/api/auth/` && s.status === 200), 'its login session ended');
    // the next login asks for the password again
    const again = await login('alice', jar);
    assert.ok(again.ok, again.stop);
    assert.ok(again.steps.some((s) => s.method === 'POST' && s.url === `${gw.base}/api/auth/`), 'the password asked again');
    await jitsiToken(again.location, ad.srv.base);
  });
});

describe('LemonLDAP::NG 2.16.1', { skip: skipUnless(lemonldap.available && haveAdapterServer, 'LemonLDAP::NG or nginx') }, () => {
  let ad; let ll;
  before(async () => {
    ad = await adapter();
    ll = await lemonldap.startLemonldap({ redirectUri: `${ad.srv.base}/oidc/redirect`, postLogoutUri: `${ad.srv.base}/` });
  });
  after(async () => {
    if (ll) await ll.stop();
    if (ad) { await ad.srv.stop(); ad.assertClean(); }
  });
  const conf = (over = {}) => ad.configure(ll.issuer, { client_id: lemonldap.CLIENT_ID, client_secret: lemonldap.CLIENT_SECRET, ...over });
  const login = (user, { jar = new Jar(), consent } = {}) => walk(`${ad.srv.base}/oidc/authorize?room=MyRoom`,
    { jitsiUrl: ad.srv.base, login: user, password: lemonldap.USERS[user].password, jar, pages: lemonldapPages({ consent }) });
  const portalRequests = () => readFileSync(join(ll.dir, 'logs', 'nginx-access.log'), 'utf8').split('\n').filter(Boolean);

  test('its default ID token algorithm, HS512 keyed with the client secret, and client_secret_post: whole logins', async () => {
    for (const over of [{ client_id: lemonldap.CLIENT_ID_HS512 }, { client_id: lemonldap.CLIENT_ID_HS512, client_auth: 'client_secret_post' }]) {
      conf(over);
      const m = ad.mark();
      const r = await login('alice');
      assert.ok(r.ok, `login stopped: ${r.stop} ${r.body || ''}\n${(await ad.lines(m)).join('\n')}`);
      const p = await jitsiToken(r.location, ad.srv.base);
      assert.equal(p.context.user.id, 'alice');
      assert.equal(p.context.user.moderator, true);
      assert.deepEqual(await ad.lines(m), []);
    }
    noSecretIn(ad.srv.errorLog(), lemonldap.CLIENT_SECRET);
  });

  test('alice logs in at the portal (login form, consent; the issuer with its trailing slash); the ID token has no profile claims, so userinfo gives name, e-mail and groups', async () => {
    assert.ok(ll.issuer.endsWith('/'));
    conf();
    const m = ad.mark();
    const before = portalRequests().length;
    const r = await login('alice');
    assert.ok(r.ok, `login stopped: ${r.stop} ${r.body || ''}\n${(await ad.lines(m)).join('\n')}`);
    const p = await jitsiToken(r.location, ad.srv.base);
    assert.equal(p.context.user.id, 'alice');
    assert.equal(p.context.user.name, 'Alice Liddell');
    assert.equal(p.context.user.email, 'alice@example.org');
    assert.equal(p.context.user.moderator, true);
    assert.equal(p.context.group, 'jitsi-admins');
    // the portal's consent form was posted, and the adapter called userinfo
    assert.ok(r.steps.filter((s) => s.method === 'POST' && s.url.startsWith(`${ll.base}/`)).length >= 2, 'login and consent posted');
    assert.ok(portalRequests().slice(before).some((l) => / "(GET|POST) \/oauth2\/userinfo /.test(l)), 'userinfo called');
    assert.deepEqual(await ad.lines(m), []);
    noSecretIn(ad.srv.errorLog(), lemonldap.CLIENT_SECRET);
    // with userinfo = never, only the ID token's claims: no name, no
    // e-mail, no groups (so no moderator), as its recipe says
    conf({ userinfo: 'never' });
    const bare = await login('alice');
    assert.ok(bare.ok, bare.stop);
    const q = await jitsiToken(bare.location, ad.srv.base);
    assert.equal(q.context.user.id, 'alice');
    assert.equal(q.context.user.email, undefined);
    assert.equal(q.context.user.moderator, false);
    assert.equal(q.context.group, undefined);
  });

  test('consent refused: error=consent_required comes back, and the adapter takes the "unauthorized" path to the room', async () => {
    conf();
    const m = ad.mark();
    const r = await login('bob', { consent: 'refuse' });
    assert.equal(r.ok, false);
    assert.equal(r.stop, '403 at /oidc/redirect');
    assert.ok(r.steps.some((s) => /[?&]error=consent_required/.test(s.url)), 'the portal answered consent_required');
    assert.match(r.body, /did not allow the login provider to share your account/);
    assert.match(r.body, new RegExp(`href="${ad.srv.base}/MyRoom\\?oidc=unauthorized"`));
    assert.deepEqual(await ad.lines(m), ['jitsi-oidc: redirect: 403: provider returned error=consent_required error_description=consent not given']);
    // accepted the next time: bob is no moderator
    const ok = await login('bob');
    assert.ok(ok.ok, ok.stop);
    const p = await jitsiToken(ok.location, ad.srv.base);
    assert.equal(p.context.user.moderator, false);
    assert.equal(p.context.group, 'staff');
  });

  test('logout: the portal\'s confirmation page, then back to post_logout_redirect_uri, its session gone', async () => {
    conf();
    const jar = new Jar();
    const r = await login('alice', { jar });
    assert.ok(r.ok, r.stop);
    const o = await fetch(`${ad.srv.base}/oidc/logout`, { redirect: 'manual', headers: { cookie: jar.header(), ...SAME_ORIGIN } });
    jar.take(o);
    assert.equal(o.status, 302);
    const end = new URL(o.headers.get('location'));
    assert.equal(`${end.origin}${end.pathname}`, `${ll.base}/oauth2/logout`);
    assert.match(end.searchParams.get('id_token_hint'), /^eyJ/);
    const out = await walk(end.href, { jitsiUrl: ad.srv.base, jar, pages: lemonldapPages(), until: (u) => u.startsWith(`${ad.srv.base}/`) });
    assert.ok(out.ok, `logout stopped: ${out.stop} ${out.body || ''}`);
    assert.equal(out.location, `${ad.srv.base}/`);
    assert.ok(out.steps.some((s) => s.method === 'POST' && s.url.startsWith(`${ll.base}/oauth2/logout`)), 'confirmed on the portal\'s page');
    // the portal asks for the password again
    const again = await login('alice', { jar });
    assert.ok(again.ok, again.stop);
    assert.ok(again.steps.some((s) => s.method === 'POST' && s.url.startsWith(`${ll.base}/oauth2/authorize`)), 'login form again');
  });
});
