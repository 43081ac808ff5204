/** Parquet row sources on real Parquet files written by the tests: the OpenOneRec join, a single mapped file, broken files. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { openSource, SourceError } from '../../server/items/sources/open';
import { MAX_REPORTED_PROBLEMS } from '../../server/items/sources/problems';
import { int64, writableCodecs, writeParquet, type Codec } from '../support/parquet';
import { readAll, tempDir } from '../support/sources';

const openonerec = compileGrammar(presetSpec('openonerec'));
const tmp = tempDir('reclens-parquet-');
after(tmp.cleanup);

/** A deterministic shuffle (the caption file lists pids in another order than pid2sid). */
function shuffled<T>(xs: T[], seed = 7): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** pid2sid + pid2caption in `dir`: n items, codes with collisions, every 7th item without caption, 3 captions for unknown pids. */
function writePair(name: string, n: number, codec: Codec, rowGroupSize: number): { sid: string; caption: string } {
  const pids = Array.from({ length: n }, (_, i) => 1_000_000 + i);
  const sid = tmp.file(`pid2sid${name}.parquet`);
  const caption = tmp.file(`pid2caption${name}.parquet`);
  // Items 2k and 2k+1 share a code: collisions must survive the join.
  writeParquet(sid, [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'INT_LIST' }], { pid: int64(pids), sid: pids.map((_, i) => [Math.floor(i / 2) % 50, Math.floor(i / 2) % 8192, 7]) }, { codec, rowGroupSize });
  const captioned = shuffled(pids.filter((_, i) => i % 7 !== 3));
  const capPids = [...captioned, 42, 43, 44];
  writeParquet(caption, [{ name: 'pid', type: 'INT64' }, { name: 'dense_caption', type: 'STRING' }], { pid: int64(capPids), dense_caption: capPids.map((p) => `caption of ${p}: 一段视频 🎬`) }, { codec, rowGroupSize: Math.ceil(rowGroupSize * 1.3) });
  return { sid, caption };
}

