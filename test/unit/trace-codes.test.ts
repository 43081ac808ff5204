import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGrammar, presetSpec, scanCodes } from '../../server/items/grammar';
import { CodeList } from '../../server/items/code-list';
import { findCodes } from '../../server/trace/codes';

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

for (const name of ['openonerec', 'onereason', 'onerec-think', 'paper'] as const) {
  test(`findCodes equals scanCodes on random token soups (${name})`, () => {
    const g = compileGrammar(presetSpec(name));
    const rnd = random(42);
    const level = (k: number, v: string): string => g.spec.levels[k].replace('{n}', v);
    const clean = (): string => g.spec.levels.map((_, k) => level(k, String(Math.floor(rnd() * 300)))).join('');
    const pieces = [
      ...g.spec.begin.map((b) => b.token),
      ...g.spec.end,
      ...g.spec.levels.flatMap((_, k) => [level(k, '5'), level(k, '99999'), level(k, 'x1'), level(k, ''), level(k, '0')]),
      ' ', 'ab', '<', '123', '\n', '中',
    ];
    for (let t = 0; t < 5000; t++) {
      let s = '';
      const n = Math.floor(rnd() * 14);
      for (let i = 0; i < n; i++) {
        const r = rnd();
        s += r < 0.3 ? `${g.spec.begin[0]?.token ?? ''}${clean()}${g.spec.end[0] ?? ''}` : r < 0.45 ? clean() : pieces[Math.floor(rnd() * pieces.length)];
      }
      const from = Math.floor(rnd() * 3);
      assert.deepEqual(findCodes(s, g, from, s.length, new CodeList(g)).toArray(), scanCodes(s, g, from, s.length), JSON.stringify(s));
    }
  });
}

test('findCodes falls back to scanCodes for a custom grammar whose tokens do not share a first character', () => {
  const g = compileGrammar({ name: 'x', levels: ['A{n};', 'B{n};'], codebookSize: 10, begin: [{ token: '[' }], end: [']'] });
  const s = 'x [A1;B2;] A3;B4; A11;';
  assert.deepEqual(findCodes(s, g, 0, s.length, new CodeList(g)).toArray(), scanCodes(s, g));
});
