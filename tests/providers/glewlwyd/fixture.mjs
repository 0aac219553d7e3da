// glewlwyd 2.7.5 (Debian bookworm's) as a real OpenID provider for the
// tests: its own state under a temporary directory (SQLite database made
// from Debian's schema, keys, configuration, log), glewlwyd itself on
// 127.0.0.1 at a free port, configured through its admin REST API as an
// administrator would with its admin page: two OpenID Connect plugin
// instances (an RS256 and an ES256 issuer), the scopes profile and email,
// users alice and bob with groups, and the confidential client "jitsi".
// Written from the recipe in shared/providers/glewlwyd (which says why
// each setting is there).  stop() ends the one process it started.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { freePort, tempDir } from '../../lib/harness.mjs';

const SCHEMA = '/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3';
const WEBAPP = '/usr/share/glewlwyd/webapp';
export const available = existsSync('/usr/bin/glewlwyd') && existsSync(SCHEMA) && existsSync('/usr/bin/sqlite3');

export const CLIENT_ID = 'jitsi';
export const CLIENT_SECRET = 'jitsi-glewlwyd-secret-0123456789';
// login, password, name, e-mail, groups
export const USERS = {
  alice: { password: 'alice-password-1', name: 'Alice Liddell', email: 'alice@example.org', groups: ['jitsi-admins', 'staff'] },
  bob: { password: 'bob-password-1', name: 'Bob Example', email: 'bob@example.net', groups: ['staff'] },
};
const ADMIN_PASSWORD = 'glewlwyd-admin-0123456789';

// A P-256 key one of whose coordinates starts with a zero byte (about 1
// in 128): glewlwyd's key library publishes it one byte short, which a
// lenient reader left-pads (RFC 7518 wants the full size).  Searched
// with ECDH key pairs (the raw point, 04 | x | y): node 20 can deadlock
// in a loop of generateKeyPairSync('ec') and JWK exports.
function ecKeyWithShortCoordinate() {
  for (;;) {
    const e = createECDH('prime256v1');
    const pub = e.generateKeys();
    if (pub[1] === 0 || pub[33] === 0) {
      const b = (x) => x.toString('base64url');
      const d = e.getPrivateKey();
      const jwk = { kty: 'EC', crv: 'P-256', x: b(pub.subarray(1, 33)), y: b(pub.subarray(33)),
        d: b(Buffer.concat([Buffer.alloc(32 - d.length), d])) };
      const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
      return { privateKey, publicKey: createPublicKey(privateKey) };
    }
  }
}

function pems(k, type) {
  return { key: k.privateKey.export({ type, format: 'pem' }), cert: k.publicKey.export({ type: 'spki', format: 'pem' }) };
}

function conf(d, port) {
  return `port=${port}
bind_address="127.0.0.1"
external_url="http://127.0.0.1:${port}"
login_url="login.html"
static_files_path="${d}/webapp/"
api_prefix="api"
allow_origin="*"
log_mode="file"
log_level="INFO"
log_file="${d}/glewlwyd.log"
cookie_secure=0
cookie_same_site="lax"
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=true
login_api_enabled=true
add_x_frame_option_header_deny=true
max_post_size=16778240
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="/usr/lib/glewlwyd/user"
client_module_path="/usr/lib/glewlwyd/client"
user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
plugin_module_path="/usr/lib/glewlwyd/plugin"
hash_algorithm="SHA512"
database = { type = "sqlite3" path = "${d}/glewlwyd.db" };
static_files_mime_types = (
  { extension = ".html" mime_type = "text/html" },
  { extension = ".css" mime_type = "text/css" },
  { extension = ".js" mime_type = "application/javascript" },
  { extension = ".json" mime_type = "application/json" },
  { extension = ".png" mime_type = "image/png" },
  { extension = ".ico" mime_type = "image/x-icon" },
  { extension = ".woff2" mime_type = "font/woff2" },
  { extension = ".svg" mime_type = "image/svg+xml" }
)
`;
}

