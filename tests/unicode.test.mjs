// The room claim for non-ASCII names: jo_room_claim() (through
// build/roomtool) against what Jitsi's web client computes in a browser,
// encodeURIComponent(room.normalize('NFKC').toLowerCase()).toLowerCase(),
// here with Node's own ICU as the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { root } from './lib/harness.mjs';

const tool = resolve(join(dirname(process.env.JO_SEALTOOL || join(root, 'build', 'sealtool')), 'roomtool'));
const jitsi = (room) => encodeURIComponent(room.normalize('NFKC').toLowerCase()).toLowerCase();

function claims(names) {
  const r = spawnSync(tool, [], { input: names.join('\n') + '\n', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  const out = String(r.stdout).split('\n');
  out.pop();
  assert.equal(out.length, names.length);
  return out;
}

test('named cases: accents, decomposed forms, Hangul, compatibility characters, final sigma, dotted I', () => {
  const names = ['Café Room', 'åäö', 'ÅÄÖ', 'Cafe\u0301 Room', 'MyRoom', 'ＡＢＣ会議', 'ﬁle', '½ Day',
    'ΟΔΟΣ ΣΟΦΟΣ', 'ΑΣ.', 'Σ', 'İstanbul', '한국어', '\u1100\u1161\u11a8', 'a\u0323\u0301x', 'a\u0301\u0323x',
    '℡ ㎒ ㍿', 'Ⅻ ⓐ 𝐀𝐁', 'ǅemal', 'ß Straße', 'ﷺ', 'Ω Å K', '\u0958\u0959', 'Ǖ ǖ', '\u0f73'];
  const got = claims(names);
  for (let i = 0; i < names.length; i++) assert.equal(got[i], jitsi(names[i]), `room ${JSON.stringify(names[i])}`);
  assert.equal(got[0], 'caf%c3%a9%20room');
  assert.equal(got[1], '%c3%a5%c3%a4%c3%b6');
});

test('20,000 random names from the scripts and blocks normalization touches agree with the browser computation', () => {
  const pools = [[0x20, 0x7e], [0xa0, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x591, 0x5c7],
    [0x610, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f], [0xf00, 0xfff], [0x1100, 0x11ff], [0x1e00, 0x1fff],
    [0x2000, 0x2bff], [0x3000, 0x33ff], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfb00, 0xfdff], [0xfe20, 0xfeff],
    [0xff00, 0xffef], [0x1d400, 0x1d7ff], [0x1f100, 0x1f2ff], [0x10000, 0x10ffff]];
  let seed = 42;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const names = [];
  while (names.length < 20000) {
    let s = '';
    const len = 1 + rnd(8);
    for (let i = 0; i < len; i++) {
      const [lo, hi] = pools[rnd(pools.length)];
      const c = lo + rnd(hi - lo + 1);
      if (c >= 0xd800 && c <= 0xdfff) continue;
      s += String.fromCodePoint(c);
    }
    names.push(s);
  }
  const got = claims(names);
  let checked = 0;
  const bad = [];
  for (let i = 0; i < names.length; i++) {
    if (got[i] === 'invalid') continue;
    checked++;
    if (got[i] !== jitsi(names[i])) bad.push(`${JSON.stringify(names[i])}: ${got[i]} != ${jitsi(names[i])}`);
  }
  assert.ok(checked > 15000, `only ${checked} valid names`);
  assert.deepEqual(bad.slice(0, 10), []);
});
