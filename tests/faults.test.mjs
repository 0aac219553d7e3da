// A failing world, with the real provider (tests/idp/provider.mjs) and the
// real binary; where a web server matters, real nginx + fcgiwrap from
// conf/: the provider down, frozen or restarted with new keys, the cache
// directory missing, read-only, full or holding corrupt files, the
// adapter's clock off (Debian's faketime), and the CGI killed mid-request.
// Every login that can succeed must; the others fail with a clean page and
// one log line that says why.  (Faults of a scripted provider -- hangs,
// 500s, bad TLS -- are in checklist.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync, chmodSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startProvider, tempDir, writeConfig, runCgi, assertClean, cookieHeader, providerLogin,
  cgiPath, slow, Jar, SECRETS, fastcgi, restartFastcgi } from './lib/harness.mjs';
import { fullLogin, PUBLIC } from './lib/login.mjs';
import { verifyJitsiRedirect, tokenFromUrl } from './lib/jitsi-verify.mjs';
import { servers, available, shareWithServers } from './lib/webservers.mjs';
import { walk, pool, fetchCounts } from './lib/walk.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isRoot = process.getuid() === 0;
const rules = { jitsiUrl: 'https://meet.example.test', appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: 'meet.example.test' };

let idp;
before(async () => { idp = await startProvider({ redirectUri: `${PUBLIC}/redirect` }); });
after(async () => { await idp.stop(); });

// The cache files of an issuer, as src/provider/oidc.c names them.
function cacheFile(dir, issuer, what) {
  return join(dir, 'cache', `${createHash('sha256').update(issuer).digest('hex').slice(0, 16)}.${what}.json`);
}
// The adapter's calls to the provider since `mark` (a request count).
async function callsSince(p, mark) { await p.sync(); return fetchCounts(p.requests().slice(mark)); }
async function mark(p) { await p.sync(); return p.requests().length; }
// Every line a run logged.
const lines = (res) => res.stderr.split('\n').filter(Boolean);

// A file in the cache directory must be a whole cache file of this issuer
// (or the adapter's own temporary file, which it never reads).
function assertCacheWhole(dir, issuer) {
  for (const f of readdirSync(join(dir, 'cache'))) {
    if (f.startsWith('.tmp.')) continue;
    const o = JSON.parse(readFileSync(join(dir, 'cache', f), 'utf8'));
    assert.equal(o.issuer, issuer, f);
    assert.ok(o.expires > Date.now() / 1000, `${f} expired`);
  }
}

