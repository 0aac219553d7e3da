// A cache directory someone else can write.  The real
// provider (tests/idp/provider.mjs) is ours; a second real provider plays
// the attacker whose endpoints and keys are planted in cache_dir.  A
// planted file must never be trusted: not in a cache_dir writable by group
// or others (refused whole: logins go on uncached, one warning), not when
// it belongs to another user or is writable by group or others, not
// through a symbolic link, not as a FIFO (which must not hang the
// request), not with an expiry beyond the longest the adapter writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, mkdirSync, chmodSync, chownSync, symlinkSync, lstatSync,
  statSync, existsSync, openSync, closeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, providerLogin, cgiPath,
  fastcgi, restartFastcgi, checkInvariants } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { fetchCounts } from './lib/walk.mjs';

const isRoot = process.getuid() === 0;
const NOBODY = 65534;
const DAY = 86400;
const now = () => Math.floor(Date.now() / 1000);
const lines = (res) => res.stderr.split('\n').filter(Boolean);

let idp, evil, evilJwks;
before(async () => {
  idp = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  evil = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  // The attacker's keys, in the adapter's own cache format.
  const d = tempDir();
  assert.equal((await fullLogin({ config: writeConfig(d, evil.issuer), query: 'room=e' })).tokenize.status, 302);
  evilJwks = JSON.parse(readFileSync(cachePath(join(d, 'cache'), evil.issuer, 'jwks'), 'utf8'));
});
after(async () => { await idp.stop(); await evil.stop(); });

// The cache files of an issuer, as src/provider/oidc.c names them.
function cachePath(cacheDir, issuer, what) {
  return join(cacheDir, `${createHash('sha256').update(issuer).digest('hex').slice(0, 16)}.${what}.json`);
}
const calls = async (p, m) => { await p.sync(); return fetchCounts(p.requests().slice(m)); };
const mark = async (p) => { await p.sync(); return p.requests().length; };

