// `make install` lays out a tree a packager would accept: PREFIX, DESTDIR,
// SYSCONFDIR and CGIDIR honoured, modes right, an existing configuration
// never overwritten, man pages that mandoc finds clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, readFileSync, writeFileSync, existsSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, tempDir, startProvider, SECRETS } from './lib/harness.mjs';

const isRoot = process.getuid && process.getuid() === 0;

const make = (args) => spawnSync('make', ['-s', '-C', root, ...args], { encoding: 'utf8' });
const mode = (p) => (statSync(p).mode & 0o7777).toString(8);

test('make install DESTDIR=… PREFIX=/usr lays out binary, config, man pages and the systemd units', () => {
  const dest = tempDir('jo-install');
  let r = make(['install', `DESTDIR=${dest}`, 'PREFIX=/usr', 'SYSCONFDIR=/etc']);
  assert.equal(r.status, 0, r.stderr);
  const cgi = join(dest, 'usr/lib/cgi-bin/jitsi-oidc');
  const conf = join(dest, 'etc/jitsi-oidc/jitsi-oidc.conf');
  assert.equal(mode(cgi), '755');
  assert.equal(mode(conf), '640');
  assert.equal(mode(join(dest, 'usr/share/man/man8/jitsi-oidc.8')), '644');
  assert.equal(mode(join(dest, 'usr/share/man/man5/jitsi-oidc.conf.5')), '644');
  // The FastCGI units, pointing at the installed binary and config.
  const svc = readFileSync(join(dest, 'usr/lib/systemd/system/jitsi-oidc.service'), 'utf8');
  assert.match(svc, /^ExecStart=\/usr\/lib\/cgi-bin\/jitsi-oidc$/m);
  assert.match(svc, /^LoadCredential=jitsi-oidc\.conf:\/etc\/jitsi-oidc\/jitsi-oidc\.conf$/m);
  assert.equal(mode(join(dest, 'usr/lib/systemd/system/jitsi-oidc.socket')), '644');
  // The web-server and Jitsi snippets, with the installed paths.
  const ex = join(dest, 'usr/share/doc/jitsi-oidc/examples');
  for (const f of ['nginx-fcgiwrap.conf', 'nginx-fastcgi.conf', 'nginx-room-login.conf', 'nginx-docker-jitsi-meet.conf', 'nginx-docker-room-login.conf',
    'apache.conf', 'apache-fcgid.conf', 'lighttpd.conf', 'lighttpd-fastcgi.conf', 'jitsi-config.js', 'jitsi-oidc.conf.example',
    'jitsi-oidc-tcp.conf']) {
    assert.equal(mode(join(ex, f)), '644', f);
  }
  const ngx = readFileSync(join(ex, 'nginx-fcgiwrap.conf'), 'utf8');
  assert.match(ngx, /^\s*fastcgi_param SCRIPT_FILENAME\s+\/usr\/lib\/cgi-bin\/jitsi-oidc;$/m);
  assert.doesNotMatch(readFileSync(join(ex, 'apache.conf'), 'utf8'), /\/usr\/local/);
  // No secret is generated into a DESTDIR (a package would ship the same to everyone).
  for (const f of ['cookie_secret', 'jitsi_app_secret']) assert.ok(!existsSync(join(dest, 'etc/jitsi-oidc', f)), f);
  // the pages the installed examples point to, and the licence
  const doc = join(dest, 'usr/share/doc/jitsi-oidc');
  for (const f of ['README.md', 'LICENSE', 'NOTICE', 'docs/configuration.md', 'docs/jitsi.md', 'docs/providers/keycloak.md']) {
    assert.equal(mode(join(doc, f)), '644', f);
  }
  // A second install keeps the administrator's configuration.
  writeFileSync(conf, '# mine\n');
  r = make(['install', `DESTDIR=${dest}`, 'PREFIX=/usr', 'SYSCONFDIR=/etc']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(conf, 'utf8'), '# mine\n');
  // CGIDIR on its own.
  const d2 = tempDir('jo-install');
  r = make(['install', `DESTDIR=${d2}`, 'CGIDIR=/srv/cgi']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(d2, 'srv/cgi/jitsi-oidc')));
  assert.ok(existsSync(join(d2, 'usr/local/share/man/man8/jitsi-oidc.8')));
  assert.ok(existsSync(join(d2, 'etc/jitsi-oidc/jitsi-oidc.conf')));
  const ex2 = readFileSync(join(d2, 'usr/local/share/doc/jitsi-oidc/examples/lighttpd.conf'), 'utf8');
  assert.match(ex2, /"\/oidc" => "\/srv\/cgi\/jitsi-oidc"/);
});

