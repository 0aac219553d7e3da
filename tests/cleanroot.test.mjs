// The README's quick start on a fresh Debian bookworm machine, for real:
// a copy of a clean Debian bookworm root (tests/debian-root.sh:
// debootstrap, Debian's packages only -- so Debian's own Node.js 18 and
// npm), this work tree's files copied in as a clean checkout has them
// (git's tracked and not ignored files: no build, no node_modules), and
// `make demo` run in it as the README says, as root, until its login with
// curl has printed the final Jitsi URL and the token's claims.  The only
// things passed in from this machine are its DNS settings and its CA
// bundle (npm's registry is reached through this workplace's TLS proxy),
// by environment and a bind mount: nothing is written into the project.
//
// The root shares this machine's network: the demo's ports, 8080 and
// 9000, must be free.  Runs once per `make check` (tests/check.sh, its
// own pass), not in the build passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { root } from './lib/harness.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const skip = !isRoot && (process.env.CI ? false : 'needs root (debootstrap, chroot)');
const CA = '/etc/ssl/certs/ca-certificates.crt';

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${(r.stdout || '').slice(-3000)}${(r.stderr || '').slice(-3000)}`);
  return r.stdout;
}
const portFree = (port) => new Promise((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

// Every process whose root is dir (what the demo left, if anything).
function processesIn(dir) {
  const out = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try { if (readlinkSync(`/proc/${p}/root`) === dir) out.push(Number(p)); } catch {}
  }
  return out;
}

test('the quick start in a clean Debian bookworm root: make demo logs in and prints the Jitsi URL and claims', { skip, timeout: 1200000 }, async (t) => {
  for (const port of [8080, 9000]) assert.ok(await portFree(port), `port ${port} is taken: make demo needs it`);
  const base = sh(join(root, 'tests', 'debian-root.sh'), []).trim();
  const dir = join(root, 'tests', 'out', 'cleanroot');
  const mounts = [];
  const cleanup = () => {
    for (const pid of processesIn(dir)) try { process.kill(pid, 'SIGKILL'); } catch {}
    for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
    mounts.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(cleanup);
  cleanup();
  sh('cp', ['-a', base, dir]);
  // The work tree as a clean checkout has it.
  const src = join(dir, 'root', 'jitsi-oidc');
  mkdirSync(src, { recursive: true });
  sh('bash', ['-c', `git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "${src}"`], { cwd: root });
  assert.ok(!existsSync(join(src, 'tests', 'node_modules')) && !existsSync(join(src, 'cgi-bin', 'jitsi-oidc')));
  copyFileSync('/etc/resolv.conf', join(dir, 'etc', 'resolv.conf'));
  const mount = (args, at) => { sh('mount', [...args, at]); mounts.push(at); };
  mount(['-t', 'proc', 'proc'], join(dir, 'proc'));
  mount(['--bind', '/dev'], join(dir, 'dev'));
  mount(['-t', 'tmpfs', 'tmpfs'], join(dir, 'run'));
  const hostCa = join(dir, 'run', 'host-ca.crt');
  if (existsSync(CA)) { writeFileSync(hostCa, ''); mount(['--bind', '-o', 'ro', CA], hostCa); }
  const env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root',
    'LANG=C.UTF-8', 'DEBIAN_FRONTEND=noninteractive',
    ...(existsSync(CA) ? ['NODE_EXTRA_CA_CERTS=/run/host-ca.crt', 'npm_config_cafile=/run/host-ca.crt'] : [])];
  const inRoot = (script) => spawn('chroot', [dir, '/usr/bin/env', '-i', ...env, 'bash', '-c', script],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true });

  // The README: a machine without make first installs it; then `make demo`.
  const r = spawnSync('chroot', [dir, '/usr/bin/env', '-i', ...env, 'bash', '-c',
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends make >/dev/null'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const demo = inRoot('cd /root/jitsi-oidc && exec make demo');
  let out = ''; let err = '';
  demo.stdout.on('data', (d) => { out += d; });
  demo.stderr.on('data', (d) => { err = (err + d).slice(-20000); });
  let exited = null;
  const ended = new Promise((resolve) => demo.on('close', (code) => { exited = code; resolve(code); }));
  while (!/== The demo is running/.test(out) && exited === null) await new Promise((s) => setTimeout(s, 250));
  const ready = exited === null ? 'ready' : `exited ${exited}`;
  try {
    assert.equal(ready, 'ready', `make demo ${ready}:\n${out.slice(-4000)}\n${err.slice(-4000)}`);
    const url = out.match(/^Jitsi URL: (http:\/\/127\.0\.0\.1:8080\/MyRoom\S*jwt=\S+)$/m);
    assert.ok(url, out);
    assert.match(out, /^Token claims:\n\{\n[^]*"room": "myroom"[^]*"id": "alice"[^]*\n\}$/m);
    assert.match(out, /Stand-in Jitsi page: HTTP 200/);
    // That was Debian's own node.
    const v = spawnSync('chroot', [dir, '/usr/bin/env', '-i', ...env, 'node', '--version'], { encoding: 'utf8' });
    assert.match(v.stdout, /^v18\./, 'the root has Debian bookworm\'s own Node.js 18');
    const pkg = spawnSync('chroot', [dir, 'dpkg-query', '-W', '-f', '${Version}', 'nodejs'], { encoding: 'utf8' });
    assert.match(pkg.stdout, /deb12/);
    process.stdout.write(`clean root: node ${v.stdout.trim()} (Debian nodejs ${pkg.stdout})\n`);
  } finally {
    const stop = spawnSync('chroot', [dir, '/usr/bin/env', '-i', ...env, 'bash', '-c', 'cd /root/jitsi-oidc && make -s demo-stop'], { encoding: 'utf8' });
    try { process.kill(-demo.pid, 'SIGTERM'); } catch {}
    await Promise.race([ended, new Promise((s) => setTimeout(s, 10000))]);
    assert.equal(stop.status, 0, stop.stdout + stop.stderr);
  }
  // make demo-stop stopped everything the demo started.
  await new Promise((s) => setTimeout(s, 500));
  assert.deepEqual(processesIn(dir), [], 'no process of the demo is left');
});