// What an attacker plants: our issuer, their endpoints or their keys, an
// expiry ten years away (and keys "just fetched", so that an unknown kid
// is not re-fetched).
const plantedDiscovery = (ttl = 3650 * DAY, base = evil.issuer) => JSON.stringify({ issuer: idp.issuer, expires: now() + ttl,
  provider: { authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`, userinfo_endpoint: `${base}/me` } });
const plantedJwks = () => JSON.stringify({ ...evilJwks, issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks`,
  fetched: now(), expires: now() + 3650 * DAY });
function plant(path, text, { mode = 0o644, uid } = {}) {
  writeFileSync(path, text);
  chmodSync(path, mode);
  if (uid !== undefined) chownSync(path, uid, uid);
}

// A login through our provider; none of it may reach the attacker's.
async function loginNotEvil(config, query = 'room=r') {
  const em = await mark(evil);
  const l = await fullLogin({ config, query });
  assert.ok(l.authorize.location.startsWith(`${idp.issuer}/auth?`), `sent to ${l.authorize.location}`);
  assert.equal(l.redirect.status, 302, l.redirect.stderr);
  assert.equal(l.tokenize.status, 302, l.tokenize.stderr);
  assert.deepEqual(await calls(evil, em), { discovery: 0, jwks: 0, token: 0 }, 'the attacker\'s provider was called');
  return l;
}

// The file at path is the adapter's own: a regular file of our user,
// writable by nobody else, holding our provider's document.
function assertOurs(path, what) {
  const st = lstatSync(path);
  assert.ok(st.isFile(), `${path} is not a regular file`);
  assert.equal(st.uid, process.getuid());
  assert.equal(st.mode & 0o022, 0);
  const o = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(o.issuer, idp.issuer);
  assert.ok(o.expires <= now() + DAY + 5, `expires ${o.expires - now()} s ahead`);
  if (what === 'discovery') assert.equal(o.provider.token_endpoint, `${idp.issuer}/token`);
  else assert.equal(o.jwks_uri, `${idp.issuer}/jwks`);
}

const UNSAFE = (mode) => new RegExp(`^jitsi-oidc: (authorize|redirect): warning: cache_dir \\S+ is writable by group or others \\(mode ${mode}\\): not used; make it the adapter's own: chown \\S+ \\S+ && chmod 0700 \\S+ \\(working without the cache\\)\\n$`);

test('cache: a cache_dir writable by group or others (0770, 0707, 0777, sticky 1777) is not used -- planted discovery and keys are ignored, nothing is written, logins go on uncached with one warning per process', async (t) => {
  for (const mode of ['0770', '0707', '0777', '1777']) {
    await t.test(mode, async () => {
      const dir = tempDir();
      const config = writeConfig(dir, idp.issuer);
      const cache = join(dir, 'cache');
      chmodSync(cache, parseInt(mode, 8));
      const files = { discovery: plantedDiscovery(), jwks: plantedJwks() };
      for (const [what, text] of Object.entries(files)) plant(cachePath(cache, idp.issuer, what), text);
      restartFastcgi();
      for (const room of ['first', 'second']) {
        const m = await mark(idp);
        const l = await loginNotEvil(config, `room=${room}`);
        // A CGI warns in each process that touches the cache; a FastCGI
        // process once, and it keeps what it fetched in memory.
        const warned = fastcgi ? (room === 'first' ? [l.authorize] : []) : [l.authorize, l.redirect];
        for (const r of warned) {
          assert.equal(lines(r).length, 1, r.stderr);
          assert.match(r.stderr, UNSAFE(mode));
        }
        for (const r of [l.authorize, l.redirect, l.tokenize].filter((x) => !warned.includes(x))) assert.equal(r.stderr, '');
        assert.deepEqual(await calls(idp, m), fastcgi && room === 'second' ? { discovery: 0, jwks: 0, token: 1 }
          : fastcgi ? { discovery: 1, jwks: 1, token: 1 } : { discovery: 2, jwks: 1, token: 1 });
      }
      // Refused whole: the planted files are neither trusted nor replaced.
      assert.deepEqual(readdirSync(cache).sort(), Object.keys(files).map((w) => cachePath('', idp.issuer, w)).sort());
      for (const [what, text] of Object.entries(files)) assert.equal(readFileSync(cachePath(cache, idp.issuer, what), 'utf8'), text);
    });
  }
});

test('cache: a cache_dir that belongs to another user (nobody, 0755) is not used, with a warning that says whose it is', { skip: !isRoot && 'chown needs root' }, async () => {
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const cache = join(dir, 'cache');
  chmodSync(cache, 0o755);
  chownSync(cache, NOBODY, NOBODY);
  plant(cachePath(cache, idp.issuer, 'discovery'), plantedDiscovery(), { uid: 0 });
  restartFastcgi();
  const l = await loginNotEvil(config);
  assert.equal(lines(l.authorize).length, 1, l.authorize.stderr);
  assert.match(l.authorize.stderr, /^jitsi-oidc: authorize: warning: cache_dir \S+ belongs to uid 65534, not to the adapter's user \(root, uid 0\): not used; make it the adapter's own: chown root \S+ && chmod 0700 \S+ \(working without the cache\)\n$/);
  assert.deepEqual(readdirSync(cache), [cachePath('', idp.issuer, 'discovery')]);
});

test('cache: in a private cache_dir, a file of another user or writable by group or others is ignored and replaced by the adapter\'s own', async (t) => {
  const cases = [
    ...(isRoot ? [['owned by nobody', { uid: NOBODY }], ['owned by nobody, mode 0600', { uid: NOBODY, mode: 0o600 }]] : []),
    ['mode 0664', { mode: 0o664 }], ['mode 0646', { mode: 0o646 }], ['mode 0666', { mode: 0o666 }],
  ];
  for (const [name, how] of cases) {
    await t.test(name, async () => {
      const dir = tempDir();
      const config = writeConfig(dir, idp.issuer);
      const cache = join(dir, 'cache');
      chmodSync(cache, 0o700);
      // the planted discovery document
      plant(cachePath(cache, idp.issuer, 'discovery'), plantedDiscovery(), how);
      restartFastcgi();
      const m = await mark(idp);
      const l = await loginNotEvil(config);
      for (const r of [l.authorize, l.redirect, l.tokenize]) assert.equal(r.stderr, '');
      assert.deepEqual(await calls(idp, m), { discovery: 1, jwks: 1, token: 1 });
      assertOurs(cachePath(cache, idp.issuer, 'discovery'), 'discovery');
      // the planted keys (the discovery document now ours): an ID token
      // of our provider is still accepted, with its keys fetched
      plant(cachePath(cache, idp.issuer, 'jwks'), plantedJwks(), how);
      restartFastcgi();
      const m2 = await mark(idp);
      const l2 = await loginNotEvil(config);
      assert.equal(l2.redirect.stderr, '');
      assert.deepEqual(await calls(idp, m2), { discovery: 0, jwks: 1, token: 1 });
      assertOurs(cachePath(cache, idp.issuer, 'jwks'), 'jwks');
    });
  }
});

test('cache: a FIFO planted at a cache path does not hang the request; it is replaced by a regular file', async (t) => {
  for (const what of ['discovery', 'jwks']) {
    await t.test(what, async () => {
      const dir = tempDir();
      const config = writeConfig(dir, idp.issuer);
      const cache = join(dir, 'cache');
      chmodSync(cache, 0o700);
      if (what === 'jwks') assert.equal((await fullLogin({ config, query: 'room=warm' })).tokenize.status, 302);
      const path = cachePath(cache, idp.issuer, what);
      spawnSync('rm', ['-f', path]);
      assert.equal(spawnSync('mkfifo', ['-m', '0600', path]).status, 0);
      restartFastcgi();
      try {
        const t0 = Date.now();
        const a = runCgi({ config, path: '/authorize', query: 'room=Fifo', timeout: 15000 });
        assertClean(assert, a);
        assert.equal(a.status, 302, a.stderr);
        assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), a.location);
        const cb = await providerLogin(a.location, `${PUBLIC}/redirect`);
        const r = runCgi({ config, path: '/redirect', query: new URL(cb).search.slice(1),
          cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]), timeout: 15000 });
        assertClean(assert, r);
        assert.equal(r.status, 302, r.stderr);
        assert.ok(Date.now() - t0 < 12000, `took ${Date.now() - t0} ms`);
        assert.equal(a.stderr + r.stderr, '');
        assertOurs(path, what);
      } finally {
        // a process stuck in open() on the FIFO is let go (a writer comes and goes)
        if (existsSync(path) && lstatSync(path).isFIFO()) closeSync(openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
      }
    });
  }
});

