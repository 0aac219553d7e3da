// `make stress`: the login storm, on loopback only, bounded in count and
// time.  The adapter behind real nginx + fcgiwrap (conf/nginx-fcgiwrap.conf,
// several fcgiwrap workers), the real provider (tests/idp/provider.mjs).
//
//  1. storm: STRESS_LOGINS (500) whole logins, STRESS_CONCURRENCY (16) at a
//     time, each with its own cookie jar, user and room; warm cache.
//  2. the same storm with the cache directory emptied at the start and the
//     discovery and JWKS files expired every STRESS_EXPIRE_MS (1500) while
//     it runs (their "expires" set in the past, written by rename as the
//     adapter does), so that the adapter re-fetches and rewrites them
//     during the storm; meanwhile a reader opens the cache files in a
//     loop and must never find a torn one.
//  3. wrk on /authorize and on /tokenize, STRESS_WRK_SECONDS (30) each at
//     32 connections.
//
// Every login must end in its own room with a token for its own user
// (checked with the independent Jitsi-rule verifier), no step may answer
// 5xx, the adapter may log nothing, and the provider may see at most one
// discovery and one JWKS fetch per worker per expiry -- not one per login.
// Prints a table; exits 1 if any check fails.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, renameSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProvider, writeConfig, tempDir, Jar, SECRETS, root, cgiPath } from '../lib/harness.mjs';
import { servers, available, shareWithServers } from '../lib/webservers.mjs';
import { verifyJitsiRedirect } from '../lib/jitsi-verify.mjs';
import { walk, pool, fetchCounts, MAX_STEPS } from '../lib/walk.mjs';

const LOGINS = Number(process.env.STRESS_LOGINS || 500);
const CONC = Number(process.env.STRESS_CONCURRENCY || 16);
const WORKERS = Number(process.env.STRESS_WORKERS || 4);
const EXPIRE_MS = Number(process.env.STRESS_EXPIRE_MS || 1500);
const WRK_SECONDS = Number(process.env.STRESS_WRK_SECONDS || 30);
const WRK_CONNS = 32;
const LOGIN_TIMEOUT_MS = 60000;

const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); return ok; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN; };

for (const [what, ok] of [['nginx and fcgiwrap', available.nginx], ['wrk', existsSync('/usr/bin/wrk')], [cgiPath, existsSync(cgiPath)]]) {
  if (!ok) { console.error(`stress: ${what} missing (apt-get install nginx-light fcgiwrap wrk; make)`); process.exit(2); }
}

const dir = tempDir('jo-stress');
const config = join(dir, 'jitsi-oidc.conf');
const srv = await servers.nginx(config, { workers: WORKERS });
const idp = await startProvider({ redirectUri: `${srv.base}/oidc/redirect` });
writeConfig(dir, idp.issuer, { public_url: `${srv.base}/oidc`, jitsi_url: srv.base });
shareWithServers(dir, srv);
const cacheDir = join(dir, 'cache');
const rules = { jitsiUrl: srv.base, appId: 'jitsi-oidc-test', secret: SECRETS.jitsi, subject: '127.0.0.1' };
const adapterLines = () => srv.errorLog().split('\n').filter((l) => l.includes('jitsi-oidc:'));

async function providerMark() { await idp.sync(); return idp.requests().length; }
async function providerSince(m) { await idp.sync(); return fetchCounts(idp.requests().slice(m)); }

// One login of the storm: the right room, the right user, no 5xx.
async function oneLogin(tag, i) {
  const user = `${tag}-u${i}`; const room = `${tag}Room${i}`;
  const r = await walk(`${srv.base}/oidc/authorize?room=${room}`,
    { jitsiUrl: srv.base, login: user, jar: new Jar(), signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS) });
  const fivexx = r.steps.filter((s) => s.status >= 500);
  if (fivexx.length) return { ok: false, why: `${fivexx[0].status} at ${new URL(fivexx[0].url).pathname}`, ms: r.ms };
  if (!r.ok) return { ok: false, why: r.stop, ms: r.ms };
  try {
    const u = new URL(r.location);
    if (u.pathname !== `/${room}`) return { ok: false, why: 'wrong room in the URL', ms: r.ms };
    const { payload } = await verifyJitsiRedirect(r.location, rules);
    if (payload.room !== room.toLowerCase()) return { ok: false, why: 'wrong room claim', ms: r.ms };
    if (payload.context.user.id !== user) return { ok: false, why: 'token for another user', ms: r.ms };
  } catch (e) { return { ok: false, why: `token refused: ${e.message}`, ms: r.ms }; }
  return { ok: true, ms: r.ms, steps: r.steps.length };
}

