import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { mergeLookups } from '../../server/items/multi-lookup';

const item = (id: string, levels: number[], extra: Partial<ItemRecord> = {}): ItemRecord => ({ id, levels, source: { path: `${extra.domain ?? 'generic'}.jsonl`, line: 1 }, ...extra });

const videos = createMemoryLookup(
  [item('v1', [1, 2, 3], { domain: 'video', title: 'Cooking video', popularity: 5 }), item('v2', [1, 2, 4], { domain: 'video', title: 'Hiking video', popularity: 9 })],
  ['video.jsonl'],
);
const products = createMemoryLookup(
  [item('p1', [1, 2, 3], { domain: 'prod', title: 'Cooking pan', popularity: 7 }), item('p2', [1, 5, 6], { domain: 'prod', title: 'Video camera', popularity: 1 })],
  ['prod.jsonl'],
);
const generic = createMemoryLookup([item('g1', [1, 2, 3], { title: 'Generic cooking', popularity: 100 })], ['generic.jsonl']);
const pool = mergeLookups([videos, products, generic]);

test('sizes and sources add up; a single table is passed through', () => {
  assert.equal(pool.size, 5);
  assert.deepEqual(pool.sources, ['video.jsonl', 'prod.jsonl', 'generic.jsonl']);
  assert.equal(mergeLookups([videos]), videos);
});

test('the domain named by the begin token selects its table when codes overlap', () => {
  assert.deepEqual(pool.exact([1, 2, 3], 'video').map((i) => i.id), ['v1']);
  assert.deepEqual(pool.exact([1, 2, 3], 'prod').map((i) => i.id), ['p1']);
  // No domain: every table's items, most popular first.
  assert.deepEqual(pool.exact([1, 2, 3]).map((i) => i.id), ['g1', 'p1', 'v1']);
  // A domain no table has: the items without a domain.
  assert.deepEqual(pool.exact([1, 2, 3], 'ad').map((i) => i.id), ['g1']);
});

test('clusters, children, byId and search merge across tables', () => {
  assert.deepEqual(pool.prefix([1, 2], 'video'), { count: 2, examples: [videos.byId('v2')!, videos.byId('v1')!] });
  assert.equal(pool.prefix([1]).count, 5);
  assert.deepEqual(pool.children([1]).map((c) => [c.value, c.count]), [[2, 4], [5, 1]]);
  assert.equal(pool.children([1])[0].example?.id, 'g1');
  assert.equal(pool.byId('p2')?.title, 'Video camera');
  assert.deepEqual(pool.search('video', 10).map((i) => i.id), ['p2', 'v2', 'v1']);
  // A field starting with the query ranks before a word inside a field, then popularity.
  assert.deepEqual(pool.search('cook', 3).map((i) => i.id), ['p1', 'v1', 'g1']);
});