test('faults: the provider is down -- /authorize with a warm cache still redirects, /redirect fails at once with a 502 "could not be reached", nothing is cached from a failed fetch', async () => {
  const p = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  const dir = tempDir();
  const config = writeConfig(dir, p.issuer, { http_timeout: 3 });
  let stopped = false;
  try {
    assert.equal((await fullLogin({ config, query: 'room=warm' })).tokenize.status, 302);
    const disc = readFileSync(cacheFile(dir, p.issuer, 'discovery'), 'utf8');
    const jwks = readFileSync(cacheFile(dir, p.issuer, 'jwks'), 'utf8');
    // A login that got its code just before the provider went down.
    const a = runCgi({ config, path: '/authorize', query: 'room=Down' });
    const cb = await providerLogin(a.location, `${PUBLIC}/redirect`);
    await p.stop(); stopped = true;

    const a2 = runCgi({ config, path: '/authorize', query: 'room=Later' });
    assertClean(assert, a2);
    assert.equal(a2.status, 302, a2.stderr);
    assert.ok(a2.location.startsWith(`${p.issuer}/auth?`), a2.location);
    assert.equal(a2.stderr, '');

    const t0 = Date.now();
    const r = runCgi({ config, path: '/redirect', query: new URL(cb).search.slice(1),
      cookie: cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]) });
    const took = (Date.now() - t0) / 1000;
    assertClean(assert, r);
    assert.equal(r.status, 502);
    assert.ok(took < 3, `took ${took} s, http_timeout is 3 s`);
    assert.match(r.body, /The login provider could not be reached/);
    assert.match(r.body, /href="https:\/\/meet\.example\.test\/Down\?oidc=failed"/);
    assert.equal(r.location, undefined);
    assert.equal(r.cookies.jitsi_oidc_session, undefined);
    assert.equal(r.cookies.jitsi_oidc_state.value, '');
    assert.equal(lines(r).length, 1, r.stderr);
    assert.match(r.stderr, /^jitsi-oidc: redirect: 502: token endpoint: cannot reach http:\/\/127\.0\.0\.1:\d+\/token: .*(refused|connect)/im);
    // The warm cache is neither rewritten nor removed.
    assert.equal(readFileSync(cacheFile(dir, p.issuer, 'discovery'), 'utf8'), disc);
    assert.equal(readFileSync(cacheFile(dir, p.issuer, 'jwks'), 'utf8'), jwks);

    // A cold cache: /authorize itself must fail, and leave nothing behind.
    const cold = tempDir();
    const cconf = writeConfig(cold, p.issuer, { http_timeout: 3 });
    const c = runCgi({ config: cconf, path: '/authorize', query: 'room=Cold' });
    assertClean(assert, c);
    assert.equal(c.status, 502);
    assert.match(c.body, /The login provider could not be reached/);
    assert.match(c.stderr, /^jitsi-oidc: authorize: 502: cannot reach http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: /);
    assert.equal(c.cookies.jitsi_oidc_state, undefined);
    assert.deepEqual(readdirSync(join(cold, 'cache')), []);

    // An expired JWKS and the provider down: /redirect fails the same way,
    // and the expired file is left as it was (not replaced by nothing).
    const o = JSON.parse(jwks); o.expires = Math.floor(Date.now() / 1000) - 1;
    writeFileSync(cacheFile(dir, p.issuer, 'jwks'), JSON.stringify(o));
    restartFastcgi();	// FastCGI: a process that starts with this file
    const a3 = runCgi({ config, path: '/authorize', query: 'room=Keys' });
    const r3 = runCgi({ config, path: '/redirect', query: `code=abcdefgh&state=${new URL(a3.location).searchParams.get('state')}`,
      cookie: cookieHeader(['jitsi_oidc_state', a3.cookies.jitsi_oidc_state.value]) });
    assertClean(assert, r3);
    assert.equal(r3.status, 502);
    assert.match(r3.body, /The login provider could not be reached/);
    assert.match(r3.stderr, /^jitsi-oidc: redirect: 502: cannot reach http:\/\/127\.0\.0\.1:\d+\/jwks: /);
    assert.equal(readFileSync(cacheFile(dir, p.issuer, 'jwks'), 'utf8'), JSON.stringify(o));
    assert.deepEqual(readdirSync(join(dir, 'cache')).filter((f) => f.startsWith('.tmp')), []);
  } finally { if (!stopped) await p.stop(); }
});

