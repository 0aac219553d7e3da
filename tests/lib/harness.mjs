// Test harness: start the real provider, run the CGI exactly as a web
// server does (environment variables, stdout parsed as a CGI response),
// and walk the provider's login pages like a browser with a cookie jar.
import './compat.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { after, afterEach } from 'node:test';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
export { Jar, providerLogin } from './walk.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cgiPath = resolve(process.env.JO_CGI || join(root, 'cgi-bin', 'jitsi-oidc'));
export const sanitized = !!process.env.JO_SANITIZED;
// Under valgrind every run is much slower: time limits are widened.
export const slow = !!process.env.JO_CGI_WRAPPER || sanitized;

export const SECRETS = {
  client: 'jitsi-secret-0123456789',
  cookie: 'cookie-secret-0123456789abcdef0123456789',
  jitsi: 'jitsiappsecret0123456789ABCDEFghijklmn',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// A directory of its own under the system's temporary directory, removed
// when the test file's process ends (JO_KEEP_TMP=1 keeps them, to look).
const made = [];
export function tempDir(tag = 'jo') {
  const d = mkdtempSync(join(tmpdir(), `${tag}-`));
  if (!made.length && process.env.JO_KEEP_TMP !== '1') {
    process.on('exit', () => { for (const m of made) try { rmSync(m, { recursive: true, force: true }); } catch {} });
  }
  made.push(d);
  return d;
}

// Start tests/idp/provider.mjs; resolves once it listens.  A start that
// hangs (seen once in some hundreds here, with the process alive and
// silent) is killed and tried once more, saying so on stderr: the
// provider's start is not what any test is about.
export function startProvider(opts = {}) {
  return onceMoreIfHung(() => startProviderOnce(opts));
}

// start() once more when it failed with an error marked startTimeout.
export async function onceMoreIfHung(start) {
  try {
    return await start();
  } catch (e) {
    if (!e.startTimeout) throw e;
    process.stderr.write(`# ${e.message}; starting it again\n`);
    return start();
  }
}

async function startProviderOnce({ alg = 'RS256', redirectUri, env = {}, port: fixedPort } = {}) {
  const child = spawn(process.execPath, [join(root, 'tests', 'idp', 'provider.mjs')], {
    env: { ...process.env, PORT: String(fixedPort || 0), ID_TOKEN_ALG: alg,
      REDIRECT_URI: redirectUri || 'https://meet.example.test/oidc/redirect',
      CLIENT_SECRET: SECRETS.client, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const port = Number((await waitReady(child, 'provider', / ready \(.*\) on port (\d+)$/, (l) => { if (l) log.push(l); }))[1]);
  return {
    port, issuer: `http://127.0.0.1:${port}`, log, pid: child.pid,
    requests: () => log.filter((l) => l.startsWith('request ') && !l.includes('/__mark/')),
    // Wait until every request made so far is in the log (stdout is read
    // asynchronously, and spawnSync blocks the event loop meanwhile).
    async sync() {
      const mark = `/__mark/${Math.random().toString(36).slice(2)}`;
      await fetch(`http://127.0.0.1:${port}${mark}`).then((r) => r.arrayBuffer());
      for (let i = 0; i < 200 && !log.some((l) => l.endsWith(mark)); i++) await new Promise((r) => setTimeout(r, 10));
    },
    stop: () => stopChild(child),
  };
}

// Wait for a child's ready line (the regular expression ready, matched
// line by line on its stdout; onLine sees every line, before and after):
// resolves with the match.  One that has not said it in 20 s is killed
// -- a live child would keep this test file's process (and the whole
// run) from ending -- with an error marked startTimeout that says what
// it was doing; one that exits first rejects.
export function waitReady(child, what, ready, onLine = () => {}) {
  let rest = ''; let err = '';
  const tail = [];
  if (child.stderr) child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  return new Promise((resolve, reject) => {
    const due = Date.now() + 20000;
    const t = setTimeout(() => {
      const e = new Error(`${what} did not start in 20 s (this timer ${Date.now() - due} ms late; ${procState(child.pid)}; stdout: ${JSON.stringify(tail.concat(rest))}; stderr: ${JSON.stringify(err)})`);
      e.startTimeout = true;
      reject(e);
      child.kill('SIGKILL');
    }, 20000);
    child.stdout.on('data', (d) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        onLine(line);
        tail.push(line); if (tail.length > 3) tail.shift();
        const m = ready.exec(line);
        if (m) { clearTimeout(t); resolve(m); }
      }
    });
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`${what} exited ${code}: ${err}`)); });
  });
}

