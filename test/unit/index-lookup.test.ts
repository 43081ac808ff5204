/** The on-disk item index answers every query exactly as the in-memory lookup does on the same items (order included). */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import type { ItemLookup } from '../../server/items/lookup';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { buildIndex } from '../../server/items/index/build';
import { openIndex, type IndexLookup } from '../../server/items/index/open';
import { memorySource, plainLookup, random, randomRows, referenceItems } from './index-fixtures';

const grammar = compileGrammar(presetSpec('openonerec'));

/** Every code, every prefix of one and a few unknown ones, with and without each domain. */
function queries(items: { levels: number[] }[], seed: number): number[][] {
  const rnd = random(seed);
  const out = new Map<string, number[]>();
  const add = (l: number[]) => out.set(l.join('.'), l);
  add([]);
  for (const it of items) for (let k = 0; k <= it.levels.length; k++) add(it.levels.slice(0, k));
  for (let i = 0; i < 50; i++) add(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 6)));
  add([-1]);
  add([1.5]);
  return [...out.values()];
}

function compare(lazyIndex: ItemLookup, memory: ItemLookup, items: { id: string; title?: string; caption?: string; categories?: string; levels: number[] }[], seed: number): void {
  const index = plainLookup(lazyIndex);
  assert.equal(index.size, memory.size);
  assert.deepEqual(index.sources, memory.sources);
  for (const levels of queries(items, seed)) {
    for (const domain of [undefined, 'video', 'prod', 'ad', '']) {
      const what = `${levels.join('.')} ${domain}`;
      assert.deepEqual(index.exact(levels, domain), memory.exact(levels, domain), `exact ${what}`);
      assert.equal(index.has(levels, domain), memory.has(levels, domain), `has ${what}`);
      for (const limit of [undefined, 0, 1, 3, 1000]) {
        assert.deepEqual(index.prefix(levels, domain, limit), memory.prefix(levels, domain, limit), `prefix ${what} ${limit}`);
        assert.deepEqual(index.children(levels, domain, limit), memory.children(levels, domain, limit), `children ${what} ${limit}`);
      }
    }
  }
  for (const item of items) assert.deepEqual(index.byId(item.id), memory.byId(item.id), `byId ${item.id}`);
  for (const id of ['', 'nope', '00x', 'P']) assert.deepEqual(index.byId(id), memory.byId(id), `byId ${id}`);
  const rnd = random(seed + 1);
  const texts = items.flatMap((i) => [i.title, i.caption, i.categories, i.id]).filter((t): t is string => !!t);
  const searches = ['a', 'E', 'dog', 'DOG', 'hot', ' hot ', 'σ', 'Σοφ', 'ς', 'i̇', 'café', '美', '😀', '\uE000', 'x-', '.', '0', '9', 'item_', 'zzzz-none', ''];
  for (let i = 0; i < 60 && texts.length > 0; i++) {
    const t = texts[Math.floor(rnd() * texts.length)];
    const at = Math.floor(rnd() * t.length);
    searches.push(t.slice(at, at + 1 + Math.floor(rnd() * 6)));
  }
  for (const q of searches) {
    // The index searches UTF-8 text: a query never spans two fields, and half a surrogate pair matches nothing.
    if (q.trim().includes('\n') || /\p{Cs}/u.test(q)) continue;
    for (const limit of [1, 5, 1000]) assert.deepEqual(index.search(q, limit), memory.search(q, limit), `search ${JSON.stringify(q)} ${limit}`);
  }
}

describe('item index agrees with the in-memory lookup', () => {
  let dir: string;
  const opened: IndexLookup[] = [];
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'reclens-index-'));
  });
  after(() => {
    for (const l of opened) l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [seed, count, domains] of [
    [1, 300, true],
    [2, 500, false],
    [3, 40, true],
    [4, 1500, true],
  ] as const) {
    it(`random pool ${seed}: ${count} rows in two tables${domains ? ', with domains' : ''}`, async () => {
      const rows = randomRows(seed, count, { domains });
      const tables = [
        { path: '/tables/a.jsonl', rows: rows.slice(0, count >> 1) },
        { path: '/tables/b.jsonl', rows: rows.slice(count >> 1) },
      ];
      const file = path.join(dir, `pool-${seed}.rlindex`);
      const result = await buildIndex(
        tables.map((t) => memorySource(t.path, t.rows)),
        grammar,
        file,
        { fingerprint: 'f' },
      );
      const items = referenceItems(tables);
      assert.equal(result.items, items.length);
      const memory = createMemoryLookup(items, tables.map((t) => t.path));
      const index = openIndex(file);
      opened.push(index);
      compare(index, memory, items, seed);
    });
  }

  it('an empty table gives an empty index', async () => {
    const file = path.join(dir, 'empty.rlindex');
    await buildIndex([memorySource('/t/empty.jsonl', [])], grammar, file, { fingerprint: 'f' });
    const index = openIndex(file);
    opened.push(index);
    compare(index, createMemoryLookup([], ['/t/empty.jsonl']), [], 9);
    assert.deepEqual(index.stats().levels.map((l) => l.used), [0, 0, 0]);
  });
});
