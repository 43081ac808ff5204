/** The item index file: reopening, damaged and foreign files, cancellation, problems, stats, and a 1M-item build. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import type { ItemRow, RowSource } from '../../server/items/sources/types';
import { buildIndex } from '../../server/items/index/build';
import { IndexError, MAGIC } from '../../server/items/index/format';
import { openIndex, readIndexMeta } from '../../server/items/index/open';
import { memorySource, plainLookup, randomRows } from './index-fixtures';

const grammar = compileGrammar(presetSpec('openonerec'));

describe('item index file', () => {
  let dir: string;
  let file: string;
  const rows = randomRows(7, 400);
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reclens-index-file-'));
    file = path.join(dir, 'pool.rlindex');
    await buildIndex([memorySource('/t/a.jsonl', rows)], grammar, file, { fingerprint: 'abc' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reopens with the same answers, fingerprint and stats', () => {
    const a = openIndex(file);
    const answers = (index: typeof a) => {
      const l = plainLookup(index);
      return [l.exact([1, 2, 3]), l.prefix([1], undefined, 10), l.children([2]), l.byId(rows[5].id), l.search('dog', 20)];
    };
    const first = answers(a);
    a.close();
    const b = openIndex(file);
    assert.deepEqual(answers(b), first);
    assert.equal(b.fingerprint, 'abc');
    assert.equal(readIndexMeta(file).fingerprint, 'abc');
    const stats = b.stats();
    assert.equal(stats.items, b.size);
    assert.deepEqual(stats.sources, [{ path: '/t/a.jsonl', items: b.size }]);
    assert.deepEqual(stats.levels.map((l) => [l.level, l.used, l.codebook]), [[1, 4, 8192], [2, 4, 8192], [3, 4, 8192]]);
    // Collisions: items minus distinct (domain, code) pairs.
    const firstById = new Map<string, ItemRow>();
    for (const r of rows) if (!firstById.has(r.id)) firstById.set(r.id, r);
    const codes = new Set([...firstById.values()].map((r) => `${r.domain ?? ''}:${r.levels.join('.')}`));
    assert.equal(stats.collisions, b.size - codes.size);
    b.close();
    assert.throws(() => b.exact([1, 2, 3]), IndexError);
  });

  const damaged = (name: string, damage: (bytes: Buffer, f: string) => void, message: RegExp) =>
    it(`a ${name} file is a clear IndexError`, () => {
      const f = path.join(dir, `${name.replace(/\W+/g, '-')}.rlindex`);
      const bytes = readFileSync(file);
      writeFileSync(f, bytes);
      damage(bytes, f);
      assert.throws(() => openIndex(f), (e: unknown) => e instanceof IndexError && message.test(e.message) && e.message.includes(f) && /rebuild/.test(e.message));
    });
  damaged('truncated', (_, f) => truncateSync(f, 1000), /truncated/);
  damaged('very short', (_, f) => truncateSync(f, 10), /too short/);
  damaged('foreign', (b, f) => writeFileSync(f, Buffer.concat([Buffer.from('PAR1'), b.subarray(4)])), /not a RecLens item index/);
  damaged('old-version', (b, f) => {
    b.writeUInt32LE(0, 8);
    writeFileSync(f, b);
  }, /format version 0/);
  damaged('corrupt column', (b, f) => {
    const meta = readIndexMeta(file);
    b[meta.sections.levels.offset + 17] ^= 0x40;
    writeFileSync(f, b);
  }, /section "levels" is corrupt/);
  damaged('corrupt meta', (b, f) => {
    b[b.length - 3] ^= 0x01;
    writeFileSync(f, b);
  }, /metadata is corrupt/);

  it('starts with the magic bytes', () => assert.equal(readFileSync(file).toString('latin1', 0, 8), MAGIC));

  it('a missing file is an IndexError naming it', () => assert.throws(() => openIndex(path.join(dir, 'none.rlindex')), /none\.rlindex: cannot open item index \(ENOENT\)/));

  it('cancellation mid-build rejects and leaves no file behind', async () => {
    const f = path.join(dir, 'cancelled.rlindex');
    const controller = new AbortController();
    let batches = 0;
    const source: RowSource = {
      path: '/t/slow.jsonl',
      size: 100,
      async *batches() {
        for (let i = 0; i < 100; i++) {
          if (++batches === 3) controller.abort();
          yield { rows: randomRows(i, 10), done: i };
        }
      },
      problems: () => [],
    };
    await assert.rejects(buildIndex([source], grammar, f, { fingerprint: 'x', signal: controller.signal }), { name: 'AbortError' });
    assert.ok(batches < 10);
    assert.ok(!existsSync(f));
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('cancelled')), []);
  });

  it('reports duplicate ids (first wins), rows that cannot be indexed, and the sources\' own problems', async () => {
    const f = path.join(dir, 'problems.rlindex');
    const a: ItemRow[] = [
      { id: 'x', levels: [1, 2, 3], title: 'first', line: 1 },
      { id: 'y', levels: [1, 2, 3, 4], line: 2 },
      { id: 'x', levels: [4, 5, 6], title: 'same table', line: 3 },
    ];
    const b: ItemRow[] = [{ id: 'x', levels: [7, 8, 9], title: 'other table', line: 1 }];
    const progress: number[] = [];
    const result = await buildIndex([memorySource('/t/a.jsonl', a, 7, [{ path: '/t/a.jsonl', line: 9, message: 'reader problem' }]), memorySource('/t/b.jsonl', b)], grammar, f, { fingerprint: 'p', onProgress: (fraction) => progress.push(fraction) });
    assert.equal(result.items, 1);
    const messages = result.problems.map((p) => `${p.path}:${p.line ?? ''}: ${p.message}`);
    assert.ok(messages.includes('/t/a.jsonl:9: reader problem'), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('/t/a.jsonl:2: item "y": code has 4 levels; the itemic-token grammar has 3')), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('/t/a.jsonl:3: item id "x" is also in /t/a.jsonl line 1; kept the first')), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('/t/b.jsonl:1: item id "x" is also in /t/a.jsonl line 1')), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('2 duplicate item ids skipped')), messages.join('\n'));
    const index = openIndex(f);
    assert.equal(index.byId('x')?.title, 'first');
    assert.deepEqual(index.problems, result.problems);
    index.close();
    assert.ok(progress.length > 0 && progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1])));
    assert.equal(progress[progress.length - 1], 1);
  });

  it('builds and opens 1M items in reasonable time, with exact lookups in microseconds', async () => {
    const n = 1_000_000;
    const f = path.join(dir, 'million.rlindex');
    const source: RowSource = {
      path: '/t/million.jsonl',
      size: n,
      async *batches() {
        for (let at = 0; at < n; at += 50_000) {
          const rows: ItemRow[] = [];
          for (let i = at; i < at + 50_000; i++) rows.push({ id: `p${(i * 7919) % n}`, levels: [i % 8192, (i >> 13) % 8192, (i * 31) % 8192], popularity: i % 1000, caption: `item ${i} caption` });
          yield { rows, done: at + 50_000 };
        }
      },
      problems: () => [],
    };
    const t0 = performance.now();
    const result = await buildIndex([source], grammar, f, { fingerprint: 'm' });
    const buildMs = performance.now() - t0;
    assert.equal(result.items, n);
    const t1 = performance.now();
    const index = openIndex(f);
    const openMs = performance.now() - t1;
    const i = 123_457;
    const t2 = performance.now();
    for (let k = 0; k < 10_000; k++) index.has([(i + k) % 8192, ((i + k) >> 13) % 8192, ((i + k) * 31) % 8192]);
    const lookupUs = ((performance.now() - t2) / 10_000) * 1000;
    assert.deepEqual(index.exact([i % 8192, (i >> 13) % 8192, (i * 31) % 8192]).map((r) => r.caption), [`item ${i} caption`]);
    assert.equal(index.byId(`p${(i * 7919) % n}`)?.caption, `item ${i} caption`);
    index.close();
    assert.ok(buildMs < 60_000, `build took ${buildMs} ms`);
    assert.ok(openMs < 2_000, `open took ${openMs} ms`);
    assert.ok(lookupUs < 50, `has() took ${lookupUs} µs`);
  });
});
