// The adapter behind each real web server, configured from the
// repository's conf/ files: nginx + fcgiwrap, Apache (mod_cgid) and
// lighttpd (mod_cgi).  For each: a full login through the real provider
// ending in the Jitsi redirect with a valid token, and a tampered cookie
// answered with the adapter's 400 page and one line in the server's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startProvider, tempDir, writeConfig, Jar, SECRETS } from './lib/harness.mjs';
import { servers, available, shareWithServers, roomsStartingWithOidcAreNotTaken } from './lib/webservers.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';
import { walk } from './lib/walk.mjs';

for (const name of Object.keys(servers)) {
  // Outside CI a missing server is skipped; in CI it is a failure.
  const skip = !available[name] && !process.env.CI && `${name} not installed`;
  test(`${name}: a full login through the real provider and a tampered cookie`, { skip }, async () => {
    assert.ok(available[name], `${name} is not installed`);
    const dir = tempDir(`jo-${name}-cfg`);
    const config = join(dir, 'jitsi-oidc.conf');
    const srv = await servers[name](config);
    const idp = await startProvider({ redirectUri: `${srv.base}/oidc/redirect` });
    try {
      writeConfig(dir, idp.issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base });
      shareWithServers(dir, srv);
      const start = `${srv.base}/oidc/authorize?room=Weekly%20Sync`;
      const ok = await walk(start, { jitsiUrl: srv.base });
      assert.ok(ok.location, `login stopped at ${ok.url}: ${ok.status} ${ok.body}\n${srv.errorLog()}`);
      const { payload } = await verifyJitsiRedirect(ok.location, { jitsiUrl: srv.base, appId: 'jitsi-oidc-test',
        secret: SECRETS.jitsi, subject: '127.0.0.1' });
      assert.equal(payload.room, 'weekly%20sync');
      assert.equal(payload.context.user.id, 'alice');
      assert.equal(new URL(ok.location).pathname, '/Weekly%20Sync');

      // Tampered state cookie -> the adapter's 400 page, through the server.
      const jar = new Jar();
      const a = await fetch(start, { redirect: 'manual' });
      assert.equal(a.status, 302);
      const sc = a.headers.getSetCookie().find((c) => c.startsWith('jitsi_oidc_state='));
      assert.match(sc, /; Path=\/oidc; HttpOnly; SameSite=Lax$/);
      const value = sc.split(';')[0].split('=')[1];
      const state = new URL(a.headers.get('location')).searchParams.get('state');
      jar.c.set('jitsi_oidc_state', value.slice(0, -4) + (value.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
      const r = await fetch(`${srv.base}/oidc/redirect?code=x&state=${state}`, { redirect: 'manual', headers: { cookie: jar.header() } });
      assert.equal(r.status, 400);
      assert.equal(r.headers.get('location'), null);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.match(await r.text(), /<h1>Login expired<\/h1>/);
      assert.match(r.headers.getSetCookie().join('\n'), /jitsi_oidc_state=; Max-Age=0/);
      await new Promise((res) => setTimeout(res, 200));
      const lines = srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'));
      assert.equal(lines.length, 1, srv.errorLog());
      assert.match(lines[0], /jitsi-oidc: redirect: 400: jitsi_oidc_state cookie: sealed value failed authentication/);
      assert.ok(!srv.errorLog().includes(value), 'cookie value not logged');
    } finally {
      await srv.stop();
      await idp.stop();
    }
  });
}

for (const name of Object.keys(servers)) {
  const skip = !available[name] && !process.env.CI && `${name} not installed`;
  test(`${name}: rooms whose names start with "oidc" are not the adapter's`, { skip }, async () => {
    const dir = tempDir(`jo-${name}-cfg`);
    const config = join(dir, 'jitsi-oidc.conf');
    const srv = await servers[name](config);
    try {
      writeConfig(dir, 'http://127.0.0.1:9/idp', { public_url: `${srv.base}/oidc`, jitsi_url: srv.base });
      shareWithServers(dir);
      const a = await fetch(`${srv.base}/oidc/authorize?room=x`, { redirect: 'manual' });
      assert.notEqual(a.status, 404, 'the adapter itself still answers under /oidc/');
      await a.arrayBuffer();
      await new Promise((res) => setTimeout(res, 200));
      const before = srv.errorLog();
      await roomsStartingWithOidcAreNotTaken({ ...srv, errorLog: () => srv.errorLog().slice(before.length) });
    } finally {
      await srv.stop();
    }
  });
}