// Is the process there and not a zombie its parent has yet to reap?
export function processAlive(pid) {
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}

// What a process is doing, for an error message: its state and where
// the kernel has it waiting.
export function procState(pid) {
  try {
    const st = /^State:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1];
    return `pid ${pid} ${st}, waiting in ${readFileSync(`/proc/${pid}/wchan`, 'utf8') || '-'}`;
  } catch { return `pid ${pid} gone`; }
}

// SIGTERM a child process and wait until it is gone; at once if it is
// gone already (a waiter on 'exit' would then wait for ever).
export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve); child.kill('SIGTERM');
  });
}

export function configText(o) {
  return Object.entries(o).filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
}

// A config file for the adapter; returns its path.
export function writeConfig(dir, issuer, over = {}) {
  const cache = join(dir, 'cache');
  mkdirSync(cache, { recursive: true });
  const o = {
    issuer,
    client_id: 'jitsi',
    client_secret: SECRETS.client,
    public_url: 'https://meet.example.test/oidc',
    jitsi_url: 'https://meet.example.test',
    jitsi_app_id: 'jitsi-oidc-test',
    jitsi_app_secret: SECRETS.jitsi,
    cookie_secret: SECRETS.cookie,
    cache_dir: cache,
    http_timeout: 5,
    ...over,
  };
  const path = join(dir, 'jitsi-oidc.conf');
  writeFileSync(path, configText(o));
  return path;
}

// Every CGI run of the whole suite is kept here, for the leak check.
export const transcript = [];

// JO_MODE=fastcgi: the same requests go to one long-lived FastCGI process
// of the same binary (started by Debian's spawn-fcgi with a listening
// socket as its standard input, under JO_CGI_WRAPPER if set), through
// Debian's cgi-fcgi bridge.  The process's own stderr (sanitizer and
// valgrind reports) is checked when the test file ends.
export const fastcgi = process.env.JO_MODE === 'fastcgi';
let fcgi = null;

// Variables that shape the whole process (a preloaded library, its
// clock): in FastCGI mode they are the process's environment, not the
// request's, and a different set starts a new process.
const PROCESS_ENV = /^(LD_PRELOAD|LD_DEBUG|FAKETIME\w*)$/;

function fcgiServer(procEnv = {}) {
  const key = JSON.stringify(procEnv);
  if (fcgi && fcgi.key === key) return fcgi;
  if (fcgi) stopFastcgiSync();
  const dir = tempDir('jo-fcgi');
  const sock = join(dir, 'jo.sock'); const pidFile = join(dir, 'pid'); const log = join(dir, 'stderr');
  const wrap = (process.env.JO_CGI_WRAPPER || '').split(' ').filter(Boolean);
  const q = (a) => `'${a.replace(/'/g, "'\\''")}'`;
  // the process variables go to the program only (exec env ...), not to
  // spawn-fcgi: a preloaded ASan + faketime deadlocks spawn-fcgi's fork
  const envArgs = Object.entries(procEnv).map(([k, v]) => q(`${k}=${v}`));
  const cmd = `exec ${envArgs.length ? `env ${envArgs.join(' ')} ` : ''}${[...wrap, cgiPath].map(q).join(' ')} 2>>${q(log)}`;
  const r = spawnSync('spawn-fcgi', ['-s', sock, '-P', pidFile, '--', '/bin/sh', '-c', cmd], {
    env: { PATH: process.env.PATH, ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}),
      ...(process.env.UBSAN_OPTIONS ? { UBSAN_OPTIONS: process.env.UBSAN_OPTIONS } : {}) },
    encoding: 'utf8', timeout: 30000,
  });
  if (r.status !== 0) throw new Error(`spawn-fcgi: ${r.error || ''} ${r.stderr}`);
  fcgi = { sock, log, key, pid: Number(readFileSync(pidFile, 'utf8')) };
  return fcgi;
}