async function storm(name, tag, during) {
  const m = await providerMark();
  const logBefore = adapterLines().length;
  const t0 = performance.now();
  const res = await pool(LOGINS, CONC, (i) => oneLogin(tag, i));
  const wall = (performance.now() - t0) / 1000;
  const extra = during ? await during.stop() : {};
  const fetches = await providerSince(m);
  const failed = res.filter((r) => !r.ok);
  const reasons = {};
  for (const f of failed) reasons[f.why] = (reasons[f.why] || 0) + 1;
  const logged = adapterLines().slice(logBefore);
  check(failed.length === 0, `${name}: ${failed.length} logins failed: ${JSON.stringify(reasons)}`);
  check(logged.length === 0, `${name}: the adapter logged ${logged.length} lines, e.g. ${logged[0]}`);
  check(fetches.token === LOGINS, `${name}: ${fetches.token} token calls for ${LOGINS} logins`);
  check(res.every((r) => !r.ok || r.steps <= MAX_STEPS), `${name}: a login looped`);
  return { name, attempted: LOGINS, ok: LOGINS - failed.length, reasons, fetches, wall,
    p50: pct(res.map((r) => r.ms), 50), p99: pct(res.map((r) => r.ms), 99), logged: logged.length, ...extra };
}

// Phase 2's helpers: expire the cache files now and then, and read them
// as fast as possible, counting torn reads.
function churn() {
  const expired = { discovery: 0, jwks: 0 };
  let reads = 0, torn = 0, running = true;
  const files = () => readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
  const expirer = (async () => {
    while (running) {
      await sleep(EXPIRE_MS);
      for (const f of files()) {
        const p = join(cacheDir, f);
        let o; try { o = JSON.parse(readFileSync(p, 'utf8')); } catch { continue; }
        if (o.expires <= Date.now() / 1000) continue;	// not rewritten since the last expiry
        o.expires = Math.floor(Date.now() / 1000) - 1;
        writeFileSync(`${p}.stress`, JSON.stringify(o));
        renameSync(`${p}.stress`, p);
        expired[f.includes('.jwks.') ? 'jwks' : 'discovery']++;
      }
    }
  })();
  const reader = (async () => {
    while (running) {
      for (const f of files()) {
        let s; try { s = readFileSync(join(cacheDir, f), 'utf8'); } catch { continue; }
        reads++;
        try { const o = JSON.parse(s); if (typeof o.issuer !== 'string' || typeof o.expires !== 'number') torn++; } catch { torn++; }
      }
      await sleep(2);
    }
  })();
  return {
    async stop() {
      running = false; await Promise.all([expirer, reader]);
      check(torn === 0, `storm+expiry: ${torn} torn cache files read`);
      return { expired, reads, torn };
    },
  };
}