describe('OpenOneRec pid2sid ⋈ pid2caption', () => {
  for (const codec of writableCodecs.filter((c) => c !== 'UNCOMPRESSED')) {
    it(`joins on pid across several ${codec} row groups in shuffled order, keeps items without caption and collisions`, async () => {
      const n = 3000;
      const { sid } = writePair(`-${codec.toLowerCase()}`, n, codec, 700);
      const r = await readAll(openSource(sid, openonerec));
      assert.equal(r.rows.length, n);
      const byId = new Map(r.rows.map((row) => [row.id, row]));
      assert.equal(byId.size, n);
      const first = byId.get('1000000')!;
      assert.deepEqual(first, { id: '1000000', levels: [0, 0, 7], line: 1, caption: 'caption of 1000000: 一段视频 🎬' });
      assert.equal(byId.get('1000003')?.caption, undefined, 'item without caption kept');
      assert.deepEqual(byId.get('1002999')?.levels, [1499 % 50, 1499, 7]);
      assert.deepEqual(byId.get('1002998')?.levels, byId.get('1002999')?.levels, 'a collision');
      assert.equal(byId.get('1002999')?.line, 3000);
      const codes = new Map<string, number>();
      for (const row of r.rows) codes.set(row.levels.join('.'), (codes.get(row.levels.join('.')) ?? 0) + 1);
      assert.equal(codes.size, n / 2, 'every code names two items');
      assert.equal([...codes.values()].reduce((a, b) => a + b, 0), n);
      // Three captions name pids pid2sid lacks: counted in one problem.
      assert.equal(r.problems.length, 1, r.messages.join('\n'));
      assert.match(r.messages[0], /^3 captions in .*pid2caption.*\.parquet name a pid that .*pid2sid.*\.parquet does not have \(e\.g\. 42, 43, 44\); they are not shown$/);
      // Progress: one batch per row group of each file, done rising to the size.
      assert.ok(r.batches.length >= 5 + 4);
      assert.ok(r.batches.every((b, i) => i === 0 || b.done >= r.batches[i - 1].done));
    });
  }

  it('finds pid2caption beside pid2sid by suffix, by being the only one, or as given; captions: false joins none', async () => {
    const { sid, caption } = writePair('_v2', 50, 'SNAPPY', 20);
    const auto = await readAll(openSource(sid, openonerec));
    assert.ok(auto.rows.some((row) => row.caption));
    const given = await readAll(openSource({ path: sid, captions: caption, domain: 'video' }, openonerec));
    assert.ok(given.rows.every((row) => row.domain === 'video'));
    assert.ok(given.rows.some((row) => row.caption));
    const none = await readAll(openSource({ path: sid, captions: false }, openonerec));
    assert.equal(none.rows.length, 50);
    assert.ok(none.rows.every((row) => row.caption === undefined));
    assert.throws(() => openSource({ path: sid, captions: 'nope.parquet' }, openonerec), (e: SourceError) => /nope\.parquet/.test(e.problem.path) && /reclens\.alignment\.paths/.test(e.problem.message));
  });

  it('emits items as caption row groups arrive, before the caption file ends', async () => {
    const { sid } = writePair('-stream', 5000, 'GZIP', 500);
    const source = openSource(sid, openonerec);
    let firstRows: number | undefined;
    for await (const b of source.batches()) {
      if (b.rows.length > 0) {
        firstRows = b.done;
        break;
      }
    }
    assert.ok(firstRows !== undefined && firstRows < source.size * 0.9, `first rows at ${firstRows} of ${source.size} bytes`);
  });

  it('skips and reports pid2sid rows whose code does not fit the grammar, naming the preset setting', async () => {
    const sid = tmp.file('pid2sid-bad.parquet');
    writeParquet(sid, [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'INT_LIST' }], { pid: int64([1, 2, 3, 4]), sid: [[1, 2, 3], [1, 2, 9000], [1, 2], [4, 5, 6]] }, { rowGroupSize: 2 });
    const r = await readAll(openSource({ path: sid, captions: false }, openonerec));
    assert.deepEqual(r.rows.map((row) => row.id), ['1', '4']);
    assert.equal(r.problems[0].line, 2);
    assert.match(r.messages[0], /^row 2: "sid" level 3 is 9000, out of range: the "openonerec" codebook has 8192 entries .*reclens\.itemicTokens\.preset/);
    assert.match(r.messages[1], /^row 3: "sid" has 2 levels but the itemic-token grammar "openonerec" has 3/);
    assert.equal(r.messages.at(-1), 'skipped 2 of 4 rows; loaded 2 items');
  });

  it('joins through the pid index: several pid2sid rows per pid, a second caption for a pid, string pids', async () => {
    const sid = tmp.file('strs/pid2sid.parquet');
    const caption = tmp.file('strs/pid2caption.parquet');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(tmp.file('strs'));
    writeParquet(sid, [{ name: 'pid', type: 'STRING' }, { name: 'sid', type: 'INT_LIST' }], { pid: ['a', 'b', 'a', 'c'], sid: [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]] });
    writeParquet(caption, [{ name: 'pid', type: 'STRING' }, { name: 'dense_caption', type: 'STRING' }], { pid: ['c', 'a', 'a'], dense_caption: ['C', 'A', 'A again'] });
    const r = await readAll(openSource(sid, openonerec));
    assert.deepEqual(r.rows.map((row) => [row.id, row.levels[0], row.caption]), [['c', 4, 'C'], ['a', 1, 'A'], ['a', 3, 'A'], ['b', 2, undefined]]);
    assert.equal(r.messages.filter((m) => /pid a already has a caption; kept the first/.test(m)).length, 2);
  });
});

describe('single Parquet file with a column mapping', () => {
  it('reads id, per-level code columns, text and popularity named by the mapping', async () => {
    const file = tmp.file('items.parquet');
    writeParquet(
      file,
      [{ name: 'item', type: 'INT64' }, { name: 'l1', type: 'INT32' }, { name: 'l2', type: 'INT32' }, { name: 'l3', type: 'INT32' }, { name: 'name', type: 'STRING' }, { name: 'desc', type: 'STRING' }, { name: 'clicks', type: 'DOUBLE' }],
      { item: int64([10, 11, 12]), l1: Int32Array.from([1, 1, 9]), l2: Int32Array.from([2, 2, 9]), l3: Int32Array.from([3, 3, 9]), name: ['A', 'B', 'C'], desc: ['about A', null, 'about C'], clicks: Float64Array.from([5, 50, 0.5]) },
      { codec: 'GZIP', rowGroupSize: 2 },
    );
    const r = await readAll(openSource({ path: file, columns: { id: 'item', levels: ['l1', 'l2', 'l3'], text: ['name', 'desc'], popularity: 'clicks' } }, openonerec));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.rows, [
      { id: '10', levels: [1, 2, 3], line: 1, title: 'A', caption: 'about A', popularity: 5 },
      { id: '11', levels: [1, 2, 3], line: 2, title: 'B', popularity: 50 },
      { id: '12', levels: [9, 9, 9], line: 3, title: 'C', caption: 'about C', popularity: 0.5 },
    ]);
    assert.equal(r.batches.length, 2);
  });

  it('reads a code column in itemic spelling by default names, and says which mapped column is missing', async () => {
    const file = tmp.file('spelled.parquet');
    writeParquet(file, [{ name: 'id', type: 'STRING' }, { name: 'sid', type: 'STRING' }, { name: 'title', type: 'STRING' }], { id: ['x', 'y'], sid: ['<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>', '4 5 6'], title: ['X', 'Y'] });
    const r = await readAll(openSource(file, openonerec));
    assert.deepEqual(r.rows.map((row) => [row.id, row.levels, row.title]), [['x', [1, 2, 3], 'X'], ['y', [4, 5, 6], 'Y']]);
    const missing = await readAll(openSource({ path: file, columns: { id: 'pid' } }, openonerec));
    assert.equal(missing.rows.length, 0);
    assert.match(missing.messages[0], /column "pid" \(named in reclens\.alignment\.columns\) is not in this file; its columns are "id", "sid", "title"/);
  });
});