test('faults: the provider frozen (SIGSTOP) -- /authorize with a cold cache fails within http_timeout, nothing cached; after SIGCONT the next login works', async () => {
  const p = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  const dir = tempDir();
  const config = writeConfig(dir, p.issuer, { http_timeout: 2 });
  try {
    process.kill(p.pid, 'SIGSTOP');
    const t0 = Date.now();
    const a = runCgi({ config, path: '/authorize', query: 'room=Frozen' });
    const took = (Date.now() - t0) / 1000;
    assertClean(assert, a);
    assert.equal(a.status, 502);
    assert.ok(took >= 1.9 && took < (slow ? 10 : 4), `took ${took} s, http_timeout is 2 s`);
    assert.match(a.body, /The login provider could not be reached/);
    assert.match(a.stderr, /^jitsi-oidc: authorize: 502: cannot reach http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: no answer in \d+ ms \(http_timeout is 2 s for all of a request's calls to the provider\)$/m);
    assert.deepEqual(readdirSync(join(dir, 'cache')), []);
  } finally { process.kill(p.pid, 'SIGCONT'); }
  try {
    const ok = await fullLogin({ config, query: 'room=Thawed' });
    assert.equal(ok.tokenize.status, 302, ok.redirect.stderr);
    assertCacheWhole(dir, p.issuer);
  } finally { await p.stop(); }
});

// Mount a tmpfs of `opts` on dir (root only); returns an unmount function,
// or null when mounting is not possible here.
function tmpfs(dir, opts) {
  if (!isRoot) return null;
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'jo-test', dir], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return () => spawnSync('umount', ['-l', dir]);
}

test('faults: cache_dir missing, read-only or full -- logins still work, uncached, with one warning line per process', async (t) => {
  const cases = [
    { name: 'missing', reason: /cannot create a file in cache_dir \S+: No such file or directory/,
      setup: (dir) => ({ over: { cache_dir: join(dir, 'no', 'such', 'dir') } }) },
    { name: 'read-only', reason: /cannot create a file in cache_dir \S+: (Read-only file system|Permission denied)/,
      setup: (dir) => {
        const d = join(dir, 'ro'); mkdirSync(d);
        // root ignores mode bits: a read-only mount is the real thing
        const undo = tmpfs(d, 'ro,size=64k,mode=0755');
        if (!undo) { if (isRoot) return null; chmodSync(d, 0o555); }
        return { over: { cache_dir: d }, undo };
      } },
    { name: 'full', reason: /cannot write \S+\/\.tmp\.\w+: No space left on device/,
      setup: (dir) => {
        const d = join(dir, 'full'); mkdirSync(d);
        const undo = tmpfs(d, 'size=64k,mode=0700');	// the CGI user's own (src/provider/oidc.c refuses a shared one)
        if (!undo) return null;
        spawnSync('dd', ['if=/dev/zero', `of=${join(d, 'filler')}`, 'bs=4k', 'count=1000'], { stdio: 'ignore' });
        return { over: { cache_dir: d }, undo };
      } },
  ];
  for (const c of cases) {
    await t.test(c.name, async (st) => {
      const dir = tempDir();
      const s = c.setup(dir);
      if (!s) { st.skip(`cannot ${c.name === 'full' ? 'mount a small tmpfs' : 'mount a read-only tmpfs'} here (not root, or mount refused)`); return; }
      try {
        const config = writeConfig(dir, idp.issuer, s.over);
        restartFastcgi();
        for (const room of ['first', 'second']) {
          const m = await mark(idp);
          const l = await fullLogin({ config, query: `room=${room}` });
          assert.equal(l.tokenize.status, 302, l.redirect.stderr);
          assert.equal((await verifyJitsiRedirect(l.tokenize.location, rules)).payload.room, room);
          // Each process that fetched warns once, however many files it
          // failed to store; /tokenize touches no cache and says nothing.
          // A FastCGI process is one process: it warns at its first store,
          // and keeps what it fetched in memory.
          const warned = fastcgi ? (room === 'first' ? [l.authorize] : []) : [l.authorize, l.redirect];
          for (const r of warned) {
            assert.equal(lines(r).length, 1, r.stderr);
            assert.match(r.stderr, new RegExp(`^jitsi-oidc: (authorize|redirect): warning: ${c.reason.source} \\(working without the cache\\)\\n$`));
          }
          for (const r of [l.authorize, l.redirect].filter((x) => !warned.includes(x))) assert.equal(r.stderr, '');
          assert.equal(l.tokenize.stderr, '');
          // Uncached: every process fetched what it needed again.
          assert.deepEqual(await callsSince(idp, m), fastcgi && room === 'second' ? { discovery: 0, jwks: 0, token: 1 }
            : fastcgi ? { discovery: 1, jwks: 1, token: 1 } : { discovery: 2, jwks: 1, token: 1 });
        }
        if (c.name !== 'missing') {
          assert.deepEqual(readdirSync(s.over.cache_dir).filter((f) => f !== 'filler'), [], 'no file left behind');
        }
      } finally { if (s.undo) s.undo(); }
    });
  }
});

test('faults: a corrupt cache file (empty, truncated, garbage, not an object, wrong types, another issuer\'s) is ignored and replaced, never trusted', async () => {
  const other = await startProvider({ redirectUri: `${PUBLIC}/redirect` });
  try {
    // Whole cache files of another issuer, to plant under our name.
    const odir = tempDir();
    assert.equal((await fullLogin({ config: writeConfig(odir, other.issuer), query: 'room=o' })).tokenize.status, 302);
    const foreign = { discovery: readFileSync(cacheFile(odir, other.issuer, 'discovery'), 'utf8'),
      jwks: readFileSync(cacheFile(odir, other.issuer, 'jwks'), 'utf8') };
    const dir = tempDir();
    const config = writeConfig(dir, idp.issuer);
    assert.equal((await fullLogin({ config, query: 'room=warm' })).tokenize.status, 302);
    const good = { discovery: readFileSync(cacheFile(dir, idp.issuer, 'discovery'), 'utf8'),
      jwks: readFileSync(cacheFile(dir, idp.issuer, 'jwks'), 'utf8') };
    const bad = (what) => {
      const g = good[what];
      const o = JSON.parse(g);
      return {
        empty: '',
        truncated: g.slice(0, Math.floor(g.length / 2)),
        'cut by one byte': g.slice(0, -1),
        garbage: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255)),
        'NUL bytes': Buffer.alloc(200),
        'an array': `[${g}]`,
        'expires as a string': JSON.stringify({ ...o, expires: String(o.expires) }),
        'no issuer': JSON.stringify({ ...o, issuer: undefined }),
        'another issuer\'s file': foreign[what],
        // a near miss: issuers are compared exactly
        'another issuer\'s file naming our issuer with a trailing "/"': JSON.stringify({ ...JSON.parse(foreign[what]), issuer: `${idp.issuer}/` }),
      };
    };
    for (const [name, content] of Object.entries(bad('discovery'))) {
      writeFileSync(cacheFile(dir, idp.issuer, 'discovery'), content);
      restartFastcgi();
      const m = await mark(idp);
      const a = runCgi({ config, path: '/authorize', query: 'room=r' });
      assertClean(assert, a);
      assert.equal(a.status, 302, `${name}: ${a.stderr}`);
      assert.ok(a.location.startsWith(`${idp.issuer}/auth?`), `${name}: ${a.location}`);
      assert.equal(a.stderr, '');
      assert.deepEqual(await callsSince(idp, m), { discovery: 1, jwks: 0, token: 0 }, name);
      const now = JSON.parse(readFileSync(cacheFile(dir, idp.issuer, 'discovery'), 'utf8'));
      assert.equal(now.issuer, idp.issuer, name);
      assert.equal(now.provider.authorization_endpoint, `${idp.issuer}/auth`, name);
    }
    for (const [name, content] of Object.entries(bad('jwks'))) {
      writeFileSync(cacheFile(dir, idp.issuer, 'jwks'), content);
      restartFastcgi();
      const m = await mark(idp);
      const l = await fullLogin({ config, query: 'room=k' });
      assert.equal(l.tokenize.status, 302, `${name}: ${l.redirect.stderr}`);
      assert.equal(l.redirect.stderr, '', name);
      assert.deepEqual(await callsSince(idp, m), { discovery: 0, jwks: 1, token: 1 }, name);
      const now = JSON.parse(readFileSync(cacheFile(dir, idp.issuer, 'jwks'), 'utf8'));
      assert.equal(now.issuer, idp.issuer, name);
      assert.equal(now.jwks_uri, `${idp.issuer}/jwks`, name);
    }
    assertCacheWhole(dir, idp.issuer);
  } finally { await other.stop(); }
});

