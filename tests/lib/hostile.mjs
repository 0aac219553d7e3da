// Start tests/idp/hostile.mjs (a separate process: the CGI runs under
// spawnSync, which blocks this process's event loop) and drive logins
// against one of its scenarios.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { root, stopChild, onceMoreIfHung, waitReady, tempDir, writeConfig, runCgi, assertClean, cookieHeader, SECRETS } from './harness.mjs';

export function startHostile() {
  return onceMoreIfHung(startHostileOnce);
}

async function startHostileOnce() {
  const d = tempDir('jo-tls');
  // a self-signed certificate, which the adapter must refuse
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(d, 'key.pem'), '-out', join(d, 'cert.pem')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  const child = spawn(process.execPath, [join(root, 'tests', 'idp', 'hostile.mjs')], {
    env: { ...process.env, PORT: '0', TLS_PORT: '0', TLS_CERT: join(d, 'cert.pem'), TLS_KEY: join(d, 'key.pem') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await waitReady(child, 'hostile provider', / ready on ports (\d+) (\d+)$/);
  const [port, tlsPort] = [Number(m[1]), Number(m[2])];
  return {
    base: `http://127.0.0.1:${port}`, tlsBase: `https://127.0.0.1:${tlsPort}`,
    issuer: (s) => `http://127.0.0.1:${port}/s/${s}`,
    counts: async (s) => (await fetch(`http://127.0.0.1:${port}/_count/${s}`)).json(),
    stop: () => stopChild(child),
  };
}

// One login against a scenario: /authorize, the provider's authorization
// endpoint (which redirects straight back), /redirect.
export async function scenarioLogin(h, scenario, { over = {}, dir = tempDir(), issuer, extraQuery } = {}) {
  const config = writeConfig(dir, issuer || h.issuer(scenario), over);
  const a = runCgi({ config, path: '/authorize', query: 'room=r' });
  assertClean(assert, a);
  if (a.status !== 302) return { authorize: a, config, dir };
  const res = await fetch(a.location, { redirect: 'manual' });
  const cb = res.headers.get('location');
  const started = Date.now();
  const query = new URL(cb).search.slice(1) + (extraQuery ? `&${extraQuery}` : '');
  const cookie = cookieHeader(['jitsi_oidc_state', a.cookies.jitsi_oidc_state.value]);
  const r = runCgi({ config, path: '/redirect', query, cookie });
  assertClean(assert, r);
  return { authorize: a, redirect: r, config, dir, query, cookie, elapsed: (Date.now() - started) / 1000 };
}

// "Reject": the status, an error page, no Location, no Jitsi token
// anywhere, the state cookie deleted, one log line naming the reason.
export function assertRejected(res, status, reason, { stateDeleted = true } = {}) {
  assert.equal(res.status, status, `${res.status}: ${res.stderr}`);
  assert.equal(res.location, undefined);
  assert.doesNotMatch(res.raw, /jwt=|eyJ[A-Za-z0-9_-]+\.eyJ/);
  assert.equal(res.cookies.jitsi_oidc_session, undefined);
  const st = res.cookies.jitsi_oidc_state;
  if (stateDeleted) assert.ok(st && st.value === '' && st.attrs.includes('Max-Age=0'), 'state cookie deleted');
  const lines = res.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0], reason);
  for (const s of Object.values(SECRETS)) assert.ok(!res.raw.includes(s) && !res.stderr.includes(s));
}

// The JWKS cached in a cache_dir, made two minutes older: the next
// unknown kid may fetch it again (fetches are a minute apart at least).
export function ageJwksCache(cache) {
  const f = readdirSync(cache).find((n) => n.endsWith('.jwks.json'));
  const p = join(cache, f);
  const o = JSON.parse(readFileSync(p, 'utf8'));
  o.fetched -= 120;
  writeFileSync(p, JSON.stringify(o));
}
