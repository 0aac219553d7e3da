// `make demo` as a test: real provider, real nginx + fcgiwrap serving the
// adapter through conf/nginx-fcgiwrap.conf, a login driven by curl; the
// token it ends with is checked against Jitsi's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, readdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { root, freePort, tempDir } from './lib/harness.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';

const haveServers = ['/usr/sbin/nginx', '/usr/sbin/fcgiwrap'].every(existsSync);

test('make demo --oneshot: a curl login through nginx + fcgiwrap ends in the room with a valid token', { skip: !haveServers && !process.env.CI && 'nginx/fcgiwrap not installed' }, async () => {
  const parent = tempDir('jo-demo');
  chmodSync(parent, 0o755);	// nginx's workers (nobody) must reach the socket
  const dir = join(parent, 'demo');
  const port = await freePort(); const idpPort = await freePort();
  const r = spawnSync(join(root, 'tests', 'demo', 'demo.sh'), ['--oneshot'], {
    env: { ...process.env, DEMO_DIR: dir, DEMO_PORT: String(port), IDP_PORT: String(idpPort) },
    encoding: 'utf8', timeout: 120000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const m = r.stdout.match(/^Jitsi URL: (\S+)$/m);
  assert.ok(m, r.stdout);
  assert.match(r.stdout, /Stand-in Jitsi page: HTTP 200/);
  const conf = readFileSync(join(dir, 'jitsi-oidc.conf'), 'utf8');
  const secret = conf.match(/^jitsi_app_secret = (.+)$/m)[1];
  const { payload } = await verifyJitsiRedirect(m[1], {
    jitsiUrl: `http://127.0.0.1:${port}`, appId: 'jitsi-oidc-demo', secret, subject: '127.0.0.1' });
  assert.equal(payload.room, 'myroom');
  assert.equal(payload.context.user.id, 'alice');
  // Every process it started is gone: no pid files are left.
  assert.deepEqual(readdirSync(join(dir, 'run')).filter((f) => f.endsWith('.pid')), []);
  // The adapter logged nothing for a good login.
  const errlog = readFileSync(join(dir, 'logs', 'nginx-error.log'), 'utf8');
  assert.doesNotMatch(errlog, /jitsi-oidc:/);
});
