// A browser-like walk of one whole login over HTTP (web server + adapter +
// provider), step by step, for the storm and the fault tests: every step's
// URL, status and time is kept, so that a test can say where a login
// stopped, whether anything answered 5xx, and whether it looped.
import { Jar } from './harness.mjs';

export const MAX_STEPS = 20;	// a good login takes 11; more is a loop

// Follow redirects from startUrl, logging in at the provider as `login`,
// until a Location into jitsiUrl carries the token (#jwt= or ?jwt=).  Returns
// { ok, location, steps: [{ url, method, status, ms }], jar, stop }, where
// stop says why a failed walk stopped.  Never throws for an HTTP answer.
export async function walk(startUrl, { jitsiUrl, login = 'alice', jar = new Jar(), signal } = {}) {
  const steps = [];
  let url = startUrl;
  const t0 = performance.now();
  const step = async (u, init) => {
    const s0 = performance.now();
    const res = await fetch(u, { redirect: 'manual', signal, ...init,
      headers: { cookie: jar.header(), ...(init && init.headers) } });
    jar.take(res);
    steps.push({ url: u, method: (init && init.method) || 'GET', status: res.status, ms: performance.now() - s0 });
    return res;
  };
  const done = (o) => ({ ...o, steps, jar, ms: performance.now() - t0 });
  try {
    for (let i = 0; i < MAX_STEPS; i++) {
      if (url.startsWith(`${jitsiUrl}/`) && !url.startsWith(`${jitsiUrl}/oidc`) && /[?&#]jwt=/.test(url)) {
        return done({ ok: true, location: url });
      }
      let res = await step(url);
      if (/\/interaction\//.test(url) && res.status === 200) {
        const html = await res.text();
        const prompt = /name="prompt" value="login"/.test(html) ? 'login' : 'consent';
        const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'x' } : { prompt });
        res = await step(url, { method: 'POST', body: form,
          headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      }
      const loc = res.headers.get('location');
      if (!loc || res.status < 300 || res.status > 399) {
        const body = await res.text();
        return done({ ok: false, stop: `${res.status} at ${new URL(url).pathname}`, status: res.status, url, body });
      }
      await res.arrayBuffer();
      url = new URL(loc, url).href;
    }
    return done({ ok: false, stop: `more than ${MAX_STEPS} steps (a loop)`, url });
  } catch (e) {
    return done({ ok: false, stop: `${e.name === 'AbortError' ? 'aborted' : 'network error'} at ${new URL(url).pathname}: ${e.cause ? e.cause.code || e.cause.message : e.message}`, url });
  }
}

// Run fn(i) for i in [0, n) with at most `concurrency` at a time.
export async function pool(n, concurrency, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) { const i = next++; out[i] = await fn(i); }
  }));
  return out;
}

// Count the adapter's calls in the provider's request log.
export function fetchCounts(lines) {
  return {
    discovery: lines.filter((l) => l.includes('/.well-known/openid-configuration')).length,
    jwks: lines.filter((l) => / \/jwks$/.test(l)).length,
    token: lines.filter((l) => l === 'request POST /token').length,
  };
}
