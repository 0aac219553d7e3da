// A scripted hostile OpenID provider for the attack and fault tests.
//
//   PORT=9100 [TLS_PORT=9443 TLS_CERT=… TLS_KEY=…] node tests/idp/hostile.mjs
//
// Each scenario is its own issuer: http://127.0.0.1:PORT/s/<scenario>.  It
// serves discovery, a JWKS, an authorization endpoint that redirects
// straight back with a code, and a token endpoint that answers per
// scenario.  GET /_count/<scenario> returns how often each endpoint was
// called, for the tests that count re-fetches.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, createSign, createHmac, randomBytes, createECDH, createPrivateKey, createPublicKey } from 'node:crypto';

const port = Number(process.env.PORT ?? 9100);
const b64u = (b) => Buffer.from(b).toString('base64url');

function rsa(bits) { return generateKeyPairSync('rsa', { modulusLength: bits }); }
const keys = {
  k1: { ...rsa(2048), alg: 'RS256' },
  k2: { ...rsa(2048), alg: 'RS256' },     // appears after a rotation
  k3: { ...rsa(2048), alg: 'RS256' },     // never published
  k4: { ...rsa(2048), alg: 'RS256' },
  e1: { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }), alg: 'ES256' },
  weak: { ...rsa(1024), alg: 'RS256' },
  other: { ...rsa(2048), alg: 'RS256' },  // signs "bad signature" tokens
};
// A P-256 key whose x or y starts with a zero byte (about 1 key in 128),
// for the JWK that drops it as glewlwyd's key library does.  Searched
// with ECDH key pairs (the raw point, 04 | x | y): node 20 can deadlock
// in a loop of generateKeyPairSync('ec') and JWK exports.
function ecWithLeadingZero() {
  for (;;) {
    const e = createECDH('prime256v1');
    const pub = e.generateKeys();
    if (pub[1] === 0 || pub[33] === 0) {
      const d = e.getPrivateKey();
      const privateKey = createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'),
        y: pub.subarray(33).toString('base64url'), d: Buffer.concat([Buffer.alloc(32 - d.length), d]).toString('base64url') } });
      return { privateKey, publicKey: createPublicKey(privateKey), alg: 'ES256' };
    }
  }
}
keys.eshort = ecWithLeadingZero();
const stripZeros = (c) => { const b = Buffer.from(c, 'base64url'); let i = 0; while (i < b.length - 1 && b[i] === 0) i++; return b.subarray(i).toString('base64url'); };
function shortJwk() {
  const j = jwk('eshort');
  return { ...j, x: stripZeros(j.x), y: stripZeros(j.y) };
}
function longJwk() {
  const j = jwk('e1');
  return { ...j, kid: 'long', x: Buffer.concat([Buffer.alloc(1), Buffer.from(j.x, 'base64url')]).toString('base64url') };
}
function jwk(kid, { withKid = true } = {}) {
  const k = keys[kid];
  const j = { ...k.publicKey.export({ format: 'jwk' }), alg: k.alg, use: 'sig' };
  if (withKid) j.kid = kid;
  return j;
}

