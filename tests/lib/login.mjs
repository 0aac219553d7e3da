// One whole login, each step through the real CGI binary and the real
// provider: /authorize -> provider login+consent -> /redirect -> /tokenize.
import assert from 'node:assert/strict';
import { runCgi, providerLogin, assertClean, cookieHeader } from './harness.mjs';

export const PUBLIC = 'https://meet.example.test/oidc';

export async function fullLogin({ config, query, login = 'alice', extraEnv = {} }) {
  const a = runCgi({ config, path: '/authorize', query, extraEnv });
  assertClean(assert, a);
  assert.equal(a.status, 302, `authorize: ${a.body} ${a.stderr}`);
  const st = a.cookies.jitsi_oidc_state;
  assert.ok(st, 'state cookie set');
  const cb = await providerLogin(a.location, `${PUBLIC}/redirect`, login);
  const cbq = new URL(cb).search.slice(1);
  const r = runCgi({ config, path: '/redirect', query: cbq, cookie: cookieHeader(['jitsi_oidc_state', st.value]), extraEnv });
  assertClean(assert, r);
  const sess = r.cookies.jitsi_oidc_session;
  let t = null;
  if (r.status === 302) {
    assert.equal(r.location, `${PUBLIC}/tokenize`);
    assert.ok(sess, 'session cookie set');
    t = runCgi({ config, path: '/tokenize', cookie: cookieHeader(['jitsi_oidc_session', sess.value]), extraEnv });
    assertClean(assert, t);
  }
  return { authorize: a, callback: cb, callbackQuery: cbq, redirect: r, tokenize: t, stateCookie: st, sessionCookie: sess };
}
