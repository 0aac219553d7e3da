// The one login walker: a browser-like walk over HTTP (web server +
// adapter + provider), step by step.  Every step's URL, status and time is
// kept, so that a test can say where a login stopped, whether anything
// answered 5xx, and whether it looped.  A provider's own login and consent
// pages are handled by a `pages` function (oidcProviderPages for the test
// provider; tests/lib/providers/ for others).

import './compat.mjs';

export const MAX_STEPS = 20;	// a good login takes 11; more is a loop

// A minimal cookie jar, one per browser (browsers do not separate ports:
// one jar for 127.0.0.1 serves the adapter and the provider).
export class Jar {
  constructor() { this.c = new Map(); }
  take(res) {
    for (const sc of res.headers.getSetCookie ? res.headers.getSetCookie() : []) {
      const [nv] = sc.split(';');
      const i = nv.indexOf('=');
      const name = nv.slice(0, i).trim(); const value = nv.slice(i + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(sc)) this.c.delete(name); else this.c.set(name, value);
    }
  }
  header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join('; '); }
}

// oidc-provider's interaction pages (tests/idp/provider.mjs): a login form
// (any password) and a consent form, both POSTed back to their own URL.
// Returns the form's answer, or null when res is not such a page.
export async function oidcProviderPages(url, res, step, { login, password }) {
  if (!/\/interaction\//.test(url) || res.status !== 200) return null;
  const html = await res.text();
  const prompt = /name="prompt" value="login"/.test(html) ? 'login' : /name="prompt" value="consent"/.test(html) ? 'consent' : null;
  if (!prompt) throw new Error(`unexpected interaction page: ${html.slice(0, 300)}`);
  const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password } : { prompt });
  return step(url, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

// A Location into Jitsi (not the adapter under it) that carries the token.
export const intoJitsi = (jitsiUrl) => (u) => u.startsWith(`${jitsiUrl}/`) && !u.startsWith(`${jitsiUrl}/oidc/`) && /[?&#]jwt=/.test(u);

// Follow redirects from startUrl, logging in at the provider as `login`,
// until `until(url)` holds (default: a Location into jitsiUrl carrying the
// token).  Returns { ok, location, steps: [{ url, method, status, ms }], jar,
// ms } on success; { ok: false, stop, status, url, body, ... } where it
// stopped (stop says why).  Never throws for an HTTP answer.
export async function walk(startUrl, { jitsiUrl, until = intoJitsi(jitsiUrl), login = 'alice', password = 'x',
  jar = new Jar(), signal, pages = oidcProviderPages, maxSteps = MAX_STEPS } = {}) {
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
    for (let i = 0; i < maxSteps; i++) {
      if (until(url)) return done({ ok: true, location: url });
      let res = await step(url);
      res = (await pages(url, res, step, { login, password })) || res;
      const loc = res.headers.get('location');
      if (!loc || res.status < 300 || res.status > 399) {
        const body = res.bodyUsed ? '' : await res.text();
        return done({ ok: false, stop: `${res.status} at ${new URL(url).pathname}`, status: res.status, url, body });
      }
      await res.arrayBuffer();
      url = new URL(loc, url).href;
    }
    return done({ ok: false, stop: `more than ${maxSteps} steps (a loop)`, url });
  } catch (e) {
    return done({ ok: false, stop: `${e.name === 'AbortError' ? 'aborted' : 'network error'} at ${new URL(url).pathname}: ${e.cause ? e.cause.code || e.cause.message : e.message}`, url, error: e });
  }
}

// The provider's part of a login alone: from its authorization URL until
// it redirects to redirectPrefix; returns that URL, throws otherwise.
export async function providerLogin(startUrl, redirectPrefix, login = 'alice', jar = new Jar()) {
  const r = await walk(startUrl, { until: (u) => u.startsWith(redirectPrefix), login, jar });
  if (r.ok) return r.location;
  if (r.error && /unexpected interaction page/.test(r.error.message)) throw r.error;
  throw new Error(`no Location from ${r.url}: ${r.stop} ${r.body || ''}`);
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