function jws(header, claims, signer) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(typeof claims === 'string' ? claims : JSON.stringify(claims))}`;
  return `${input}.${signer(input)}`;
}
const rs256 = (key) => (input) => b64u(createSign('RSA-SHA256').update(input).sign(key.privateKey));
const es256 = (key) => (input) => b64u(createSign('SHA256').update(input).sign({ key: key.privateKey, dsaEncoding: 'ieee-p1363' }));

// Per scenario: the JWKS served (may change after the first fetch), and the
// token endpoint's answer, given the issuer, client id and nonce.
const now = () => Math.floor(Date.now() / 1000);
const base = (iss, aud, nonce) => ({ iss, aud, sub: 'mallory', nonce, iat: now(), exp: now() + 300, name: 'Mallory', email: 'mallory@example.test' });
const good = (c) => jws({ alg: 'RS256', typ: 'JWT', kid: 'k1' }, c, rs256(keys.k1));
const idt = (t) => ({ json: { access_token: 'at', token_type: 'Bearer', id_token: t } });
const tenant = (b, tid) => ({ ...b, tid, iss: b.iss.replace('{tenantid}', tid) });
// HS256 ID tokens keyed with the client secret (OpenID Connect Core 10.1),
// from a discovery document that lists HS256 (or not)
const clientSecret = process.env.CLIENT_SECRET || 'jitsi-secret-0123456789';
const hs256 = (key) => (input) => b64u(createHmac('sha256', key).update(input).digest());
const listsHS = (d) => ({ ...d, id_token_signing_alg_values_supported: ['RS256', 'HS256'] });
const hsGood = (c) => jws({ alg: 'HS256', typ: 'JWT' }, c, hs256(clientSecret));

// a refresh token with the login's answer; the refresh grant answered
// by the scenario's refresh (the claims without a nonce)
const withRt = (a, rt = 'rt-1') => ({ json: { ...a.json, refresh_token: rt } });

const scenarios = {
  ok: { token: (b) => idt(good(b)) },
  // refresh tokens (issue: a remembered login re-checked): a refreshed
  // ID token for another user, one with a bad signature, one that is
  // fine; a refresh token too large for a cookie
  'refresh-ok': { token: (b) => withRt(idt(good(b))), refresh: (b) => withRt(idt(good(b)), 'rt-2') },
  'refresh-other-sub': { token: (b) => withRt(idt(good(b))), refresh: (b) => withRt(idt(good({ ...b, sub: 'eve' })), 'rt-2') },
  'refresh-bad-signature': { token: (b) => withRt(idt(good(b))),
    refresh: (b) => withRt(idt(jws({ alg: 'RS256', kid: 'k1' }, b, rs256(keys.other))), 'rt-2') },
  // Core 12.2: a refresh answer without a new ID token (glewlwyd's), and no userinfo here
  'refresh-no-idtoken': { token: (b) => withRt(idt(good(b))), refresh: () => ({ json: { access_token: 'at2', token_type: 'Bearer' } }) },
  'refresh-big': { token: (b) => withRt(idt(good(b)), `rt-${'x'.repeat(3000)}`), refresh: (b) => withRt(idt(good(b)), 'rt-2') },
  // refresh answers that are not a token: definite refusals (RFC 6749
  // 5.2: 400 or 401 with an error) and answers that say nothing
  'refresh-unauthorized-client': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 400, json: { error: 'unauthorized_client' } }) },
  'refresh-invalid-request': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 400, json: { error: 'invalid_request', error_description: 'no' } }) },
  'refresh-invalid-client': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 401, json: { error: 'invalid_client' } }) },
  'refresh-429': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 429, json: { error: 'slow_down' } }) },
  'refresh-503': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 503, json: { error: 'temporarily_unavailable' } }) },
  'refresh-400-no-error': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 400, json: { message: 'bad' } }) },
  'refresh-400-unavailable': { token: (b) => withRt(idt(good(b))), refresh: () => ({ status: 400, json: { error: 'temporarily_unavailable' } }) },
  // a well-signed ID token whose name holds "\u0000" (and one whose
  // key does): refused for that, not as a bad signature
  'idt-nul': { token: (b) => idt(good({ ...b, name: 'Mal\u0000lory' })) },
  'idt-nul-key': { token: (b) => idt(good({ ...b, 'x\u0000y': 1 })) },
  // a refreshed ID token signed by a new key while the JWKS cannot be
  // fetched any more (first fetch fine, then 503)
  'refresh-new-kid-jwks-down': { token: (b) => withRt(idt(good(b))), jwksFailAfter: 1,
    refresh: (b) => withRt(idt(jws({ alg: 'RS256', typ: 'JWT', kid: 'k2' }, b, rs256(keys.k2))), 'rt-2') },
  // an ID token too large to keep as the logout hint, no refresh token
  'idt-big': { token: (b) => idt(good({ ...b, pad: 'x'.repeat(3000) })) },
  // a revocation_endpoint that never answers (the silent logout's bound)
  'revoke-hang': { token: (b) => withRt(idt(good(b))), refresh: (b) => withRt(idt(good(b)), 'rt-2'),
    discovery: (d) => ({ ...d, revocation_endpoint: `${d.token_endpoint.replace(/\/token$/, '')}/revoke` }), revokeHang: true },
  es256: { jwks: () => [jwk('e1')], token: (b) => idt(jws({ alg: 'ES256', kid: 'e1' }, b, es256(keys.e1))) },
  'bad-signature': { token: (b) => idt(jws({ alg: 'RS256', kid: 'k1' }, b, rs256(keys.other))) },
  'alg-none': { token: (b) => idt(jws({ alg: 'none' }, b, () => '')) },
  'alg-missing': { token: (b) => idt(jws({ kid: 'k1' }, b, rs256(keys.k1))) },
  'alg-confusion': { token: (b) => idt(jws({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, b,
    (input) => b64u(createHmac('sha256', keys.k1.publicKey.export({ type: 'spki', format: 'pem' })).update(input).digest()))) },
  hs256: { discovery: listsHS, token: (b) => idt(hsGood(b)) },
  'hs256-unlisted': { token: (b) => idt(hsGood(b)) },
  'hs256-wrong-secret': { discovery: listsHS, token: (b) => idt(jws({ alg: 'HS256' }, b, hs256(`${clientSecret}x`))) },
  // the attack of checklist 3 against a provider that does list HS256
  'alg-confusion-listed': { discovery: listsHS, token: (b) => idt(jws({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, b,
    hs256(keys.k1.publicKey.export({ type: 'spki', format: 'pem' })))) },
  // glewlwyd signing with HS256 answers 403 on its JWKS URI
  'hs256-jwks-403': { discovery: listsHS, jwksStatus: 403, token: (b) => idt(hsGood(b)) },
  'rs256-jwks-403': { discovery: listsHS, jwksStatus: 403, token: (b) => idt(good(b)) },
  'eddsa-only': { discovery: (d) => ({ ...d, id_token_signing_alg_values_supported: ['EdDSA'] }) },
  'iss-wrong': { token: (b) => idt(good({ ...b, iss: 'https://evil.example' })) },
  'iss-missing': { token: (b) => idt(good({ ...b, iss: undefined })) },
  'aud-wrong': { token: (b) => idt(good({ ...b, aud: 'someone-else' })) },
  'aud-missing': { token: (b) => idt(good({ ...b, aud: undefined })) },
  'aud-array-without-us': { token: (b) => idt(good({ ...b, aud: ['a', 'b'] })) },
  'aud-array-no-azp': { token: (b) => idt(good({ ...b, aud: [b.aud, 'b'] })) },
  'azp-untrusted': { token: (b) => idt(good({ ...b, azp: 'someone-else' })) },
  'sub-missing': { token: (b) => idt(good({ ...b, sub: undefined })) },
  'iat-missing': { token: (b) => idt(good({ ...b, iat: undefined })) },
  'iat-future': { token: (b) => idt(good({ ...b, iat: now() + 3600 })) },
  'iat-past': { token: (b) => idt(good({ ...b, iat: now() - 3600 })) },
  'exp-missing': { token: (b) => idt(good({ ...b, exp: undefined })) },
  'exp-past': { token: (b) => idt(good({ ...b, exp: now() - 1 })) },
  'exp-string': { token: (b) => idt(good({ ...b, exp: String(now() + 300) })) },
  'exp-1e300': { token: (b) => idt(good(JSON.stringify({ ...b, exp: 0 }).replace('"exp":0', '"exp":1e300'))) },
  'nonce-wrong': { token: (b) => idt(good({ ...b, nonce: 'not-the-nonce' })) },
  'nonce-missing': { token: (b) => idt(good({ ...b, nonce: undefined })) },
  // unknown kid, then the JWKS gains it (a rotation)
  rotate: { jwks: (n) => (n === 0 ? [jwk('k1')] : [jwk('k1'), jwk('k2')]),
    token: (b, n) => idt(n === 0 ? good(b) : jws({ alg: 'RS256', kid: 'k2' }, b, rs256(keys.k2))) },
  'kid-unknown': { token: (b) => idt(jws({ alg: 'RS256', kid: 'k3' }, b, rs256(keys.k3))) },
  'no-kid-one-key': { jwks: () => [jwk('k1', { withKid: false })], token: (b) => idt(jws({ alg: 'RS256' }, b, rs256(keys.k1))) },
  'no-kid-several-keys': { jwks: () => [jwk('k4'), jwk('e1'), jwk('k1')], token: (b) => idt(jws({ alg: 'RS256' }, b, rs256(keys.k1))) },
  'no-kid-several-none-fits': { jwks: () => [jwk('k4'), jwk('k2'), jwk('e1')], token: (b) => idt(jws({ alg: 'RS256' }, b, rs256(keys.k1))) },
  'discovery-other-issuer': { discovery: (d) => ({ ...d, issuer: 'https://evil.example' }) },
  // 32 keys refused as too weak, then the one that signs (issue 18)
  'jwks-weak-first': { jwks: () => [...Array.from({ length: 32 }, (_, i) => ({ ...jwk('weak'), kid: `weak${i}` })), jwk('k1')],
    token: (b) => idt(good(b)) },
  // every provider call answered after 1.5 s (each within http_timeout)
  slow: { delay: 1500, token: (b) => idt(good(b)) },
  // glewlwyd's short EC coordinate: left-padded, the login goes on
  'ec-short-coordinate': { jwks: () => [shortJwk()], token: (b) => idt(jws({ alg: 'ES256', kid: 'eshort' }, b, es256(keys.eshort))) },
  // no key that can be used, each for its own reason
  'jwks-none-usable': { jwks: () => [longJwk(), { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, { ...jwk('k1'), kid: 'enc1', use: 'enc' },
    { kty: 'EC', kid: 'c9', crv: 'P-999', x: 'AA', y: 'AA' }], token: (b) => idt(good(b)) },
  'rsa-weak': { jwks: () => [jwk('weak')], token: (b) => idt(jws({ alg: 'RS256', kid: 'weak' }, b, rs256(keys.weak))) },
  'idtoken-100k': { token: (b) => idt(good({ ...b, pad: 'x'.repeat(100 * 1024) })) },
  'idtoken-1mib': { token: (b) => idt(good({ ...b, pad: 'x'.repeat(1 << 20) })) },
  'token-100mib': { token: () => ({ stream: 100 << 20 }) },
  'token-hang': { token: () => ({ hang: true }) },
  'token-500': { token: () => ({ status: 500, text: 'Internal Server Error' }) },
  'token-html': { token: () => ({ status: 200, type: 'text/html', text: '<html><body>Welcome</body></html>' }) },
  'token-no-idtoken': { token: () => ({ json: { access_token: 'at', token_type: 'Bearer' } }) },
  'jwks-500': { jwksStatus: 500 },
  'token-error-null': { token: () => ({ status: 400, type: 'application/json', text: '{"error":null}' }) },
  // an issuer ending in "/" (as Auth0's do): discovery is at issuer minus the "/"
  'trailing-slash': { slash: true, token: (b) => idt(good(b)) },
  // claim shapes of providers that do not run here (docs/providers/)
  // Zitadel: project roles as an object keyed by role name
  'zitadel-roles': { token: (b) => idt(good({ ...b, 'urn:zitadel:iam:org:project:roles': {
    moderator: { 245011: 'acme.zitadel.cloud' }, viewer: { 245011: 'acme.zitadel.cloud' } } })) },
  // Keycloak: client roles under the client id, which holds dots
  'keycloak-client-roles': { token: (b) => idt(good({ ...b,
    resource_access: { 'meet.example.test': { roles: ['moderator'] }, account: { roles: ['view-profile'] } } })) },
  // the login's strength: acr and auth_time as a provider says them
  'acr-mfa': { token: (b) => idt(good({ ...b, acr: 'urn:example:mfa', auth_time: now() - 5 })) },
  'acr-password': { token: (b) => idt(good({ ...b, acr: 'urn:example:password', auth_time: now() - 5 })) },
  'auth-time-old': { token: (b) => idt(good({ ...b, acr: 'urn:example:mfa', auth_time: now() - 3600 })) },
  'auth-time-future': { token: (b) => idt(good({ ...b, auth_time: now() + 3600 })) },
  'auth-time-string': { token: (b) => idt(good({ ...b, auth_time: String(now()) })) },
  // Entra ID multi-tenant (/organizations): the issuer a template, each
  // token's iss that of the user's own tenant (tid)
  'entra-multi': { multiTenant: true, token: (b) => idt(good(tenant(b, 'T1'))) },
  'entra-multi-stranger': { multiTenant: true, token: (b) => idt(good(tenant(b, 'T9'))) },
  'entra-multi-iss-mismatch': { multiTenant: true, token: (b) => idt(good({ ...tenant(b, 'T1'), iss: b.iss.replace('{tenantid}', 'T2') })) },
  'entra-multi-template-iss': { multiTenant: true, token: (b) => idt(good({ ...b, tid: 'T1' })) },
  // Entra ID: a user in more groups than fit in a token (group overage)
  'entra-overage': { token: (b) => idt(good({ ...b, roles: ['Jitsi.Moderator'],
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/mallory/getMemberObjects' } } })) },
};

const codes = new Map();
const counts = {};
const count = (s, what) => { counts[s] = counts[s] || {}; counts[s][what] = (counts[s][what] || 0) + 1; return counts[s][what] - 1; };

// portOf(): the port the server listens on (with PORT=0 the kernel chose
// it; read from the server, as a request's socket may be gone by the
// time a delayed answer is written)
function handler(scheme, portOf) {
  return (req, res) => {
    const listenPort = portOf();
    const url = new URL(req.url, `${scheme}://127.0.0.1:${listenPort}`);
    const m = url.pathname.match(/^\/s\/([a-z0-9-]+)(\/.*)$/);
    if (url.pathname.startsWith('/_count/')) {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(counts[url.pathname.slice(8)] || {}));
    }
    if (!m || !scenarios[m[1]]) { res.statusCode = 404; return res.end('no such scenario'); }
    const [, name] = m;
    // a multi-tenant provider (Entra ID): served under /organizations/v2.0
    const path = scenarios[name].multiTenant ? m[2].replace(/^\/organizations\/v2\.0/, '') : m[2];
    const sc = scenarios[name];
    if (sc.delay && path !== '/auth' && !req.delayed) {
      req.delayed = true;
      return setTimeout(() => handler(scheme, portOf)(req, res), sc.delay);
    }
    const prefix = `${scheme}://127.0.0.1:${listenPort}/s/${name}`;
    const iss = sc.slash ? `${prefix}/` : sc.multiTenant ? `${prefix}/{tenantid}/v2.0` : prefix;
    const json = (o, status = 200) => { res.statusCode = status; res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(o)); };
    if (path === '/.well-known/openid-configuration') {
      count(name, 'discovery');
      const ep = sc.multiTenant ? `${prefix}/organizations/v2.0` : prefix;
      const d = { issuer: iss, authorization_endpoint: `${ep}/auth`, token_endpoint: `${ep}/token`,
        jwks_uri: `${ep}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'] };
      return json(sc.discovery ? sc.discovery(d) : d);
    }
    if (path === '/jwks') {
      const n = count(name, 'jwks');
      if (sc.jwksStatus) return json({ error: 'boom' }, sc.jwksStatus);
      if (sc.jwksFailAfter !== undefined && n >= sc.jwksFailAfter) return json({ error: 'boom' }, 503);
      return json({ keys: sc.jwks ? sc.jwks(n) : [jwk('k1'), jwk('e1')] });
    }
    if (path === '/auth') {
      count(name, 'auth');
      const code = b64u(randomBytes(16));
      codes.set(code, { nonce: url.searchParams.get('nonce'), aud: url.searchParams.get('client_id') });
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state'));
      res.statusCode = 302; res.setHeader('location', back.href); return res.end();
    }
    if (path === '/revoke' && req.method === 'POST') {
      count(name, 'revoke');
      if (sc.revokeHang) return;			// never answer
      res.statusCode = 200; return res.end();
    }
    if (path === '/token' && req.method === 'POST') {
      const n = count(name, 'token');
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') === 'refresh_token') {
          count(name, 'refresh');
          if (!sc.refresh || !/^rt-/.test(form.get('refresh_token') || '')) return json({ error: 'invalid_grant' }, 400);
          if (!/^Basic /.test(req.headers.authorization || '')) return json({ error: 'invalid_client' }, 401);
          const rb = base(iss, 'jitsi', undefined);
          delete rb.nonce;
          const a = sc.refresh(rb);
          return json(a.json, a.status || 200);
        }
        const c = codes.get(form.get('code'));
        codes.delete(form.get('code'));
        if (!c) return json({ error: 'invalid_grant' }, 400);
        if (!/^Basic /.test(req.headers.authorization || '') || !form.get('code_verifier')) return json({ error: 'invalid_client' }, 401);
        const a = sc.token(base(iss, c.aud, c.nonce), n);
        if (a.hang) return;                       // never answer
        if (a.stream) {                           // a huge body, sent as long as it is read
          res.setHeader('content-type', 'application/json');
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < a.stream) { sent += chunk.length; if (!res.write(chunk)) return res.once('drain', pump); }
            res.end();
          };
          res.on('error', () => {}); req.socket.on('error', () => {});
          return pump();
        }
        if (a.json) return json(a.json);
        res.statusCode = a.status; res.setHeader('content-type', a.type || 'text/plain'); res.end(a.text);
      });
      return;
    }
    res.statusCode = 404; res.end();
  };
}

// Long keep-alive: node's fetch reuses idle sockets, and a server that closes
// them after the default 5 s races with a slow client (valgrind runs).
const keep = (srv) => { srv.keepAliveTimeout = 120000; srv.headersTimeout = 121000; return srv; };
const serve = (scheme, srv, listenOn) => {
  srv.on('request', handler(scheme, () => srv.address().port));
  return keep(srv).listen(listenOn, '127.0.0.1');
};
const servers = [serve('http', http.createServer(), port)];
if (process.env.TLS_PORT) {
  servers.push(serve('https', https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }),
    Number(process.env.TLS_PORT)));
}
// PORT=0 / TLS_PORT=0: ports of the kernel's choosing, named in the ready line
Promise.all(servers.map((s) => new Promise((r) => s.on('listening', r))))
  .then(() => console.log(`hostile provider ready on ports ${servers.map((s) => s.address().port).join(' ')}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
// Gone with the process that started it (a test file that ended without
// stopping it): it would hold that file's inherited stderr open.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
