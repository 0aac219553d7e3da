// The module graph is one-way: from the built objects, which
// module uses which (nm: an undefined jo_ symbol is defined by another
// module), and no module reaches itself again.  `node tests/modules.test.mjs`
// prints the graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { root, cgiPath } from './lib/harness.mjs';

// the objects of the build the suite runs (build/, or build-san/)
const dir = existsSync(join(dirname(cgiPath), 'main.o')) ? dirname(cgiPath) : join(root, 'build');

function graph() {
  const defs = new Map(); const uses = new Map();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.o'))) {
    const mod = basename(f, '.o');
    const r = spawnSync('nm', [join(dir, f)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    uses.set(mod, new Set());
    for (const line of r.stdout.split('\n')) {
      const m = /^\s*(?:[0-9a-f]+\s+)?([A-Za-z])\s+(jo_\w+)$/.exec(line);
      if (!m) continue;
      if (m[1] === 'U') uses.get(mod).add(m[2]); else if (/[TDBR]/.test(m[1])) defs.set(m[2], mod);
    }
  }
  const edges = new Map();
  for (const [mod, syms] of uses) {
    edges.set(mod, new Set([...syms].map((s) => defs.get(s)).filter((d) => d && d !== mod)));
  }
  return edges;
}

test('modules: the graph of the objects has no cycle', () => {
  const edges = graph();
  assert.ok(edges.size >= 20, `only ${edges.size} objects in ${dir}`);
  assert.ok(edges.get('main').has('route_redirect'), 'the graph is read (main uses the routes)');
  const state = new Map(); const path = [];
  const visit = (m) => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'open') assert.fail(`a cycle: ${[...path.slice(path.indexOf(m)), m].join(' -> ')}`);
    state.set(m, 'open'); path.push(m);
    for (const d of edges.get(m) || []) visit(d);
    path.pop(); state.set(m, 'done');
  };
  for (const m of edges.keys()) visit(m);
});

if (process.argv[1] && process.argv[1].endsWith('modules.test.mjs') && process.env.NODE_TEST_CONTEXT === undefined) {
  for (const [m, ds] of [...graph()].sort()) console.log(`${m} -> ${[...ds].sort().join(' ')}`);
}
