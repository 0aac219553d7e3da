// `make install` lays out a tree a packager would accept: PREFIX, DESTDIR,
// SYSCONFDIR and CGIDIR honoured, modes right, an existing configuration
// never overwritten, man pages that mandoc finds clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, tempDir } from './lib/harness.mjs';

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
});

test('the man pages are mandoc -Tlint clean (warnings and above)', { skip: !existsSync('/usr/bin/mandoc') && !process.env.CI && 'mandoc not installed' }, () => {
  // Style notes about cross-referenced pages that are not installed on
  // this machine (fcgiwrap(8), each other) are not defects of the pages.
  const r = spawnSync('mandoc', ['-Tlint', '-W', 'warning', join(root, 'man/jitsi-oidc.8'), join(root, 'man/jitsi-oidc.conf.5')], { encoding: 'utf8' });
  assert.equal(r.stdout + r.stderr, '');
  assert.equal(r.status, 0);
});
