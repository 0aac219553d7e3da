// LemonLDAP::NG 2.16.1 (Debian bookworm's) as a real OpenID provider for
// the tests: the portal run by Debian's llng-fastcgi-server (as www-data:
// it refuses root) behind an nginx of its own on 127.0.0.1 at a free port,
// everything under a temporary directory: the ini file, the configuration
// (Debian's initial lmConf-1.json with the changes an administrator makes
// in the manager), sessions, a SQLite user table, the RSA signing key.
// Users alice (group jitsi-admins) and bob; the confidential RP "jitsi",
// RS256, PKCE required, consent asked.  Written from the recipe in
// shared/providers/lemonldap.  stop() ends the processes it started.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { freePort, tempDir } from '../../lib/harness.mjs';

const SERVER = '/usr/sbin/llng-fastcgi-server';
const INITIAL = '/var/lib/lemonldap-ng/conf/lmConf-1.json';
const PORTAL_HTDOCS = '/usr/share/lemonldap-ng/portal/htdocs';
// llng-fastcgi-server refuses to run as root and drops to www-data itself
const isRoot = process.getuid && process.getuid() === 0;
export const available = isRoot && [SERVER, INITIAL, '/usr/sbin/nginx', '/usr/bin/sqlite3'].every(existsSync);

