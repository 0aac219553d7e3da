// LemonLDAP::NG's portal pages for the walker (tests/lib/walk.mjs
// `pages`): plain HTML forms, posted as a browser posts them (every
// hidden field, plus what the user types or clicks):
//   - the login form (fields user and password);
//   - the consent form (a hidden "confirm"): "Accept" posts it as it is,
//     "Refuse" with confirm negated, as the portal's button does;
//   - the logout confirmation (also a "confirm" form, at /oauth2/logout).
// lemonldapPages({ consent: 'refuse' }) refuses; the default accepts.
// Returns the form's answer, or null for a page that is not the portal's.

// The forms of a page: [{ action, method, fields: [[name, value]], names }]
export function forms(html) {
  const attr = (tag, name) => {
    const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
    return m ? (m[2] ?? m[3] ?? m[4]).replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'") : null;
  };
  return [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/gi)].map(([f]) => {
    const open = f.match(/<form\b[^>]*>/i)[0];
    const inputs = [...f.matchAll(/<(?:input|button)\b[^>]*>/gi)].map(([t]) => t);
    const fields = []; const names = new Set();
    for (const t of inputs) {
      const name = attr(t, 'name');
      if (!name) continue;
      names.add(name);
      if ((attr(t, 'type') || '').toLowerCase() === 'hidden') fields.push([name, attr(t, 'value') || '']);
    }
    return { action: attr(open, 'action'), method: (attr(open, 'method') || 'get').toLowerCase(), fields, names };
  });
}

// One portal page: the form to post and its fields, or null.
function answer(html, url, { login, password, consent }, seen) {
  for (const f of forms(html)) {
    const to = f.action && f.action !== '#' ? new URL(f.action, url).href : url;
    if (f.names.has('user') && f.names.has('password')) {
      if (seen.has('login')) throw new Error(`the portal asks for the password again at ${url} (refused ${login}'s?)`);
      seen.add('login');
      return [to, [...f.fields.filter(([n]) => n !== 'user' && n !== 'password'), ['user', login], ['password', password]]];
    }
    if (f.names.has('confirm')) {
      const refuse = consent === 'refuse' && !/\/oauth2\/logout/.test(url);
      return [to, f.fields.map(([n, v]) => (n === 'confirm' && refuse ? [n, `-${v.replace(/^-/, '')}`] : [n, v]))];
    }
  }
  return null;
}

export function lemonldapPages({ consent = 'accept' } = {}) {
  return async function pages(url, res, step, { login, password }) {
    const seen = new Set();
    // a form's answer may be the next form (login, then consent): each
    // is posted in turn until the portal redirects
    for (let i = 0; i < 5; i++) {
      if (res.status !== 200 || !/text\/html/.test(res.headers.get('content-type') || '')) return i ? res : null;
      const html = await res.text();
      if (!/lemonldap|llng/i.test(html)) {
        if (!i) return null;
        throw new Error(`not a LemonLDAP::NG page after a form at ${url}`);
      }
      const next = answer(html, url, { login, password, consent }, seen);
      if (!next) {
        const msg = (html.match(/<div[^>]*class="[^"]*(?:message-negative|message-warning|alert-danger)[^"]*"[^>]*>([\s\S]*?)<\/div>/i) || [])[1];
        throw new Error(`unexpected LemonLDAP::NG page at ${url}${msg ? `: ${msg.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()}` : ''}`);
      }
      [url] = next;
      res = await step(url, { method: 'POST', body: new URLSearchParams(next[1]),
        headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
    throw new Error(`more than 5 forms in a row at ${url}`);
  };
}