test('cache: a symbolic link at a cache path is not followed -- its target, a file that would pass, is neither read nor written; the link is replaced by a file', async () => {
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const cache = join(dir, 'cache');
  chmodSync(cache, 0o700);
  const targets = { discovery: join(dir, 'planted-discovery.json'), jwks: join(dir, 'planted-jwks.json') };
  const texts = { discovery: plantedDiscovery(), jwks: plantedJwks() };
  for (const what of ['discovery', 'jwks']) {
    plant(targets[what], texts[what]);
    symlinkSync(targets[what], cachePath(cache, idp.issuer, what));
  }
  restartFastcgi();
  const l = await loginNotEvil(config);
  for (const r of [l.authorize, l.redirect]) assert.equal(r.stderr, '');
  for (const what of ['discovery', 'jwks']) {
    assertOurs(cachePath(cache, idp.issuer, what), what);
    assert.equal(readFileSync(targets[what], 'utf8'), texts[what], `${what}: the link's target was written`);
  }
});

test('cache: a directory planted at a cache path -- logins go on, uncached, with one warning', async () => {
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const cache = join(dir, 'cache');
  chmodSync(cache, 0o700);
  mkdirSync(cachePath(cache, idp.issuer, 'discovery'));
  restartFastcgi();
  const l = await loginNotEvil(config);
  assert.equal(lines(l.authorize).length, 1, l.authorize.stderr);
  assert.match(l.authorize.stderr, /^jitsi-oidc: authorize: warning: cannot store \S+\.discovery\.json: Is a directory \(working without the cache\)\n$/);
  assert.deepEqual(readdirSync(cache).filter((f) => f.startsWith('.tmp')), []);
});

test('cache: a file of ours whose expires lies beyond the longest time-to-live the adapter writes (24 h) is not trusted: fetched again, rewritten within 24 h', async () => {
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const cache = join(dir, 'cache');
  chmodSync(cache, 0o700);
  for (const ttl of [DAY + 120, 3650 * DAY]) {
    plant(cachePath(cache, idp.issuer, 'discovery'), plantedDiscovery(ttl));
    restartFastcgi();
    const m = await mark(idp);
    const a = runCgi({ config, path: '/authorize', query: 'room=r' });
    assertClean(assert, a);
    assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), `${ttl}: sent to ${a.location}`);
    assert.equal(a.stderr, '');
    assert.deepEqual(await calls(idp, m), { discovery: 1, jwks: 0, token: 0 });
    assertOurs(cachePath(cache, idp.issuer, 'discovery'), 'discovery');
  }
  // within the cap, a file of ours is what the cache is for (a marked
  // copy of our provider's document: a Location outside it fails the run)
  plant(cachePath(cache, idp.issuer, 'discovery'), plantedDiscovery(DAY - 120, `${idp.issuer}/cached`));
  restartFastcgi();
  const a = runCgi({ config, path: '/authorize', query: 'room=r' });
  assert.ok(a.location.startsWith(`${idp.issuer}/cached/auth?`), a.location);
});