// The login page (glewlwyd's webapp): Debian's copy is symbolic links out
// of static_files_path, which glewlwyd's file server refuses, and its
// config.json links to a directory; a copy with the links followed and
// the real config.json serves.
function webapp(d) {
  cpSync(WEBAPP, join(d, 'webapp'), { recursive: true, dereference: true });
  const cj = join(d, 'webapp', 'config.json');
  if (existsSync(cj) && lstatSync(cj).isDirectory()) {
    rmSync(cj, { recursive: true });
    copyFileSync('/etc/glewlwyd/config-2.7.json/config.json', cj);
  }
}

// The OpenID Connect plugin: what jitsi-oidc needs, the rest glewlwyd's
// defaults.  PKCE is off by default (every request with a code_challenge
// is then invalid_request); name and e-mail claims only "on demand" for
// their scopes; groups, preferred_username and email_verified as claims;
// the callback carries session_state and an RFC 9207 iss.
function plugin(name, issuer, type, { key, cert }) {
  return { module: 'oidc', name, display_name: `OpenID Connect (${name})`, enabled: true,
    parameters: {
      iss: issuer, 'jwt-type': type, 'jwt-key-size': '256', key, cert, 'jwks-show': true,
      'access-token-duration': 3600, 'refresh-token-duration': 1209600, 'code-duration': 600,
      'refresh-token-rolling': true, 'allow-non-oidc': false,
      'secret-type': 'public',
      'pkce-allowed': true, 'pkce-method-plain-allowed': false,
      'auth-type-code-enabled': true, 'auth-type-token-enabled': false,
      'auth-type-id-token-enabled': true, 'auth-type-none-enabled': false,
      'auth-type-password-enabled': false, 'auth-type-client-enabled': false,
      'auth-type-device-enabled': false, 'auth-type-refresh-enabled': true,
      'allowed-scope': ['openid', 'profile', 'email'], scope: [], 'additional-parameters': [],
      'name-claim': 'on-demand', 'name-claim-scope': ['profile'],
      'email-claim': 'on-demand', 'email-claim-scope': ['email'],
      'address-claim': { type: 'no' },
      claims: [
        { name: 'preferred_username', 'user-property': 'username', type: 'string', mandatory: false, 'on-demand': true, scope: ['profile'] },
        { name: 'groups', 'user-property': 'groups', type: 'string', mandatory: false, 'on-demand': true, scope: ['profile'] },
        { name: 'email_verified', 'user-property': 'email_verified', type: 'boolean', 'boolean-value-true': '1',
          'boolean-value-false': '0', mandatory: false, 'on-demand': true, scope: ['email'] },
      ],
      'session-management-allowed': true, 'oauth-as-iss-id': true, 'session-cookie-name': 'GLEWLWYD2_OIDC_SID', 'session-cookie-expiration': 2419200,
    } };
}