// Debian's faketime: libfaketime preloaded into the CGI shifts its clock
// (time(), clock_gettime()) and nothing else's.  The binary links libc and
// json-c dynamically and dlopen()s libcurl and libjwt, so every clock it
// reads goes through the preloaded library.
const FAKETIME_LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find(existsSync);
function faketimeEnv(offset) {
  let preload = FAKETIME_LIB;
  // ASan must come first in the list of loaded libraries.
  if (process.env.JO_SANITIZED) {
    const asan = spawnSync('sh', ['-c', `ldd ${cgiPath} | awk '/libasan/ {print $3}'`], { encoding: 'utf8' }).stdout.trim();
    if (asan) preload = `${asan}:${preload}`;
  }
  return { LD_PRELOAD: preload, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_DONT_RESET: '1' };
}

test('faults: clock skew (faketime) -- the adapter 2 minutes ahead of or behind the provider logs in; beyond the allowed skew it fails with a log line naming the skew', {
  skip: (process.env.JO_CGI_WRAPPER && 'faketime is not preloaded through JO_CGI_WRAPPER (valgrind)') ||
    (fastcgi && process.env.JO_SANITIZED && 'libfaketime and ASan preloaded together into a long-lived FastCGI process hang it (the normal build runs this in FastCGI mode, the ASan build as CGI)') ||
    (!FAKETIME_LIB && !process.env.CI && 'faketime not installed (apt-get install faketime)'),
}, async () => {
  assert.ok(FAKETIME_LIB, 'faketime is not installed');
  // The preload works on this binary: its clock is off by the offset.
  const probe = runCgi({ config: writeConfig(tempDir(), idp.issuer), path: '/authorize', query: 'room=probe', extraEnv: faketimeEnv('+3600s') });
  const sealedExp = Number(sealTime(probe.cookies.jitsi_oidc_state.value));
  assert.ok(Math.abs(sealedExp - (Date.now() / 1000 + 3600 + 300)) < 30, `state cookie expiry ${sealedExp} not one hour ahead`);

  for (const offset of ['+120s', '-120s']) {
    const dir = tempDir();
    const l = await fullLogin({ config: writeConfig(dir, idp.issuer), query: 'room=Skewed', extraEnv: faketimeEnv(offset) });
    assert.equal(l.tokenize.status, 302, `${offset}: ${l.redirect.stderr}`);
    assert.equal(l.authorize.stderr + l.redirect.stderr + l.tokenize.stderr, '', offset);
    // The Jitsi token is stamped with the adapter's (skewed) clock.
    const iat = JSON.parse(Buffer.from(tokenFromUrl(l.tokenize.location).token.split('.')[1], 'base64url')).iat;
    assert.ok(Math.abs(iat - (Date.now() / 1000 + Number(offset.slice(0, -1)))) < 30, `${offset}: iat ${iat}`);
  }
  // The provider's ID tokens live 300 s; iat may be 600 s off.  The
  // adapter reads its clock when the request starts, before the token
  // exchange: a provider that issues the token in the next second makes
  // +400 s read as "expired 99 s ago, issued 399 s ago".
  const fails = [
    ['-660s', /ID token iat is 6[5-9]\d s off our clock \(allowed skew 600 s\)/],
    ['+660s', /ID token iat is -6[5-9]\d s off our clock \(allowed skew 600 s\)/],
    ['+400s', /ID token expired (?:99|1\d\d) s ago \(exp \d+, now \d+; issued (?:399|4\d\d) s ago by our clock, yet just received: is a clock off\?\)/],
  ];
  for (const [offset, reason] of fails) {
    const l = await fullLogin({ config: writeConfig(tempDir(), idp.issuer), query: 'room=Skewed', extraEnv: faketimeEnv(offset) });
    assert.equal(l.redirect.status, 502, offset);
    assert.equal(l.redirect.cookies.jitsi_oidc_session, undefined);
    assert.equal(lines(l.redirect).length, 1, l.redirect.stderr);
    assert.match(l.redirect.stderr, new RegExp(`^jitsi-oidc: redirect: 502: ${reason.source}`), offset);
  }
});