// Stop the FastCGI process as its manager would (SIGTERM) and read what it
// wrote to its own stderr: a sanitizer or valgrind report fails the test.
export function stopFastcgiSync() {
  if (!fcgi) return '';
  const { pid, log } = fcgi;
  fcgi = null;
  try { process.kill(pid, 'SIGTERM'); } catch { return ''; }
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1200 && processAlive(pid); i++) Atomics.wait(nap, 0, 0, 50);
  if (processAlive(pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch {}
    throw new Error(`the FastCGI process ${pid} did not end within 60 s of SIGTERM`);
  }
  const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
  if (/AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior|^==\d+==/m.test(text)) {
    throw new Error(`the FastCGI process reported:\n${text}`);
  }
  return text;
}
export async function stopFastcgi() { return stopFastcgiSync(); }
// A test that needs a process with nothing in memory (a cold start) calls
// this; in CGI mode every run is one.  The process is told to forget what
// it keeps (SIGUSR2: jo_state_reset, src/process/state.h) instead of being
// restarted; one that is gone is started again by the next request.
export function restartFastcgi() {
  if (!fastcgi || !fcgi) return;
  try { process.kill(fcgi.pid, 'SIGUSR2'); } catch { stopFastcgiSync(); }
}
if (fastcgi) after(stopFastcgi);

// Run the CGI once.  Returns { status, headers: [[k,v]...], header(k),
// cookies: {name: {value, attrs}}, location, body, stderr, exit }.
// timeout: milliseconds before the run is killed (a hang then fails).
export function runCgi({ config, method = 'GET', path = '/', query = '', cookie, extraEnv = {}, timeout }) {
  const env = {
    PATH: process.env.PATH,
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: method,
    PATH_INFO: path,
    SCRIPT_NAME: '/oidc',
    QUERY_STRING: query,
    ...(cookie !== undefined ? { HTTP_COOKIE: cookie } : {}),
    ...(config ? { JITSI_OIDC_CONFIG: config } : {}),
    ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}),
    ...(process.env.UBSAN_OPTIONS ? { UBSAN_OPTIONS: process.env.UBSAN_OPTIONS } : {}),
    ...extraEnv,
  };
  // JO_CGI_WRAPPER: e.g. "valgrind --error-exitcode=99 --leak-check=full"
  const wrap = (process.env.JO_CGI_WRAPPER || '').split(' ').filter(Boolean);
  const r = fastcgi
    ? spawnSync('cgi-fcgi', ['-bind', '-connect', fcgiServer(Object.fromEntries(Object.entries(extraEnv)
      .filter(([k]) => PROCESS_ENV.test(k)))).sock], { env, encoding: 'latin1', maxBuffer: 64 << 20, timeout: timeout || 120000 })
    : wrap.length
    ? spawnSync(wrap[0], [...wrap.slice(1), cgiPath], { env, encoding: 'latin1', maxBuffer: 64 << 20, timeout: timeout || 120000 })
    : spawnSync(cgiPath, [], { env, encoding: 'latin1', maxBuffer: 64 << 20, timeout: timeout || 60000 });
  const out = r.stdout || '';
  const sep = out.indexOf('\r\n\r\n');
  const head = sep >= 0 ? out.slice(0, sep) : out;
  const body = sep >= 0 ? out.slice(sep + 4) : '';
  const headers = head.split('\r\n').filter(Boolean).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
  });
  const header = (k) => (headers.find(([n]) => n === k.toLowerCase()) || [])[1];
  const cookies = {};
  for (const [k, v] of headers) {
    if (k !== 'set-cookie') continue;
    const [nv, ...attrs] = v.split(';').map((s) => s.trim());
    const i = nv.indexOf('=');
    cookies[nv.slice(0, i)] = { value: nv.slice(i + 1), attrs };
  }
  const status = Number((header('status') || '0').split(' ')[0]);
  const res = { status, headers, header, cookies, location: header('location'), body,
    stderr: r.stderr || '', exit: r.status, signal: r.signal, raw: out };
  transcript.push({ env, res });
  checkInvariants(env, res);
  return res;
}

