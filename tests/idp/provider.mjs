// A real, certified OpenID provider (panva's oidc-provider) on loopback,
// for the tests and the demo.  Any login name, any password (devInteractions).
//
//   PORT=9000 node tests/idp/provider.mjs
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (comma-separated
// list allowed), ID_TOKEN_ALG (RS256 | ES256), KEY_SEED (fixed keys for a
// restart that keeps them).  Every request is logged on stdout as
// "request METHOD PATH" so that tests can count calls to the provider.
import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';

const port = Number(process.env.PORT || 9000);
const issuer = `http://127.0.0.1:${port}`;
const alg = process.env.ID_TOKEN_ALG || 'RS256';

function jwk(pair, kid, keyAlg) {
  return { ...pair.privateKey.export({ format: 'jwk' }), kid, alg: keyAlg, use: 'sig' };
}
const keys = [
  jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }), `rs-${port}-${Date.now()}`, 'RS256'),
  jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }), `es-${port}-${Date.now()}`, 'ES256'),
];

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'jitsi',
    client_secret: process.env.CLIENT_SECRET || 'jitsi-secret-0123456789',
    redirect_uris: (process.env.REDIRECT_URI || 'http://127.0.0.1:8080/oidc/redirect').split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
  }],
  jwks: { keys },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        const claims = { sub, email: `${sub}@example.test`, email_verified: true, preferred_username: sub };
        // "noname" has no display name: the adapter falls back to preferred_username.
        if (sub !== 'noname') claims.name = `User ${sub}`;
        return claims;
      },
    };
  },
  conformIdTokenClaims: false,   // put the requested claims into the ID token
  ttl: { Session: 3600, Interaction: 600, AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Grant: 3600 },
});
provider.proxy = true;
provider.use(async (ctx, next) => {
  console.log(`request ${ctx.method} ${ctx.path}`);
  await next();
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
const server = provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider ${issuer} ready (${alg})`));
// Long keep-alive: node's fetch reuses idle sockets, and a server that closes
// them after the default 5 s races with a slow client (valgrind runs).
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