// The expiry sealed into a cookie (sealtool reads it).
function sealTime(value) {
  const raw = Buffer.from(value.slice(3), 'base64url');
  return raw.readBigUInt64BE(1);
}

test('faults: the provider restarts mid-storm with new signing keys -- logins started before it finish through a JWKS re-fetch, none loops; a code issued before it fails cleanly', {
  skip: !available.nginx && !process.env.CI && 'nginx or fcgiwrap not installed',
}, async (t) => {
  const WORKERS = 4, N = 12;
  const dir = tempDir('jo-rot');
  const config = join(dir, 'jitsi-oidc.conf');
  const srv = await servers.nginx(config, { workers: WORKERS });
  let p = await startProvider({ redirectUri: `${srv.base}/oidc/redirect` });
  const port = p.port;
  try {
    writeConfig(dir, p.issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base });
    shareWithServers(dir, srv);
    const start = (i) => `${srv.base}/oidc/authorize?room=Rot${i}`;
    assert.ok((await walk(start('warm'), { jitsiUrl: srv.base })).ok, srv.errorLog());
    // The cached keys were fetched more than the 60 s re-fetch throttle
    // before the rotation (a rotation within 60 s of a fetch is refused:
    // checklist 11).
    const jf = cacheFile(dir, p.issuer, 'jwks');
    const o = JSON.parse(readFileSync(jf, 'utf8')); o.fetched -= 120;
    writeFileSync(`${jf}.new`, JSON.stringify(o)); renameSync(`${jf}.new`, jf);

    // N logins reach the provider; one more gets its code too.
    const jars = Array.from({ length: N }, () => new Jar());
    const atProvider = await Promise.all(jars.map(async (jar, i) => {
      const r = await fetch(start(i), { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.take(r);
      assert.equal(r.status, 302);
      return r.headers.get('location');
    }));
    const late = new Jar();
    const lr = await fetch(start('late'), { redirect: 'manual' }); late.take(lr);
    const lateCb = await providerLogin(lr.headers.get('location'), `${srv.base}/oidc/redirect`, 'late', late);

    // Restart: same issuer, new keys (and every provider session lost).
    const oldKids = JSON.parse(readFileSync(jf, 'utf8')).keys.map((k) => k.kid);
    await p.stop();
    p = await startProvider({ redirectUri: `${srv.base}/oidc/redirect`, port });
    const res = await pool(N, N, (i) => walk(atProvider[i], { jitsiUrl: srv.base, login: `user${i}`, jar: jars[i] }));
    for (const [i, r] of res.entries()) {
      assert.ok(r.ok, `login ${i} stopped: ${r.stop} ${r.body || ''}\n${srv.errorLog()}`);
      assert.ok(r.steps.length <= 11, `login ${i} took ${r.steps.length} steps`);
      const { payload } = await verifyJitsiRedirect(r.location, { ...rules, jitsiUrl: srv.base, subject: '127.0.0.1' });
      assert.equal(payload.context.user.id, `user${i}`);
      assert.equal(payload.room, `rot${i}`);
    }
    await p.sync();
    const counts = fetchCounts(p.requests());
    // At most one re-fetch per CGI running at once, not one per login.
    t.diagnostic(`JWKS fetched ${counts.jwks} times for ${N} concurrent callbacks on ${WORKERS} workers`);
    assert.ok(counts.jwks >= 1 && counts.jwks <= WORKERS, `JWKS fetched ${counts.jwks} times`);
    assert.equal(counts.discovery, 0);
    assert.equal(counts.token, N);
    const kids = JSON.parse(readFileSync(jf, 'utf8')).keys.map((k) => k.kid);
    assert.equal(kids.filter((k) => oldKids.includes(k)).length, 0, 'the cache holds the new keys');
    assert.doesNotMatch(srv.errorLog(), /jitsi-oidc:/);

    // The code of the old provider is unknown to the new one: a clean 502
    // that links back to the room, and the user's next try succeeds.
    const r = await fetch(lateCb, { redirect: 'manual', headers: { cookie: late.header() } });
    late.take(r);
    assert.equal(r.status, 502);
    assert.match(await r.text(), /href="http:\/\/127\.0\.0\.1:\d+\/Rotlate\?oidc=failed"/);
    const again = await walk(start('late'), { jitsiUrl: srv.base, login: 'late', jar: late });
    assert.ok(again.ok, again.stop);
    await sleep(100);
    const logged = srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'));
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0], /token endpoint answered HTTP 400: error=invalid_grant/);
  } finally {
    await srv.stop();
    await p.stop();
  }
});