export const CLIENT_ID = 'jitsi';
export const CLIENT_SECRET = 'jitsi-lemonldap-secret-0123456789';
// a second client with LemonLDAP::NG's default ID token algorithm, HS512
// (keyed with the client secret), beside the first one's RS256
export const CLIENT_ID_HS512 = 'jitsi-hs512';
export const USERS = {
  alice: { password: 'alice-password-1', name: 'Alice Liddell', email: 'alice@example.org' },
  bob: { password: 'bob-password-1', name: 'Bob Example', email: 'bob@example.net' },
};
// www-data, whom Debian's package runs the portal as
function www() {
  const id = (f) => Number(spawnSync('id', [f, 'www-data'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function ini(d) {
  return `[all]
logLevel     = notice
logger       = Lemonldap::NG::Common::Logger::Std
userLogger   = Lemonldap::NG::Common::Logger::Std
checkTime    = 1
[configuration]
type         = File
dirName      = ${d}/llng/conf
prettyPrint  = 1
localStorage = Cache::FileCache
localStorageOptions = { 'namespace' => 'lemonldap-ng-config', 'default_expires_in' => 600, 'directory_umask' => '007', 'cache_root' => '${d}/llng/cache', 'cache_depth' => 3, }
[portal]
staticPrefix = /static
templateDir  = /usr/share/lemonldap-ng/portal/templates
languages    = en
[handler]
status = 0
useRedirectOnError = 1
`;
}

// What the manager would write.  Each change is there for a reason:
// the ID token would be HS512 (keyed with the client secret) by default:
// RS256; claims stay in userinfo (IDTokenForceClaims 0) as by default;
// groups are one "; "-joined string unless exported as an array.
function lmConf(d, portal, issuer, { key, pub }, { redirectUri, postLogoutUri }) {
  const c = JSON.parse(readFileSync(INITIAL, 'utf8'));
  Object.assign(c, {
    cfgNum: 1, cfgAuthor: 'jitsi-oidc tests', cfgDate: String(Math.floor(Date.now() / 1000)),
    portal: `${portal}/`, domain: '127.0.0.1', securedCookie: 0, httpOnly: 1,
    authentication: 'DBI', userDB: 'Same', passwordDB: 'Null', registerDB: 'Null',
    dbiAuthChain: `dbi:SQLite:dbname=${d}/llng/users.db`, dbiAuthUser: '', dbiAuthPassword: '',
    dbiAuthTable: 'users', dbiUserTable: 'users', dbiAuthLoginCol: 'uid', dbiAuthPasswordCol: 'password',
    dbiAuthPasswordHash: '', dbiExportedVars: { uid: 'uid', cn: 'cn', mail: 'mail' },
    groups: { 'jitsi-admins': '$uid eq "alice"', staff: '1' },
    macros: { ...(c.macros || {}), email_verified: '1' },
    issuerDBOpenIDConnectActivation: 1, oidcServiceMetaDataIssuer: issuer,
    oidcServicePrivateKeySig: key, oidcServicePublicKeySig: pub, oidcServiceKeyIdSig: 'llng-rs256-1',
    oidcRPMetaDataOptions: Object.fromEntries([[CLIENT_ID, 'RS256'], [CLIENT_ID_HS512, 'HS512']].map(([id, alg]) => [id, {
      oidcRPMetaDataOptionsDisplayName: 'Jitsi Meet (jitsi-oidc)',
      oidcRPMetaDataOptionsClientID: id, oidcRPMetaDataOptionsClientSecret: CLIENT_SECRET,
      oidcRPMetaDataOptionsPublic: 0, oidcRPMetaDataOptionsRedirectUris: redirectUri,
      oidcRPMetaDataOptionsPostLogoutRedirectUris: postLogoutUri,
      oidcRPMetaDataOptionsIDTokenSignAlg: alg, oidcRPMetaDataOptionsAccessTokenSignAlg: 'RS256',
      oidcRPMetaDataOptionsRequirePKCE: 1, oidcRPMetaDataOptionsBypassConsent: 0,
      oidcRPMetaDataOptionsIDTokenForceClaims: 0,
      oidcRPMetaDataOptionsIDTokenExpiration: 3600, oidcRPMetaDataOptionsAccessTokenExpiration: 3600 }])),
    oidcRPMetaDataExportedVars: Object.fromEntries([CLIENT_ID, CLIENT_ID_HS512].map((id) => [id, { name: 'cn', email: 'mail',
      preferred_username: 'uid', email_verified: 'email_verified;bool', groups: 'groups;string;always' }])),
    oidcRPMetaDataOptionsExtraClaims: { [CLIENT_ID]: { groups: 'groups' }, [CLIENT_ID_HS512]: { groups: 'groups' } },
    locationRules: {}, exportedHeaders: {}, reloadUrls: {},
  });
  c.globalStorageOptions = { ...c.globalStorageOptions, Directory: `${d}/llng/sessions`, LockDirectory: `${d}/llng/sessions/lock` };
  c.persistentStorageOptions = { ...c.persistentStorageOptions, Directory: `${d}/llng/psessions`, LockDirectory: `${d}/llng/psessions/lock` };
  c.localSessionStorageOptions = { ...c.localSessionStorageOptions, cache_root: `${d}/llng/cache` };
  c.notificationStorageOptions = { ...c.notificationStorageOptions, dirName: `${d}/llng/notifications` };
  return c;
}

// The portal behind nginx, as Debian's portal-nginx.conf serves it.
function nginxConf(d, port) {
  return `worker_processes 1;
pid ${d}/run/nginx.pid;
error_log ${d}/logs/nginx-error.log info;
daemon off;
events { worker_connections 64; }
http {
  access_log ${d}/logs/nginx-access.log;
  client_body_temp_path ${d}/tmp/body; fastcgi_temp_path ${d}/tmp/fcgi;
  proxy_temp_path ${d}/tmp/proxy; uwsgi_temp_path ${d}/tmp/uwsgi; scgi_temp_path ${d}/tmp/scgi;
  include /etc/nginx/mime.types;
  default_type text/html;
  upstream llng_portal { server unix:${d}/run/llng-fastcgi.sock; }
  server {
    listen 127.0.0.1:${port};
    root ${PORTAL_HTDOCS}/;
    if ($uri !~ ^/((static|javascript|favicon).*|.*\\.psgi)) { rewrite ^/(.*)$ /index.psgi/$1 break; }
    location ~ ^(?<sc>/.*\\.psgi)(?:$|/) {
      include /etc/nginx/fastcgi_params;
      fastcgi_pass llng_portal;
      fastcgi_param HTTP_HOST $host;
      fastcgi_param LLTYPE psgi;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_split_path_info ^(.*\\.psgi)(/.*)$;
      fastcgi_param PATH_INFO $fastcgi_path_info;
      location ~ ^/index.psgi/(adminSessions|proxy|sessions|config|notification) { deny all; }
    }
    index index.psgi;
    location / { try_files $uri $uri/ =404; }
    location /static/ { alias ${PORTAL_HTDOCS}/static/; }
    location /javascript/ { alias /usr/share/javascript/; }
  }
}
`;
}

function ownedByWww(d, subs, WWW) {
  for (const s of subs) {
    mkdirSync(join(d, s), { recursive: true });
    chownSync(join(d, s), WWW.uid, WWW.gid);
  }
}

async function until(what, fn, proc, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (proc.exitCode !== null) throw new Error(`LemonLDAP::NG exited: ${what}`);
    if (Date.now() > end) throw new Error(`LemonLDAP::NG: ${what} after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Start the portal for a relying party at redirectUri.  Returns { base,
// issuer, log(), stop() }.
export async function startLemonldap({ redirectUri, postLogoutUri }) {
  const d = tempDir('jo-lemonldap');
  const WWW = www();
  chmodSync(d, 0o755);
  for (const s of ['logs', 'tmp']) { mkdirSync(join(d, s)); chmodSync(join(d, s), 0o777); }
  ownedByWww(d, ['run', 'llng', 'llng/conf', 'llng/cache', 'llng/sessions', 'llng/sessions/lock', 'llng/psessions',
    'llng/psessions/lock', 'llng/notifications', 'llng/captcha'], WWW);
  const port = await freePort();
  const portal = `http://127.0.0.1:${port}`;
  // the portal's default issuer: its URL with the trailing slash
  const issuer = `${portal}/`;
  // users: the DBI backend on a SQLite table, clear-text passwords (loopback test fixture)
  const sql = ['CREATE TABLE users (uid TEXT PRIMARY KEY, password TEXT, cn TEXT, mail TEXT);',
    ...Object.entries(USERS).map(([u, x]) => `INSERT INTO users VALUES ('${u}', '${x.password}', '${x.name}', '${x.email}');`)].join('\n');
  const r = spawnSync('sqlite3', [join(d, 'llng', 'users.db')], { input: sql, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  chownSync(join(d, 'llng', 'users.db'), WWW.uid, WWW.gid);
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = { key: k.privateKey.export({ type: 'pkcs1', format: 'pem' }), pub: k.publicKey.export({ type: 'spki', format: 'pem' }) };
  const confFile = join(d, 'llng', 'conf', 'lmConf-1.json');
  writeFileSync(confFile, JSON.stringify(lmConf(d, portal, issuer, keys, { redirectUri, postLogoutUri }), null, 1));
  chownSync(confFile, WWW.uid, WWW.gid);
  chmodSync(confFile, 0o640);
  writeFileSync(join(d, 'lemonldap-ng.ini'), ini(d));
  chmodSync(join(d, 'lemonldap-ng.ini'), 0o644);
  writeFileSync(join(d, 'nginx.conf'), nginxConf(d, port));

  const sock = join(d, 'run', 'llng-fastcgi.sock');
  const llngLog = join(d, 'logs', 'llng.log');
  const out = openSync(llngLog, 'a');
  const llng = spawn(SERVER, ['--foreground', '-u', 'www-data', '-g', 'www-data', '-n', '2', '-s', sock, '-p', join(d, 'run', 'llng.pid')],
    { env: { PATH: process.env.PATH, LLNG_DEFAULTCONFFILE: join(d, 'lemonldap-ng.ini') }, stdio: ['ignore', out, out], detached: true });
  const ngx = spawn('/usr/sbin/nginx', ['-e', join(d, 'logs', 'nginx-error.log'), '-p', d, '-c', join(d, 'nginx.conf')],
    { stdio: 'ignore', detached: true });
  const procs = [ngx, llng];
  for (const p of procs) p.unref();	// never what keeps the test process up
  const stop = async () => {
    for (const p of procs) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      const gone = new Promise((res) => p.once('exit', res));
      try { process.kill(-p.pid, 'SIGTERM'); } catch { continue; }
      await Promise.race([gone, new Promise((res) => setTimeout(res, 5000))]);
      if (p.exitCode === null && p.signalCode === null) { try { process.kill(-p.pid, 'SIGKILL'); } catch {} }
    }
  };
  const log = () => (existsSync(llngLog) ? readFileSync(llngLog, 'utf8') : '');
  try {
    await until('no FastCGI socket', async () => existsSync(sock), llng);
    // the portal compiles itself on its first request
    await until('no discovery document', async () => (await fetch(`${portal}/.well-known/openid-configuration`)).status === 200, llng);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n${log().slice(-800)}`);
  }
  return { base: portal, issuer, dir: d, log, stop };
}