// glewlwyd's admin REST API, with the session cookie of one login.
function adminApi(gw) {
  let cookie = '';
  return async function api(method, path, body) {
    const r = await fetch(`${gw}/api${path}`, { method, headers: { cookie,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined });
    const sc = r.headers.getSetCookie().find((c) => c.startsWith('GLEWLWYD2_SESSION_ID='));
    if (sc) cookie = sc.split(';')[0];
    const text = await r.text();
    if (r.status < 200 || r.status > 299) throw new Error(`glewlwyd admin API: ${method} ${path}: HTTP ${r.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
}

async function configure(gw, issuers, keys, { redirectUri, postLogoutUri }) {
  let api = adminApi(gw);
  await api('POST', '/auth/', { username: 'admin', password: 'password' });   // Debian's SQL makes admin/password
  await api('PUT', '/user/admin', { name: 'The Administrator', email: '', enabled: true, scope: ['g_admin', 'g_profile'], password: ADMIN_PASSWORD });
  api = adminApi(gw);
  await api('POST', '/auth/', { username: 'admin', password: ADMIN_PASSWORD });
  for (const s of ['profile', 'email']) {
    await api('POST', '/scope/', { name: s, display_name: s, description: `OpenID Connect ${s} claims`, password_required: false, scheme: {} });
  }
  // the database user backend keeps only the properties its data-format names
  const um = await api('GET', '/mod/user/database');
  delete um.enabled;
  um.parameters['data-format'].groups = { multiple: true, read: true, write: true, 'profile-read': true, 'profile-write': false };
  um.parameters['data-format'].email_verified = { multiple: false, read: true, write: true, 'profile-read': true, 'profile-write': false };
  await api('PUT', '/mod/user/database', um);
  await api('PUT', '/mod/user/database/reset');
  await api('POST', '/mod/plugin/', plugin('oidc', issuers.RS256, 'rsa', keys.RS256));
  await api('POST', '/mod/plugin/', plugin('oidces', issuers.ES256, 'ecdsa', keys.ES256));
  for (const [username, u] of Object.entries(USERS)) {
    await api('POST', '/user/', { username, password: u.password, name: u.name, email: u.email, enabled: true,
      email_verified: '1', scope: ['openid', 'profile', 'email'], groups: u.groups });
  }
  // end_session checks "post_logout_redirect_uris", which the default
  // client data-format lacks
  const cm = await api('GET', '/mod/client/database');
  delete cm.enabled;
  cm.parameters['data-format'].post_logout_redirect_uris = { multiple: true, read: true, write: true };
  await api('PUT', '/mod/client/database', cm);
  await api('PUT', '/mod/client/database/reset');
  await api('POST', '/client/', { client_id: CLIENT_ID, name: 'Jitsi Meet (jitsi-oidc)', description: 'test fixture', enabled: true,
    confidential: true, password: CLIENT_SECRET, redirect_uri: [redirectUri], authorization_type: ['code', 'refresh_token'],
    token_endpoint_auth_method: ['client_secret_basic'], post_logout_redirect_uris: [postLogoutUri], scope: [] });
}

async function waitUp(url, proc, log, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) break;
    try { await (await fetch(url)).arrayBuffer(); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error(`glewlwyd did not start: ${existsSync(log) ? readFileSync(log, 'utf8').slice(-800) : ''}`);
}

// Start glewlwyd for a relying party at redirectUri.  Returns { base,
// issuers: { RS256, ES256 }, log(), stop() }.
export async function startGlewlwyd({ redirectUri, postLogoutUri }) {
  const d = tempDir('jo-glewlwyd');
  const port = await freePort();
  const gw = `http://127.0.0.1:${port}`;
  const issuers = { RS256: `${gw}/api/oidc`, ES256: `${gw}/api/oidces` };
  const r = spawnSync('sqlite3', [join(d, 'glewlwyd.db')], { input: readFileSync(SCHEMA), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  webapp(d);
  writeFileSync(join(d, 'glewlwyd.conf'), conf(d, port));
  const keys = { RS256: pems(generateKeyPairSync('rsa', { modulusLength: 2048 }), 'pkcs1'),
    ES256: pems(ecKeyWithShortCoordinate(), 'sec1') };
  const proc = spawn('/usr/bin/glewlwyd', [`--config-file=${join(d, 'glewlwyd.conf')}`],
    { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  proc.unref();	// never what keeps the test process up
  const log = join(d, 'glewlwyd.log');
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { return; }
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null && proc.signalCode === null) { try { process.kill(-proc.pid, 'SIGKILL'); } catch {} }
  };
  try {
    await waitUp(`${gw}/api/oidc/.well-known/openid-configuration`, proc, log);
    await configure(gw, issuers, keys, { redirectUri, postLogoutUri });
  } catch (e) {
    await stop();
    throw e;
  }
  return { base: gw, issuers, dir: d, log: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''), stop };
}
