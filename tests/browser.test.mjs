// A real browser end to end: Debian's chromium driven by playwright-core
// opens a room of the stand-in Jitsi (served by `make demo`: nginx +
// fcgiwrap + the real provider) with no token, is sent to the provider's
// login page, logs in, consents, and lands in the room with a token for
// the right room and user.  This proves the cookies survive the redirects
// as a browser really handles them (SameSite=Lax, Path, HttpOnly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, freePort, tempDir } from './lib/harness.mjs';
import { verifyJitsiRedirect } from './lib/jitsi-verify.mjs';

const chromiumPath = '/usr/bin/chromium';
const skip = !existsSync(chromiumPath) && !process.env.CI && 'chromium not installed';

test('chromium: room without a token -> provider login and consent -> the room, with the right token; another room by single sign-on; logout', { skip, timeout: 180000 }, async () => {
  const { chromium } = await import('playwright-core');
  const parent = tempDir('jo-browser');
  chmodSync(parent, 0o755);
  const dir = join(parent, 'demo');
  const port = await freePort(); const idpPort = await freePort();
  const demo = spawn(join(root, 'tests', 'demo', 'demo.sh'), [], {
    env: { ...process.env, DEMO_DIR: dir, DEMO_PORT: String(port), IDP_PORT: String(idpPort) },
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let out = '';
  demo.stdout.on('data', (d) => { out += d; });
  demo.stderr.on('data', (d) => { out += d; });
  const userData = join(parent, 'chromium-profile');
  mkdirSync(userData);
  let context;
  try {
    for (let i = 0; i < 600 && !out.includes('The demo is running'); i++) {
      if (demo.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, /The demo is running/, out);
    context = await chromium.launchPersistentContext(userData, {
      executablePath: chromiumPath, headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] || await context.newPage();
    const room = `http://127.0.0.1:${port}/Browser%20Room`;
    await page.goto(room);
    // The provider's login page.
    await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${idpPort}/interaction/`));
    await page.fill('input[name="login"]', 'bob');
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    // The consent page.
    await page.waitForSelector('button[type="submit"]');
    assert.match(await page.content(), /[Cc]onsent|[Aa]uthorize|Continue/);
    await page.click('button[type="submit"]');
    // Back in the stand-in Jitsi room, with a token.
    await page.waitForURL(/\/Browser%20Room\?oidc=ok#jwt=%22/, { timeout: 30000 });
    await page.waitForFunction(() => document.getElementById('who').textContent.length > 0);
    assert.equal(await page.textContent('#room'), 'Browser Room');
    assert.equal(await page.textContent('#who'), 'Logged in as User bob <bob@example.test>');
    mkdirSync(join(root, 'tests', 'out'), { recursive: true });
    const shot = join(root, 'tests', 'out', `browser-final${process.env.JO_SANITIZED ? '-san' : ''}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`# screenshot of the final page: ${shot}`);
    const secret = readFileSync(join(dir, 'jitsi-oidc.conf'), 'utf8').match(/^jitsi_app_secret = (.+)$/m)[1];
    const { payload } = await verifyJitsiRedirect(page.url(), { jitsiUrl: `http://127.0.0.1:${port}`,
      appId: 'jitsi-oidc-demo', secret, subject: '127.0.0.1' });
    assert.equal(payload.room, 'browser%20room');
    assert.equal(payload.context.user.id, 'bob');
    // The adapter's cookies as the browser holds them.
    const cookies = await context.cookies(`http://127.0.0.1:${port}/oidc/`);
    const session = cookies.find((c) => c.name === 'jitsi_oidc_session');
    assert.ok(session && session.httpOnly && session.sameSite === 'Lax' && session.path === '/oidc');
    assert.ok(!cookies.some((c) => c.name === 'jitsi_oidc_state' && c.value), 'state cookie consumed');
    // Files the browser fetches by itself are not rooms: no login for them
    // (a favicon fetch racing a logout would otherwise renew the session).
    const fav = await page.request.get(`http://127.0.0.1:${port}/favicon.ico`, { maxRedirects: 0 });
    assert.notEqual(fav.status(), 302, 'favicon.ico sent to the login');
    // Single sign-on: another room, no provider page on the way.
    const seen = [];
    page.on('request', (r) => { if (r.isNavigationRequest() && r.frame() === page.mainFrame()) seen.push(r.url()); });
    await page.goto(`http://127.0.0.1:${port}/Second%20Room`);
    await page.waitForURL(/\/Second%20Room\?oidc=ok#jwt=%22/, { timeout: 30000 });
    assert.ok(!seen.some((u) => u.startsWith(`http://127.0.0.1:${idpPort}/`)), `no provider page: ${seen.join(' ')}`);
    const second = await verifyJitsiRedirect(page.url(), { jitsiUrl: `http://127.0.0.1:${port}`,
      appId: 'jitsi-oidc-demo', secret, subject: '127.0.0.1' });
    assert.equal(second.payload.room, 'second%20room');
    assert.equal(second.payload.context.user.id, 'bob');
    // Logout: the provider confirms and sends the browser back to the site
    // (whose root sends to a room); with the adapter's session and the
    // provider's both gone, that room asks for a login again.
    // Opened by address (Sec-Fetch-Site: none, as a link from a mail
    // app would be) /logout asks first; its button, a navigation from
    // the adapter's own page, logs out.
    await page.goto(`http://127.0.0.1:${port}/oidc/logout`);
    assert.equal(await page.title(), 'Log out?');
    assert.ok((await context.cookies(`http://127.0.0.1:${port}/oidc/`)).some((c) => c.name === 'jitsi_oidc_session' && c.value),
      'nothing ended before the click');
    await page.click('a:has-text("Log out")');
    await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${idpPort}/session/end`))
      .catch(async (e) => { throw new Error(`${e.message}\nat ${page.url()}: ${(await page.content()).slice(0, 900)}`); });
    const afterLogout = seen.length;
    await page.click('button[value="yes"]');
    await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${idpPort}/interaction/`), { timeout: 30000 })
      .catch(async (e) => { throw new Error(`${e.message}\nat ${page.url()}: ${(await page.content()).slice(0, 600)}\nnavigations: ${seen.slice(afterLogout).join(' ')}`); });
    assert.ok(seen.slice(afterLogout).includes(`http://127.0.0.1:${port}/`), `post_logout_redirect_uri visited: ${seen.slice(afterLogout).join(' ')}`);
    const after = await context.cookies(`http://127.0.0.1:${port}/oidc/`);
    assert.ok(!after.some((c) => c.name.startsWith('jitsi_oidc_') && !['jitsi_oidc_state', 'jitsi_oidc_out'].includes(c.name) && c.value), 'session and logout cookies gone');
    assert.ok(after.some((c) => c.name === 'jitsi_oidc_out' && c.value), 'the logout is remembered: the next login asks the provider');
    assert.ok(await page.isVisible('input[name="login"]'), 'the provider asks for a login again');
  } finally {
    if (context) await context.close();
    try { process.kill(-demo.pid, 'SIGTERM'); } catch {}
    await new Promise((r) => (demo.exitCode !== null ? r() : demo.once('exit', r)));
  }
});
