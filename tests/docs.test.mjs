// The documentation stays true to the code: every configuration key the
// program knows (src/config/config_keys.c) is in the example file, the manual page
// and the configuration guide (docs/configuration.md), nothing documented
// is unknown to the program, and every link between the pages resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { root } from './lib/harness.mjs';

const read = (p) => readFileSync(join(root, p), 'utf8');
const keys = [...read('src/config/config_keys.c').matchAll(/^\t\{ "([a-z_]+)", K_/gm)].map((m) => m[1]);

test('every configuration key is documented in the example, the man page and the configuration guide', () => {
  assert.ok(keys.length >= 40, `only ${keys.length} keys found`);
  const example = read('conf/jitsi-oidc.conf.example');
  const man = read('man/jitsi-oidc.conf.5');
  const guide = read('docs/configuration.md');
  for (const k of keys) {
    assert.match(example, new RegExp(`^#? ?${k} = `, 'm'), `${k} in conf/jitsi-oidc.conf.example`);
    assert.match(man, new RegExp(`^\\.It Cm (?:[a-z_]+ , )*${k}\\b`, 'm'), `${k} in man/jitsi-oidc.conf.5`);
    assert.match(guide, new RegExp('`' + k + '`'), `${k} in docs/configuration.md`);
  }
});

test('the example file names no key the program does not know', () => {
  const used = [...read('conf/jitsi-oidc.conf.example').matchAll(/^#? ?([a-z_]+) = /gm)].map((m) => m[1]);
  for (const k of used) assert.ok(keys.includes(k), `${k} in the example is not a key`);
});

test('docs/jitsi.md and conf/jitsi-config.js name the same Jitsi settings (web client, Prosody, Jicofo, docker-jitsi-meet .env)', () => {
  const jitsi = read('docs/jitsi.md');
  const js = read('conf/jitsi-config.js');
  const names = (t) => new Set([...t.matchAll(/\b(JWT_[A-Z_]+|asap_[a-z_]+|ENABLE_AUTH|AUTH_TYPE|TOKEN_AUTH_URL|XMPP_MUC_MODULES|ENABLE_AUTO_OWNER|app_id|app_secret|token(?:AuthUrl|AuthInline|AuthUrlAutoRedirect|LogoutUrl)|hiddenFromRecorderFeatureEnabled|WAIT_FOR_HOST_DISABLE_AUTO_OWNERS|wait_for_host_disable_auto_owners|muc_wait_for_host|enable-auto-owner|token_affiliation|token_lobby_bypass|allow_empty_token|enable_domain_verification|custom-config\.js|prosody-plugins-custom)\b/g)].map((m) => m[1]));
  const a = names(jitsi); const b = names(js);
  // the recipe that holds today (issue 14): each of these on both sides
  for (const n of ['tokenAuthUrl', 'tokenAuthUrlAutoRedirect', 'tokenAuthInline', 'tokenLogoutUrl',
    'wait_for_host_disable_auto_owners', 'WAIT_FOR_HOST_DISABLE_AUTO_OWNERS', 'enable-auto-owner',
    'ENABLE_AUTO_OWNER', 'token_affiliation', 'allow_empty_token', 'enable_domain_verification',
    'app_id', 'app_secret', 'JWT_ALLOW_EMPTY', 'custom-config.js', 'hiddenFromRecorderFeatureEnabled']) assert.ok(a.has(n), `${n} in docs/jitsi.md`);
  assert.deepEqual([...a].filter((n) => !b.has(n)).sort(), [], 'in docs/jitsi.md, not in conf/jitsi-config.js');
  assert.deepEqual([...b].filter((n) => !a.has(n)).sort(), [], 'in conf/jitsi-config.js, not in docs/jitsi.md');
});

test('every suite is in the one list of suites (tests/suites), and the list names no other', () => {
  const listed = read('tests/suites').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)[0]);
  const files = readdirSync(join(root, 'tests')).filter((f) => f.endsWith('.test.mjs')).map((f) => f.replace(/\.test\.mjs$/, ''));
  assert.deepEqual([...listed].sort(), [...files].sort());
  for (const l of read('tests/suites').split('\n').filter((x) => x && !x.startsWith('#'))) {
    for (const pass of l.split(/\s+/).slice(1)) assert.ok(['cgi', 'fastcgi', 'valgrind', 'once'].includes(pass), `${l}: unknown pass ${pass}`);
  }
});

test('the README names the packages the tests need as tests/deps.sh installs them', () => {
  const deps = read('tests/deps.sh');
  const installed = new Set(/TEST_DEPS="([^"]*)"/.exec(deps)[1].split(/\s+/).filter(Boolean));
  for (const m of deps.matchAll(/\b\w+:([a-z0-9.+-]+)/g)) installed.add(m[1]);
  const readme = read('README.md');
  const from = readme.indexOf('For the\ntests also');
  const para = readme.slice(from, readme.indexOf('with the Perl modules', from));
  const named = new Set([...para.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1].split(/\s+/))
    .filter((w) => /^[a-z0-9][a-z0-9.+-]+$/.test(w)));
  assert.ok(named.size > 20, [...named].join(' '));
  assert.deepEqual([...named].filter((p) => !installed.has(p)), [], 'in the README, not installed by tests/deps.sh');
  // the Perl modules and the CA bundle are named by the script alone
  assert.deepEqual([...installed].filter((p) => !named.has(p) && !/-perl$|^ca-certificates$|^(cc|build-essential)$/.test(p)
    && !read('tests/lib/require.sh').includes(p)), [], 'installed, not in the README');
});

// Every relative link of the Markdown pages (README, docs/, tests/README)
// names a file of the tree, and every #anchor a heading of its page (as
// GitHub makes one: lowercase, punctuation dropped, blanks to hyphens).
const slug = (t) => t.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replace(/ /g, '-');
function pagesUnder(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? pagesUnder(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}
test('every relative link and anchor of README.md, docs/ and tests/README.md resolves', () => {
  const pages = ['README.md', 'tests/README.md', ...pagesUnder('docs')];
  const anchors = (p) => new Set(read(p).split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
  let n = 0;
  for (const page of pages) {
    const text = read(page).replace(/```[^]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const file = path ? join(dirname(page), path) : page;
      assert.ok(existsSync(join(root, file)), `${page}: ${target} (no ${file})`);
      if (anchor) {
        const f = statSync(join(root, file)).isDirectory() ? join(file, 'README.md') : file;
        assert.ok(anchors(f).has(anchor), `${page}: ${target} (no heading #${anchor} in ${f})`);
      }
      n++;
    }
  }
  assert.ok(n > 50, `only ${n} links`);
  // every page of docs/ is reachable from the README's table or the providers' index
  const readme = read('README.md') + read('docs/providers/README.md');
  for (const p of pagesUnder('docs')) {
    const name = p.replace(/^docs\//, '');
    assert.ok(readme.includes(`(docs/${name})`) || readme.includes(`(${name.replace(/^providers\//, '')})`), `${p} is linked from the README or docs/providers/README.md`);
  }
});

test('the README is a front door: under 250 lines, with the quick start, install, the three Jitsi steps, the docs and the licence', () => {
  const readme = read('README.md');
  assert.ok(readme.split('\n').length < 250, `${readme.split('\n').length} lines`);
  for (const h of ['## Quick start', '## Install', '## Wiring it into a Jitsi', '## Documentation', '## Licence']) assert.ok(readme.includes(`\n${h}\n`), h);
  assert.match(read('LICENSE'), /Apache License\s+Version 2\.0, January 2004/);
});
