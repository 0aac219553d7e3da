// A real, certified OpenID provider (panva's oidc-provider) on loopback,
// for the tests and the demo.  Any login name, any password (devInteractions).
//
//   PORT=9000 node tests/idp/provider.mjs    (PORT=0: any free port)
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (comma-separated
// list allowed), ID_TOKEN_ALG (RS256 | ES256 | PS256/384/512 | HS256/384/512,
// the client's id_token_signed_response_alg; HS* are keyed with the client
// secret), ID_TOKEN_ALGS (comma-separated: the algorithms discovery lists
// instead of oidc-provider's default plus ID_TOKEN_ALG), CLIENT_AUTH (the
// client's token_endpoint_auth_method, default client_secret_basic; "none"
// registers a public client without a secret), CLIENT_JWKS (a JSON JWKS
// of public keys: the client's keys for private_key_jwt),
// CLIENT_AUTH_METHODS (comma-separated: the methods the token endpoint
// accepts and discovery lists), ISSUER (the issuer, default
// http://127.0.0.1:PORT; it always listens on 127.0.0.1:PORT), TLS_CERT and
// TLS_KEY (PEM files: serve https), KEY_SEED (fixed keys for a
// restart that keeps them), POST_LOGOUT_REDIRECT_URI (comma-separated),
// USERINFO_ONLY=1 (the ID token carries sub alone; the profile claims
// come from userinfo), USERINFO_SUB (userinfo answers with this sub: a
// lying provider), USERINFO_EXTRA (a JSON object added to every userinfo
// answer), REFRESH=1 (the client may use refresh tokens: one is issued at
// every code exchange and rotated at every use, unless REFRESH_ROTATE=0;
// revocation_endpoint on),
// ACCOUNTS_FILE (a JSON file re-read at every use of an account: an
// object of login names, each a JSON object of claims to set, or null to
// delete; "disabled": true makes the account unknown).  Accounts (any
// other login name is a plain member):
//   alice       groups jitsi-admins, staff; realm_access.roles moderator;
//               a picture; given and family name
//   bob         groups staff
//   carol       e-mail at other.test, groups guests
//   dave        e-mail not verified
//   gina        no name, no preferred_username: given + family name
//   noname      no name: preferred_username
// Every request is logged on stdout as
// "request METHOD PATH" so that tests can count calls to the provider.
import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const readJson = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : {});
// Listen first: with PORT=0 the kernel chooses the port, and the ready
// line says which (a port chosen free by another process can be taken
// before this one listens on it).
const server = process.env.TLS_CERT
  ? https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) })
  : http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(process.env.PORT ?? 9000), '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = process.env.ISSUER || `${process.env.TLS_CERT ? 'https' : 'http'}://127.0.0.1:${port}`;
const alg = process.env.ID_TOKEN_ALG || 'RS256';

function jwk(pair, kid, keyAlg) {
  return { ...pair.privateKey.export({ format: 'jwk' }), kid, alg: keyAlg, use: 'sig' };
}
const keys = [
  jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }), `rs-${port}-${Date.now()}`, 'RS256'),
  jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }), `es-${port}-${Date.now()}`, 'ES256'),
];
// RSA-PSS: a key of its own, published with its alg
if (/^PS/.test(alg)) keys.push(jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }), `ps-${port}-${Date.now()}`, alg));
// oidc-provider 8's own default list (9 added the name Ed25519)
const defaultAlgs = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const idTokenAlgs = process.env.ID_TOKEN_ALGS ? process.env.ID_TOKEN_ALGS.split(',')
  : [...new Set([...defaultAlgs, alg])];
const clientAuth = process.env.CLIENT_AUTH || 'client_secret_basic';
const clientAuthMethods = process.env.CLIENT_AUTH_METHODS ? process.env.CLIENT_AUTH_METHODS.split(',')
  : ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none'];

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'jitsi',
    ...(clientAuth === 'none' ? {} : { client_secret: process.env.CLIENT_SECRET || 'jitsi-secret-0123456789' }),
    ...(process.env.CLIENT_JWKS ? { jwks: JSON.parse(process.env.CLIENT_JWKS) } : {}),
    redirect_uris: (process.env.REDIRECT_URI || 'http://127.0.0.1:8080/oidc/redirect').split(','),
    post_logout_redirect_uris: (process.env.POST_LOGOUT_REDIRECT_URI || 'http://127.0.0.1:8080/').split(','),
    grant_types: process.env.REFRESH === '1' ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: clientAuth,
    id_token_signed_response_alg: alg,
  }],
  jwks: { keys },
  enabledJWA: { idTokenSigningAlgValues: idTokenAlgs },
  clientAuthMethods,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, revocation: { enabled: process.env.REFRESH === '1' } },
  // without offline_access: a refresh token lives with the provider's session
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => process.env.REFRESH_ROTATE !== '0',
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'given_name', 'family_name', 'picture', 'groups', 'realm_access'],
  },
  async findAccount(ctx, sub) {
    const changes = process.env.ACCOUNTS_FILE ? (readJson(process.env.ACCOUNTS_FILE)[sub] || {}) : {};
    if (changes.disabled) return undefined;
    return {
      accountId: sub,
      async claims(use) {
        const claims = { sub, email: `${sub}@example.test`, email_verified: true, preferred_username: sub,
          name: `User ${sub}`, groups: ['members'] };
        if (sub === 'alice') Object.assign(claims, { groups: ['jitsi-admins', 'staff'], realm_access: { roles: ['moderator'] },
          picture: 'https://pics.example.test/alice.png', given_name: 'Alice', family_name: 'Admin' });
        if (sub === 'bob') claims.groups = ['staff'];
        if (sub === 'carol') Object.assign(claims, { email: 'carol@other.test', groups: ['guests'] });
        if (sub === 'dave') claims.email_verified = false;
        if (sub === 'gina') { delete claims.name; delete claims.preferred_username; Object.assign(claims, { given_name: 'Gina', family_name: 'Given' }); }
        if (sub === 'noname') delete claims.name;   // the adapter falls back to preferred_username
        for (const [k, v] of Object.entries(changes)) if (v === null) delete claims[k]; else claims[k] = v;
        return claims;
      },
    };
  },
  // Put the requested claims into the ID token, unless USERINFO_ONLY.
  conformIdTokenClaims: process.env.USERINFO_ONLY === '1',
  ttl: { Session: 3600, Interaction: 600, AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Grant: 3600 },
});
provider.proxy = true;
provider.use(async (ctx, next) => {
  console.log(`request ${ctx.method} ${ctx.path}`);
  await next();
  // A lying provider: userinfo names another subject than the ID token
  // (oidc-provider itself always answers with the account's own sub).
  if (process.env.USERINFO_SUB && ctx.path === '/me' && ctx.body && typeof ctx.body === 'object') {
    ctx.body = { ...ctx.body, sub: process.env.USERINFO_SUB };
  }
  if (process.env.USERINFO_EXTRA && ctx.path === '/me' && ctx.body && typeof ctx.body === 'object') {
    ctx.body = { ...ctx.body, ...JSON.parse(process.env.USERINFO_EXTRA) };
  }
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
server.on('request', provider.callback());
console.log(`oidc-provider ${issuer} ready (${alg}) on port ${port}`);
// Long keep-alive: node's fetch reuses idle sockets, and a server that closes
// them after the default 5 s races with a slow client (valgrind runs).
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
// Gone with the process that started it (a test file that ended without
// stopping it); make demo starts it with setsid, and a parent of 1 stays 1.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
