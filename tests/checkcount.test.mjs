// tests/check.sh fails a pass in which a test file reported fewer tests
// than in the normal build's CGI pass, even when none of them failed: a
// file cut short on purpose (JO_CUT_SHORT, tests/lib/harness.mjs: its
// process exits with status 0 after its first test, as one whose last
// results were lost in the pipe does) is named, in either direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './lib/harness.mjs';

const shapes = (cut) => spawnSync(join(root, 'tests', 'check.sh'), [], {
  env: { ...process.env, JO_SUITES: 'shapes', JO_UNIT: '0', JO_DEBIAN_NODE: '0', JO_SKIP_SANITIZE: '1',
    JO_SKIP_FUZZ: '1', JO_SKIP_VALGRIND: '1', JO_SKIP_CLEANROOT: '1', ...(cut ? { JO_CUT_SHORT: cut } : {}) },
  encoding: 'utf8', timeout: 600000,
});

test('check.sh: a test file cut short without a failure fails its pass and is named', () => {
  const whole = shapes('');
  assert.equal(whole.status, 0, whole.stdout + whole.stderr);
  const n = Number(/shapes\.test\.mjs: (\d+) passed, 0 failed/.exec(whole.stdout)?.[1] ?? 0);
  assert.ok(n >= 2, whole.stdout);
  assert.match(whole.stdout, /^\d+ passed, 0 failed/m);

  // Cut short in the FastCGI pass: fewer than the reference.
  const fcgi = shapes('shapes:1:fastcgi');
  assert.notEqual(fcgi.status, 0, fcgi.stdout);
  assert.match(fcgi.stdout, new RegExp(`shapes\\.test\\.mjs reported 1 tests here, ${n} in the normal CGI pass: cut short\\?`));
  assert.match(fcgi.stdout, /normal-fastcgi \(node\): 1 passed, 1 failed/);
  assert.match(fcgi.stdout, /^\d+ passed, 1 failed/m);

  // Cut short in the reference pass itself: the next pass has more.
  const cgi = shapes('shapes:1:cgi');
  assert.notEqual(cgi.status, 0, cgi.stdout);
  assert.match(cgi.stdout, new RegExp(`shapes\\.test\\.mjs reported ${n} tests here, 1 in the normal CGI pass: cut short\\?`));
});