test('cache: cache_dir may be a symbolic link -- the directory it names is the one checked and used', async () => {
  const dir = tempDir();
  const real = join(dir, 'real'); mkdirSync(real, { mode: 0o700 }); chmodSync(real, 0o700);
  const shared = join(dir, 'shared'); mkdirSync(shared); chmodSync(shared, 0o1777);
  const link = join(dir, 'link');
  symlinkSync(real, link);
  const config = writeConfig(dir, idp.issuer, { cache_dir: link });
  restartFastcgi();
  const l = await loginNotEvil(config);
  for (const r of [l.authorize, l.redirect]) assert.equal(r.stderr, '');
  assertOurs(cachePath(real, idp.issuer, 'discovery'), 'discovery');
  assertOurs(cachePath(real, idp.issuer, 'jwks'), 'jwks');
  // a link to a shared directory is refused like the directory itself
  const link2 = join(dir, 'link2');
  symlinkSync(shared, link2);
  plant(cachePath(shared, idp.issuer, 'discovery'), plantedDiscovery());
  const config2 = writeConfig(dir, idp.issuer, { cache_dir: link2 });
  restartFastcgi();
  const l2 = await loginNotEvil(config2);
  assert.match(l2.authorize.stderr, UNSAFE('1777'));
});

test('--check-config: a cache_dir writable by group or others fails it, saying why and how to fix it; a private one is "ok"', () => {
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const env = { PATH: process.env.PATH, JITSI_OIDC_CONFIG: config, ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' };
  chmodSync(join(dir, 'cache'), 0o700);
  let r = spawnSync(cgiPath, ['--check-config'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, new RegExp(`^cache_dir +${join(dir, 'cache')}: ok$`, 'm'));
  chmodSync(join(dir, 'cache'), 0o777);
  r = spawnSync(cgiPath, ['--check-config'], { env, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout);
  assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
  assert.match(r.stderr, /^jitsi-oidc: check-config: warning: cache_dir \S+ is writable by group or others \(mode 0777\): not used; make it the adapter's own: chown \S+ \S+ && chmod 0700 \S+ \(working without the cache\)\n$/);
  // the rest is still checked, uncached
  assert.match(r.stdout, new RegExp(`issuer +${idp.issuer}`));
  assert.match(r.stdout, /key +kid=\S+ RSA 2048 bits/);
  assert.doesNotMatch(r.stdout, /cache_dir .*: ok/);
});

// The CGI as an unprivileged user, as web servers run it (www-data): its
// own files are trusted, root's are not (they are replaced).
test('cache: the adapter run as an unprivileged user (nobody) trusts its own files only', { skip: (!isRoot && 'needs root to switch users') || (fastcgi && 'a CGI run by setpriv') }, async () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const config = writeConfig(dir, idp.issuer);
  chmodSync(config, 0o644);
  const cache = join(dir, 'cache');
  chmodSync(cache, 0o700);
  chownSync(cache, NOBODY, NOBODY);
  const path = cachePath(cache, idp.issuer, 'discovery');
  plant(path, plantedDiscovery(), { uid: 0 });
  const env = { PATH: process.env.PATH, GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', PATH_INFO: '/authorize',
    SCRIPT_NAME: '/oidc', QUERY_STRING: 'room=r', JITSI_OIDC_CONFIG: config,
    ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}) };
  const run = () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', cgiPath], { env, encoding: 'latin1', timeout: 30000 });
    const raw = r.stdout || '';
    const res = { raw, stderr: r.stderr || '', location: (raw.match(/^Location: (.*)\r$/m) || [])[1] };
    checkInvariants(env, res);
    assert.equal(r.status, 0, res.stderr);
    assert.equal(res.stderr, '');
    return res;
  };
  let m = await mark(idp);
  assert.ok(run().location.startsWith(`${idp.issuer}/auth?`));
  assert.deepEqual(await calls(idp, m), { discovery: 1, jwks: 0, token: 0 });
  const st = statSync(path);
  assert.equal(st.uid, NOBODY);
  assert.equal(st.mode & 0o022, 0);
  m = await mark(idp);
  assert.ok(run().location.startsWith(`${idp.issuer}/auth?`));
  assert.deepEqual(await calls(idp, m), { discovery: 0, jwks: 0, token: 0 }, 'its own file is used');
});