// wrk with a status tally (a Lua script).
const WRK_LUA = `
counts = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, k .. "=" .. v) end
  io.write("STATUS " .. table.concat(parts, " ") .. "\\n")
  io.write(string.format("LAT %d %d\\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("SUM %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
`;
async function wrk(name, path, headers = []) {
  const lua = join(dir, 'tally.lua'); writeFileSync(lua, WRK_LUA);
  const logBefore = srv.errorLog().split('\n').length;
  const m = await providerMark();
  const args = ['-t2', `-c${WRK_CONNS}`, `-d${WRK_SECONDS}s`, '--timeout', '10s', '-s', lua,
    ...headers.flatMap((h) => ['-H', h]), `${srv.base}${path}`];
  const out = await new Promise((resolve) => {
    const p = spawn('/usr/bin/wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = ''; p.stdout.on('data', (d) => { s += d; }); p.on('exit', () => resolve(s));
  });
  const statuses = Object.fromEntries(((out.match(/^STATUS (.*)$/m) || [])[1] || '').split(' ').filter(Boolean).map((kv) => kv.split('=').map(Number)));
  const [p50, p99] = ((out.match(/^LAT (\d+) (\d+)$/m) || []).slice(1)).map((x) => Number(x) / 1000);
  const [requests, us, connect, read, write, timeout] = ((out.match(/^SUM (.*)$/m) || [])[1] || '').split(' ').map(Number);
  await sleep(300);
  const newLog = srv.errorLog().split('\n').slice(logBefore).filter(Boolean);
  const adapter = newLog.filter((l) => l.includes('jitsi-oidc:') || l.includes('FastCGI sent in stderr'));
  // What nginx itself reports when fcgiwrap's queue is full.
  const queueing = newLog.filter((l) => /connect\(\) to unix:.* failed \(11: Resource temporarily unavailable\)|upstream timed out/.test(l));
  const other = newLog.filter((l) => !adapter.includes(l) && !queueing.includes(l) && !/\[(notice|info)\]/.test(l));
  const not302 = Object.entries(statuses).filter(([s]) => Number(s) !== 302).reduce((a, [, n]) => a + n, 0);
  const fetches = await providerSince(m);
  check(requests > 0, `wrk ${name}: no requests`);
  check(adapter.length === 0, `wrk ${name}: the adapter logged ${adapter.length} lines, e.g. ${adapter[0]}`);
  check(other.length === 0, `wrk ${name}: web server errors other than queueing, e.g. ${other[0]}`);
  check(connect + read + write + timeout === 0, `wrk ${name}: socket errors connect ${connect} read ${read} write ${write} timeout ${timeout}`);
  check(Object.keys(statuses).every((s) => s === '302' || (s === '502' && queueing.length > 0)), `wrk ${name}: statuses ${JSON.stringify(statuses)} (nginx queueing lines: ${queueing.length})`);
  check(fetches.discovery + fetches.jwks + fetches.token === 0, `wrk ${name}: the provider was called ${JSON.stringify(fetches)}`);
  return { name, requests, rps: requests / (us / 1e6), statuses, not302, queueing: queueing.length, adapter: adapter.length,
    sockerr: connect + read + write + timeout, p50, p99 };
}

const results = [];
const wrks = [];
try {
  const warm = await walk(`${srv.base}/oidc/authorize?room=Warmup`, { jitsiUrl: srv.base, jar: new Jar() });
  if (!check(warm.ok, `warm-up login failed: ${warm.stop} ${warm.body || ''}\n${srv.errorLog()}`)) throw new Error('no warm-up');
  results.push(await storm('storm, warm cache', 's1'));
  for (const f of readdirSync(cacheDir)) rmSync(join(cacheDir, f));
  const during = churn();
  const r2 = await storm('storm, cache emptied + expired every 1.5 s', 's2', during);
  // The bound: one fetch per worker per expiry (and per empty start).
  const boundD = WORKERS * (r2.expired.discovery + 1);
  const boundJ = WORKERS * (r2.expired.jwks + 1);
  check(r2.fetches.discovery >= r2.expired.discovery + 1, `storm+expiry: ${r2.fetches.discovery} discovery fetches for ${r2.expired.discovery} expiries: the expiry did not take`);
  check(r2.fetches.discovery <= boundD, `storm+expiry: ${r2.fetches.discovery} discovery fetches > ${boundD} (${WORKERS} workers x ${r2.expired.discovery + 1})`);
  check(r2.fetches.jwks <= boundJ, `storm+expiry: ${r2.fetches.jwks} JWKS fetches > ${boundJ} (${WORKERS} workers x ${r2.expired.jwks + 1})`);
  r2.bound = `≤ ${boundD} / ≤ ${boundJ}`;
  results.push(r2);

  // A session for /tokenize.
  const s = await walk(`${srv.base}/oidc/authorize?room=WrkRoom`, { jitsiUrl: srv.base, jar: new Jar() });
  const session = s.jar.c.get('jitsi_oidc_session');
  check(!!session, 'no session cookie for wrk');
  wrks.push(await wrk('/authorize', '/oidc/authorize?room=WrkRoom'));
  wrks.push(await wrk('/tokenize', '/oidc/tokenize', [`Cookie: jitsi_oidc_session=${session}`]));
} catch (e) {
  check(false, `stress aborted: ${e.stack}`);
} finally {
  await srv.stop();
  await idp.stop();
}

const ms = (x) => `${Math.round(x)} ms`;
const out = [];
out.push(`# make stress: ${LOGINS} logins at ${CONC} at a time, nginx + fcgiwrap -c ${WORKERS}, ${new Date().toISOString()}`, '');
out.push('| phase | logins attempted | succeeded | failed (reason) | discovery fetches | JWKS fetches | token calls | cache expiries (disc / JWKS) | fetch bound (disc / JWKS) | torn reads | p50 login | p99 login | wall |');
out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const fails = Object.entries(r.reasons).map(([k, v]) => `${v} ${k}`).join('; ') || '0';
  out.push(`| ${r.name} | ${r.attempted} | ${r.ok} | ${fails} | ${r.fetches.discovery} | ${r.fetches.jwks} | ${r.fetches.token} | ` +
    `${r.expired ? `${r.expired.discovery} / ${r.expired.jwks}` : '–'} | ${r.bound || '–'} | ${r.expired ? `${r.torn} of ${r.reads}` : '–'} | ` +
    `${ms(r.p50)} | ${ms(r.p99)} | ${r.wall.toFixed(1)} s |`);
}
out.push('', `| wrk ${WRK_SECONDS} s, ${WRK_CONNS} connections | requests | req/s | 302 | other statuses | nginx queueing errors | socket errors | adapter log lines | p50 | p99 |`);
out.push('|---|---|---|---|---|---|---|---|---|---|');
for (const w of wrks) {
  const others = Object.entries(w.statuses).filter(([k]) => k !== '302').map(([k, v]) => `${v}×${k}`).join(', ') || '0';
  out.push(`| ${w.name} | ${w.requests} | ${Math.round(w.rps)} | ${w.statuses[302] || 0} | ${others} | ${w.queueing} | ${w.sockerr} | ${w.adapter} | ${w.p50.toFixed(1)} ms | ${w.p99.toFixed(1)} ms |`);
}
out.push('', problems.length ? `FAILED:\n${problems.map((p) => `- ${p}`).join('\n')}` : 'all checks passed');
const text = out.join('\n');
console.log(text);
mkdirSync(join(root, 'tests', 'out'), { recursive: true });
writeFileSync(join(root, 'tests', 'out', 'stress.md'), `${text}\n`);
console.log(`\n${problems.length ? 0 : 1} passed, ${problems.length ? 1 : 0} failed`);
process.exit(problems.length ? 1 : 0);
