// glewlwyd's login page for the walker (tests/lib/walk.mjs `pages`).
// login.html is a JavaScript application; this makes the REST calls it
// makes: POST /api/auth/ with the user name and password (a session
// cookie), PUT /api/auth/grant/<client> with the scopes asked (the
// consent), then the callback_url it was given with "g_continue", as the
// page's Continue button does.  Returns the callback's answer (a
// redirect to the relying party), the refusing answer of a REST call (the
// walk stops there), or null for a page that is not glewlwyd's login page.
// With prompt=end_session (RP-initiated logout) the same page asks
// "Logout / Stay connected"; its Logout is endSession below.
export async function glewlwydPages(url, res, step, { login, password }) {
  const u = new URL(url);
  if (!u.pathname.endsWith('/login.html') || res.status !== 200) return null;
  await res.arrayBuffer();
  const callback = u.searchParams.get('callback_url');
  const client = u.searchParams.get('client_id');
  const scope = u.searchParams.get('scope');
  if (!callback) throw new Error(`glewlwyd's login page without callback_url: ${url}`);
  const api = `${u.origin}${u.pathname.replace(/login\.html$/, '')}api`;
  const json = (method, body) => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (u.searchParams.get('prompt') === 'end_session') return endSession(u, api, callback, step);
  const auth = await step(`${api}/auth/`, json('POST', { username: login, password }));
  if (auth.status !== 200) return auth;
  await auth.arrayBuffer();
  if (client && scope) {
    const grant = await step(`${api}/auth/grant/${encodeURIComponent(client)}`, json('PUT', { scope }));
    if (grant.status !== 200) return grant;
    await grant.arrayBuffer();
  }
  return step(`${callback}${callback.includes('?') ? '&' : '?'}g_continue`);
}

// The logout page's "Logout": the page reads the session's clients
// (GET <plugin>/session/<sid>/<client>; glewlwyd 2.7.5 answers it 400
// here, and the page then only shows an error notice), ends the plugin's
// session and the login session (DELETE), and goes to callback_url only
// when that list said post_redirect_to; otherwise it stays on "Session
// closed": that last answer is returned, and the walk stops there.
async function endSession(u, api, callback, step) {
  const plugin = u.searchParams.get('plugin'); const sid = u.searchParams.get('sid');
  const client = u.searchParams.get('client_id');
  const list = await step(`${api}/${plugin}/session/${encodeURIComponent(sid)}/${encodeURIComponent(client)}`);
  const sessions = list.status === 200 ? await list.json() : (await list.arrayBuffer(), {});
  const del = await step(`${api}/${plugin}/session/${encodeURIComponent(sid)}`, { method: 'DELETE' });
  if (del.status !== 200) return del;
  await del.arrayBuffer();
  const out = await step(`${api}/auth/`, { method: 'DELETE' });
  if (out.status !== 200 || !sessions.post_redirect_to) return out;
  await out.arrayBuffer();
  return step(callback);
}