// The README's Install block, run as it stands: only its paths are moved
// under a temporary directory, `sudo` and `sudoedit` are stand-ins (the
// tests run as root; `sudo -u` becomes setpriv), the editor writes what an
// administrator would, and the provider is the real one.
test('the README\'s Install block, run as it stands, ends in a --check-config that passes; make install generates the secrets once', { skip: !isRoot && 'needs root (chown to www-data)' }, async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = readme.match(/^## Install\n[\s\S]*?```sh\n([\s\S]*?)```/m)[1];
  const idp = await startProvider({});
  try {
    const t = tempDir('jo-readme-install');
    chmodSync(t, 0o755);
    const bin = join(t, 'shims'); mkdirSync(bin);
    writeFileSync(join(bin, 'sudo'), '#!/bin/sh\nif [ "$1" = -u ]; then u=$2; shift 2; exec setpriv --reuid="$u" --regid="$u" --init-groups env "$@"; fi\nexec "$@"\n', { mode: 0o755 });
    writeFileSync(join(bin, 'sudoedit'), '#!/bin/sh\nexec "$SUDO_EDITOR" "$@"\n', { mode: 0o755 });
    // what the administrator types into each file
    writeFileSync(join(bin, 'editor'), `#!/bin/sh
case "$1" in
*/jitsi-oidc.conf) sed -i -e 's|^issuer = .*|issuer = ${idp.issuer}|' -e 's|^# cache_dir = .*|cache_dir = ${t}/cache|' \\
    -e 's|^public_url = .*|public_url = https://meet.example.test/oidc|' -e 's|^jitsi_url = .*|jitsi_url = https://meet.example.test|' "$1" ;;
*/client_secret) printf '%s\\n' '${SECRETS.client}' > "$1" ;;
*) exit 1 ;;
esac
`, { mode: 0o755 });
    const script = block
      .replace(/^sudo make install/m, `sudo make install PREFIX=${t}/usr/local SYSCONFDIR=${t}/etc`)
      .split('/etc/jitsi-oidc/').join(`${t}/etc/jitsi-oidc/`)
      .split('/var/cache/jitsi-oidc').join(`${t}/cache`)
      .split('/usr/local/lib/cgi-bin/').join(`${t}/usr/local/lib/cgi-bin/`);
    const run = () => spawnSync('sh', ['-ex', '-c', script], { cwd: root, encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SUDO_EDITOR: join(bin, 'editor') } });
    const r = run();
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /config +\S+jitsi-oidc\.conf: ok/);
    assert.match(r.stdout, new RegExp(`issuer +${idp.issuer}`));
    const etc = join(t, 'etc/jitsi-oidc');
    const secret = {};
    for (const f of ['jitsi-oidc.conf', 'client_secret', 'cookie_secret', 'jitsi_app_secret']) {
      const st = statSync(join(etc, f));
      assert.equal(mode(join(etc, f)), '640', f);
      assert.equal(st.gid, 33, `${f} group www-data`);
      secret[f] = readFileSync(join(etc, f), 'utf8');
    }
    for (const f of ['cookie_secret', 'jitsi_app_secret']) assert.match(secret[f], /^[A-Za-z0-9+/]{64}\n$/, f);
    assert.notEqual(secret.cookie_secret, secret.jitsi_app_secret);
    // A second install keeps the configuration and the secrets.
    const again = make(['install', `PREFIX=${t}/usr/local`, `SYSCONFDIR=${t}/etc`]);
    assert.equal(again.status, 0, again.stderr);
    for (const f of ['jitsi-oidc.conf', 'cookie_secret', 'jitsi_app_secret']) assert.equal(readFileSync(join(etc, f), 'utf8'), secret[f], f);
  } finally {
    await idp.stop();
  }
});

test('the man pages are mandoc -Tlint clean (warnings and above)', { skip: !existsSync('/usr/bin/mandoc') && !process.env.CI && 'mandoc not installed' }, () => {
  // Style notes about cross-referenced pages that are not installed on
  // this machine (fcgiwrap(8), each other) are not defects of the pages.
  const r = spawnSync('mandoc', ['-Tlint', '-W', 'warning', join(root, 'man/jitsi-oidc.8'), join(root, 'man/jitsi-oidc.conf.5')], { encoding: 'utf8' });
  assert.equal(r.stdout + r.stderr, '');
  assert.equal(r.status, 0);
});
