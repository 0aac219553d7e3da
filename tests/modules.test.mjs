// The module graph follows the layers of src/: from the built objects,
// which module uses which (nm: an undefined jo_ symbol is defined by
// another module); a module uses only modules of its own layer and of
// the layers below (src/<layer>/, ranked by the Makefile's LAYERS), and no
// module reaches itself again.  `node tests/modules.test.mjs` prints the
// layers and the graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
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

// The layers, bottom up, from the Makefile's LAYERS; a module's layer is
// the folder of src/ that holds its .c file.
export function layers() {
  const names = /^LAYERS\s*=\s*(.+)$/m.exec(readFileSync(join(root, 'Makefile'), 'utf8'))[1].trim().split(/\s+/);
  const of = new Map();
  names.forEach((l, rank) => {
    for (const f of readdirSync(join(root, 'src', l)).filter((x) => x.endsWith('.c'))) of.set(basename(f, '.c'), { layer: l, rank });
  });
  return { names, of };
}

// The calls that go up a layer: [user, used, what each is].
export function upCalls(edges, of) {
  const up = [];
  for (const [m, ds] of edges) {
    for (const d of ds) {
      const a = of.get(m); const b = of.get(d);
      if (a && b && b.rank > a.rank) up.push(`${m} (${a.layer}) -> ${d} (${b.layer})`);
    }
  }
  return up;
}

test('modules: every module is in a layer of src/, and none uses a module of a higher layer', () => {
  const edges = graph();
  const { names, of } = layers();
  assert.ok(names.length >= 6, names.join(' '));
  for (const m of edges.keys()) assert.ok(of.has(m), `${m}.o: no src/<layer>/${m}.c`);
  assert.deepEqual(upCalls(edges, of), [], 'calls that go up a layer');
  // the check itself: a call from the bottom layer to the top one is caught
  const planted = new Map([...edges].map(([k, v]) => [k, new Set(v)]));
  planted.get('util').add('main');
  assert.deepEqual(upCalls(planted, of), ['util (base) -> main (process)']);
});

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
  const { names, of } = layers();
  const g = graph();
  for (const l of [...names].reverse()) {
    console.log(`${l}/`);
    for (const [m, ds] of [...g].filter(([k]) => of.get(k)?.layer === l).sort()) console.log(`  ${m} -> ${[...ds].sort().join(' ')}`);
  }
}