test('faults: the CGI killed mid-request (SIGKILL at any moment of a cold-cache login) leaves no partial cache file; the next login works', async (t) => {
  const dir = tempDir();
  const config = writeConfig(dir, idp.issuer);
  const env = { PATH: process.env.PATH, GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', PATH_INFO: '/authorize',
    SCRIPT_NAME: '/oidc', QUERY_STRING: 'room=Killed', JITSI_OIDC_CONFIG: config,
    ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}) };
  // How long a whole cold /authorize takes here; kill at moments across it.
  const t0 = performance.now();
  // (the CGI itself, in both test modes: it is what is killed below)
  assert.match(spawnSync(cgiPath, [], { env, encoding: 'utf8' }).stdout, /^Status: 302 /);
  const span = performance.now() - t0;
  let killed = 0;
  for (let i = 0; i < 40; i++) {
    for (const f of readdirSync(join(dir, 'cache'))) if (!f.startsWith('.tmp')) writeFileSync(join(dir, 'cache', f), JSON.stringify({ issuer: idp.issuer, expires: 1 }));
    const child = spawn(cgiPath, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.on('close', (...a) => r(a)));
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    await sleep((span * i) / 40);
    child.kill('SIGKILL');
    const [, sig] = await exited;
    if (sig === 'SIGKILL') {
      killed++;
      // Killed: no answer at all, or all of it -- never a header half-written.
      assert.ok(out === '' || /\r\n\r\n/.test(out), `partial answer: ${JSON.stringify(out.slice(0, 80))}`);
    }
    for (const f of readdirSync(join(dir, 'cache'))) {
      if (f.startsWith('.tmp.')) continue;	// never read by the adapter
      const o = JSON.parse(readFileSync(join(dir, 'cache', f), 'utf8'));
      assert.equal(o.issuer, idp.issuer);
    }
  }
  assert.ok(killed >= 10, `only ${killed} runs were killed before they ended`);
  t.diagnostic(`${killed} of 40 runs killed; temporary files left: ${readdirSync(join(dir, 'cache')).filter((f) => f.startsWith('.tmp.')).length}`);
  restartFastcgi();
  const l = await fullLogin({ config, query: 'room=After' });
  assert.equal(l.tokenize.status, 302, l.redirect.stderr);
  assertCacheWhole(dir, idp.issuer);
});