describe('hostile Parquet', () => {
  it('a truncated file is a clear problem, not a crash', async () => {
    const { sid } = writePair('-trunc', 500, 'SNAPPY', 100);
    const bytes = readFileSync(sid);
    const cut = tmp.file('cut.parquet');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await readAll(openSource(cut, openonerec));
    assert.equal(r.rows.length, 0);
    assert.match(r.messages[0], /cut\.parquet: not a readable Parquet file .*cut off/);
    writeFileSync(cut, 'PAR1');
    assert.match((await readAll(openSource(cut, openonerec))).messages[0], /too short for a Parquet file/);
  });

  it('a corrupted row group is reported with its rows; the groups before it are kept', async () => {
    const file = tmp.file('corrupt.parquet');
    writeParquet(file, [{ name: 'pid', type: 'INT64' }, { name: 'title', type: 'STRING' }, { name: 'sid', type: 'STRING' }], { pid: int64([1, 2, 3, 4]), title: ['a', 'b', 'c', 'd'], sid: ['1 2 3', '1 2 4', '1 2 5', '1 2 6'] }, { codec: 'GZIP', rowGroupSize: 2 });
    const bytes = readFileSync(file);
    // Overwrite the middle of the file (the second row group's pages) with noise.
    const from = Math.floor(bytes.length * 0.45);
    for (let i = from; i < from + 40; i++) bytes[i] = 0xff;
    writeFileSync(file, bytes);
    const r = await readAll(openSource(file, openonerec));
    assert.ok(r.messages.some((m) => /row group \d of 2 \(rows \d–\d\) cannot be decoded|not a readable Parquet file/.test(m)), r.messages.join('\n'));
  });

  it('wrong column types: a scalar sid, a float code, an id that is a list', async () => {
    const sid = tmp.file('pid2sid-types.parquet');
    writeParquet(sid, [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'DOUBLE' }], { pid: int64([1, 2]), sid: Float64Array.from([1.5, 2]) });
    writeParquet(tmp.file('pid2caption-types.parquet'), [{ name: 'pid', type: 'INT64' }, { name: 'dense_caption', type: 'STRING' }], { pid: int64([1]), dense_caption: ['c'] });
    const r = await readAll(openSource(sid, openonerec));
    assert.match(r.messages[0], /column "sid" is DOUBLE; expected a list of integers \(one per level\) or an itemic string/);
    const other = tmp.file('types.parquet');
    writeParquet(other, [{ name: 'id', type: 'STRING_LIST' }, { name: 'code', type: 'DOUBLE' }], { id: [['a'], ['b']], code: Float64Array.from([1.5, 2]) });
    const r2 = await readAll(openSource(other, openonerec));
    assert.equal(r2.rows.length, 0);
    assert.match(r2.messages[0], /^row 1: no item id/);
    assert.equal(r2.messages.at(-1), 'skipped 2 of 2 rows; loaded 0 items');
  });

  it('a 10 MB caption is clipped with a note; many bad rows list the first ones and count the rest', async () => {
    const file = tmp.file('big.parquet');
    const pids = Array.from({ length: 100 }, (_, i) => i);
    writeParquet(file, [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'STRING' }, { name: 'dense_caption', type: 'STRING' }], { pid: int64(pids), sid: pids.map((i) => (i < 2 ? `${i} 1 1` : 'nope')), dense_caption: pids.map((i) => (i === 0 ? 'x'.repeat(10 * 1024 * 1024) : 'c')) }, { codec: 'SNAPPY', rowGroupSize: 30 });
    const r = await readAll(openSource(file, openonerec));
    assert.equal(r.rows.length, 2);
    assert.equal(r.rows[0].caption?.length, 10_001);
    assert.match(r.messages[0], /^row 1: "dense_caption" is 10,485,760 characters; kept the first 10,000$/);
    assert.equal(r.problems.length, MAX_REPORTED_PROBLEMS + 2);
    assert.equal(r.messages.at(-2), `${99 - MAX_REPORTED_PROBLEMS} more problems not listed`);
    assert.equal(r.messages.at(-1), 'skipped 98 of 100 rows; loaded 2 items');
  });
});