function configValues(path) {
  try {
    return Object.fromEntries(readFileSync(path, 'utf8').split('\n').map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]));
  } catch { return {}; }
}

// Checked on every run of the CGI in the whole suite:
// - no secret of the test configuration in any response or log line;
// - no code, cookie value or token in a log line;
// - a Location only into jitsi_url, to the adapter's own /tokenize, or to
//   the provider (its authorization endpoint lives under the issuer here);
// - a Jitsi token only in a Location into jitsi_url.
export function checkInvariants(env, res) {
  const cfg = env.JITSI_OIDC_CONFIG ? configValues(env.JITSI_OIDC_CONFIG) : {};
  const secrets = [...Object.values(SECRETS), cfg.client_secret, cfg.cookie_secret, cfg.jitsi_app_secret].filter(Boolean);
  for (const sec of secrets) {
    if (res.raw.includes(sec) || res.stderr.includes(sec)) throw new Error(`secret leaked by ${env.PATH_INFO}`);
  }
  const q = new URLSearchParams(env.QUERY_STRING || '');
  const code = q.get('code');
  if (code && code.length >= 8 && res.stderr.includes(code)) throw new Error('code logged');
  for (const part of (env.HTTP_COOKIE || '').split(';')) {
    const v = part.slice(part.indexOf('=') + 1).trim();
    if (v.length >= 16 && res.stderr.includes(v)) throw new Error('cookie value logged');
  }
  if (/eyJ[A-Za-z0-9_-]{8,}/.test(res.stderr)) throw new Error('token-like string logged');
  const loc = res.location;
  const allowed = [cfg.jitsi_url && `${cfg.jitsi_url.replace(/\/$/, '')}/`,
    cfg.public_url && `${cfg.public_url.replace(/\/$/, '')}/tokenize`,
    cfg.issuer && `${cfg.issuer.replace(/\/$/, '')}/`].filter(Boolean);
  if (loc !== undefined && !allowed.some((a) => loc.startsWith(a))) throw new Error(`Location outside the allowed targets: ${loc}`);
  // The page that hands a token back to the mobile or desktop app holds
  // it in links: into jitsi_url, or the same URL in the app's scheme.
  const host = cfg.jitsi_url ? cfg.jitsi_url.replace(/^https?:\/\//, '').replace(/\/$/, '') : '\0';
  const schemes = [cfg.app_scheme_mobile || 'org.jitsi.meet', cfg.app_scheme_desktop || 'jitsi-meet'];
  // (for Android an intent that only the app's package receives)
  const pkg = cfg.app_package_android || 'org.jitsi.meet';
  const okLink = (u) => u.startsWith(`${(cfg.jitsi_url || '').replace(/\/$/, '')}/`) ||
    schemes.some((sc) => u.startsWith(`${sc}://${host}/`)) ||
    (u.startsWith(`intent://${host}/`) && u.endsWith(`#Intent;scheme=${schemes[0]};package=${pkg};end`));
  const bodyAndHeaders = res.raw.replace(/^Location: .*$/m, '')
    .replace(/(href="|url=)([^"]*)/g, (m, a, u) => (okLink(u.replace(/&amp;/g, '&')) ? a : m));
  if (/jwt=/.test(bodyAndHeaders)) throw new Error('a token outside the Location');
  // Jitsi's login popup: a token in a page only as the one message the
  // page posts, and only to jitsi_url's origin.
  const popup = /<p id="jo" hidden data-to="opener" data-origin="([^"]*)" data-type="oauth-success" data-key="accessToken" data-val="([^"]*)"(?: data-framed="[^"]*")?><\/p>/.exec(res.raw);
  const origin = cfg.jitsi_url ? new URL(cfg.jitsi_url).origin : '\0';
  for (const t of bodyAndHeaders.match(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*)?/g) || []) {
    if (!popup || popup[1] !== origin || popup[2] !== t) throw new Error(`a token in a page outside the popup's message to ${origin}`);
  }
  if (loc && /[?&#]jwt=/.test(loc) && !loc.startsWith(`${(cfg.jitsi_url || '').replace(/\/$/, '')}/`)) throw new Error('token sent outside jitsi_url');
}

export function cookieHeader(...pairs) {
  return pairs.filter(Boolean).map(([k, v]) => `${k}=${v}`).join('; ');
}

// A CGI run must never crash or trip a sanitizer.
export function assertClean(assert, res) {
  assert.equal(res.signal, null, 'CGI killed by a signal');
  assert.equal(res.exit, 0, `CGI exit status ${res.exit}: ${res.stderr}`);
  assert.doesNotMatch(res.stderr, /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior/, 'sanitizer report');
}

export function sealTool(args) {
  const tool = resolve(process.env.JO_SEALTOOL || join(root, 'build', 'sealtool'));
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sealtool: ${r.stderr}`);
  return r.stdout.trim();
}

// The end of a test file.  A file's process ends by itself once its tests
// are done and nothing it started is left (tests/check.sh runs node
// without --test-force-exit, which loses results: see there).  What a
// test forgot to stop would keep it alive until its timeout: 30 s (120
// under valgrind or ASan) after the file's last hook began, every process this one started and that is
// still there is killed, and named on stderr; a process still alive 15 s
// later (a timer or a server of its own) names what it still holds and
// exits with status 1, which fails the file -- its results were written
// long before.  The timers are unref'd: a file that ends in time never
// sees them.
function descendants(pid) {
  const kids = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(p));
    } catch {}
  }
  const out = [];
  for (let i = 0, todo = [pid]; i < todo.length; i++) {
    for (const k of kids.get(todo[i]) || []) { out.push(k); todo.push(k); }
  }
  return out;
}
after(() => {
  setTimeout(() => {
    const left = descendants(process.pid);
    for (const pid of left) {
      let cmd = '?';
      try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200); } catch {}
      process.stderr.write(`# left running at the end of ${process.argv[1]}: ${pid} ${cmd}\n`);
      try { process.kill(pid, 'SIGKILL'); } catch {}
    }
    setTimeout(() => {
      const held = (process._getActiveHandles?.() || []).map((h) => h.constructor?.name || typeof h);
      process.stderr.write(`# ${process.argv[1]} did not end ${slow ? 135 : 45} s after its tests; it holds: ${held.join(', ') || 'timers'}\n`);
      process.exit(1);
    }, 15000).unref();
  }, slow ? 120000 : 30000).unref();
});

// A file cut short on purpose (JO_CUT_SHORT=name:N:mode, name the file's
// name without .test.mjs, mode cgi or fastcgi): in that mode its process
// exits with status 0 after its first N tests, as one whose last results
// are lost does -- tests/check.sh must then fail and name it
// (tests/checkcount.test.mjs).
if (process.env.JO_CUT_SHORT) {
  const [name, n, mode] = process.env.JO_CUT_SHORT.split(':');
  if (process.argv[1] && process.argv[1].endsWith(`/${name}.test.mjs`) && mode === (fastcgi ? 'fastcgi' : 'cgi')) {
    let seen = 0;
    // the FastCGI process is stopped first: spawn-fcgi detached it
    afterEach(() => { if (++seen >= Number(n)) { stopFastcgiSync(); process.exit(0); } });
  }
}