test('faults: the web server gives up on the CGI (nginx fastcgi_read_timeout, client disconnect) -- no cookie half-set, the next attempt works', {
  skip: !available.nginx && !process.env.CI && 'nginx or fcgiwrap not installed',
}, async () => {
  const dir = tempDir('jo-kill');
  const config = join(dir, 'jitsi-oidc.conf');
  const srv = await servers.nginx(config, { extra: () => 'fastcgi_read_timeout 1s;' });
  const p = await startProvider({ redirectUri: `${srv.base}/oidc/redirect` });
  try {
    writeConfig(dir, p.issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base, http_timeout: 3 });
    shareWithServers(dir, srv);
    const start = `${srv.base}/oidc/authorize?room=Cut`;
    for (const how of ['timeout', 'disconnect']) {
      const jar = new Jar();
      const a = await fetch(start, { redirect: 'manual' }); jar.take(a);
      const cb = await providerLogin(a.headers.get('location'), `${srv.base}/oidc/redirect`, 'alice', jar);
      const before = jar.header();
      process.kill(p.pid, 'SIGSTOP');	// the token exchange hangs
      try {
        if (how === 'timeout') {
          const r = await fetch(cb, { redirect: 'manual', headers: { cookie: jar.header() } });
          assert.equal(r.status, 504);
          assert.deepEqual(r.headers.getSetCookie(), [], 'no cookie from an answer the server gave up on');
          jar.take(r);
        } else {
          const ac = new AbortController();
          setTimeout(() => ac.abort(), 300);
          await assert.rejects(fetch(cb, { redirect: 'manual', headers: { cookie: jar.header() }, signal: ac.signal }));
        }
      } finally { process.kill(p.pid, 'SIGCONT'); }
      assert.equal(jar.header(), before);
      // Let the abandoned CGI finish (its answer goes nowhere).
      await sleep(1500);
      const again = await walk(start, { jitsiUrl: srv.base, jar });
      assert.ok(again.ok, `${how}: ${again.stop} ${again.body || ''}`);
      assert.ok(again.steps.length <= 11);
      assertCacheWhole(dir, p.issuer);
    }
  } finally {
    await srv.stop();
    await p.stop();
  }
});
