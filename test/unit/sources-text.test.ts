/** Text row sources (CSV/TSV, JSONL, OneRec-Think JSON) and openSource, on files the tests write. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { DelimitedSplitter } from '../../server/items/sources/delimited';
import { JsonTableSplitter } from '../../server/items/sources/onerec-think';
import { openSource, SourceError } from '../../server/items/sources/open';
import { ProblemLog } from '../../server/items/sources/problems';
import { readAll, tempDir } from '../support/sources';

const openonerec = compileGrammar(presetSpec('openonerec'));
const think = compileGrammar(presetSpec('onerec-think'));
const tmp = tempDir('reclens-text-');
after(tmp.cleanup);
const write = (name: string, text: string): string => {
  writeFileSync(tmp.file(name), text);
  return tmp.file(name);
};

describe('CSV and TSV', () => {
  it('reads quoted fields with delimiters, quotes and line breaks, a BOM and CRLF line ends', async () => {
    const file = write('items.csv', '\uFEFFid,sid,title\r\n1,"<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>","Hello, ""world"""\r\n2,"4 5 6","two\r\nlines"\r\n\r\n3,"[7, 8, 9]",plain\r\n');
    const r = await readAll(openSource(file, openonerec));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.rows, [
      { id: '1', levels: [1, 2, 3], line: 2, title: 'Hello, "world"' },
      { id: '2', levels: [4, 5, 6], line: 3, title: 'two\r\nlines' },
      { id: '3', levels: [7, 8, 9], line: 6, title: 'plain' },
    ]);
  });

  it('reads a TSV with one column per level and a mapping', async () => {
    const file = write('items.tsv', 'item\tA\tB\tC\tname\tclicks\nx\t1\t2\t3\tX\t10\ny\t1\t2\t3\t"tab\there"\t\n');
    const r = await readAll(openSource({ path: file, columns: { id: 'item', levels: ['A', 'B', 'C'], text: ['name'], popularity: 'clicks' } }, openonerec));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.rows, [
      { id: 'x', levels: [1, 2, 3], line: 2, title: 'X', popularity: 10 },
      { id: 'y', levels: [1, 2, 3], line: 3, title: 'tab\there' },
    ]);
  });

  it('skips malformed records with their line: wrong field count, text after a closing quote, an unclosed quote', async () => {
    const file = write('bad.csv', 'id,sid\na,1 2 3\nb,1 2 3,extra\nc,"1 2 3"x\nd,"1 2\n3\ne,4 5 6\n');
    const r = await readAll(openSource(file, openonerec));
    assert.deepEqual(r.rows.map((row) => row.id), ['a']);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.message]),
      [
        [3, 'row 2: has 3 fields but the header has 2 (is a field with the delimiter or a line break missing its quotes?); row skipped'],
        [4, 'row 3: text after the closing quote of field 2 (a quote inside a quoted field is written ""); row skipped'],
        [5, 'row 4: the quoted field opened at line 5 is not closed by the end of the file; row skipped'],
        [undefined, 'skipped 3 of 4 rows; loaded 1 items'],
      ],
    );
  });

  it('splits the same whatever the chunk boundaries', () => {
    const text = 'id,sid,title\n1,1 2 3,"a ""q"" b"\r\n2,4 5 6,"x,\ny"\r\n';
    const whole = new DelimitedSplitter(new ProblemLog('t'), ',');
    const expected = [...whole.push(text), ...whole.end()];
    const bytewise = new DelimitedSplitter(new ProblemLog('t'), ',');
    const got = [...[...text].flatMap((c) => bytewise.push(c)), ...bytewise.end()];
    assert.deepEqual(got, expected);
    assert.equal(expected.length, 2);
  });
});

describe('JSONL', () => {
  it('reads rows through a column mapping and keeps collisions', async () => {
    const file = write('m.jsonl', '{"vid": 1, "code": "1,2,3", "name": "A", "cap": "about A"}\n{"vid": 2, "code": [1, 2, 3], "name": "B"}\n');
    const r = await readAll(openSource({ path: file, columns: { id: 'vid', code: 'code', text: ['name', 'cap'] }, domain: 'video' }, openonerec));
    assert.deepEqual(r.rows, [
      { id: '1', levels: [1, 2, 3], line: 1, domain: 'video', title: 'A', caption: 'about A' },
      { id: '2', levels: [1, 2, 3], line: 2, domain: 'video', title: 'B' },
    ]);
  });

  it('reports malformed lines by line number and keeps reading', async () => {
    const file = write('bad.jsonl', '{"id": "a", "sid": [1, 2, 3]}\n{"id": "b", "sid": [1, 2\n\n{"id": "c", "sid": "<s_a_1><s_b_2><s_c_3><s_d_4>"}\n{"id": "d", "sid": [4, 5, 6]}');
    const r = await readAll(openSource(file, openonerec));
    assert.deepEqual(r.rows.map((row) => [row.id, row.line]), [['a', 1], ['d', 5]]);
    assert.equal(r.problems[0].line, 2);
    assert.match(r.messages[0], /^row 2: not valid JSON/);
    assert.equal(r.problems[1].line, 4);
    assert.match(r.messages[1], /^row 3: .*"<s_d_4>" is not part of a code .*reclens\.itemicTokens\.preset/);
    assert.equal(r.messages.at(-1), 'skipped 2 of 4 rows; loaded 2 items');
  });

  it('a .json file holding JSONL is read as JSONL', async () => {
    const file = write('rows.json', '{"id": "a", "sid": [1, 2, 3]}\n{"id": "b", "sid": [4, 5, 6]}\n');
    assert.deepEqual((await readAll(openSource(file, openonerec))).rows.map((row) => row.id), ['a', 'b']);
  });
});

describe('OneRec-Think JSON', () => {
  const table = {
    B01: { sid: '<|sid_begin|><s_a_3><s_b_0><s_c_0><s_d_0><|sid_end|>', title: 'Cream "A"', categories: ['Beauty', 'Skin'] },
    B02: { sid: '<|sid_begin|><s_a_3><s_b_0><s_c_0><s_d_0><|sid_end|>', title: 'Collides with B01', categories: [['Beauty', 'Lips']] },
    'B\\03': { sid: '<|sid_begin|><s_a_1><s_b_2><s_c_3><s_d_4><|sid_end|>', title: '{not [a bracket' },
  };

  it('reads entries keyed by id with the line of each key, collisions kept', async () => {
    const file = write('think.json', JSON.stringify(table, null, 2));
    const r = await readAll(openSource(file, think));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.rows, [
      { id: 'B01', levels: [3, 0, 0, 0], line: 2, title: 'Cream "A"', categories: 'Beauty, Skin' },
      { id: 'B02', levels: [3, 0, 0, 0], line: 10, title: 'Collides with B01', categories: 'Beauty > Lips' },
      { id: 'B\\03', levels: [1, 2, 3, 4], line: 20, title: '{not [a bracket' },
    ]);
  });

  it('splits the same whatever the chunk boundaries', () => {
    const text = JSON.stringify(table, null, 1);
    const whole = new JsonTableSplitter(new ProblemLog('t'));
    const expected = [...whole.push(text), ...whole.end()];
    const bytewise = new JsonTableSplitter(new ProblemLog('t'));
    assert.deepEqual([...[...text].flatMap((c) => bytewise.push(c)), ...bytewise.end()], expected);
    assert.equal(expected.length, 3);
  });

  it('a file cut off keeps the entries before the cut and says where it breaks', async () => {
    const text = JSON.stringify(table, null, 2);
    const file = write('cut.json', text.slice(0, text.indexOf('Collides')));
    const r = await readAll(openSource(file, think));
    assert.deepEqual(r.rows.map((row) => row.id), ['B01']);
    assert.match(r.messages[0], /^file is not valid JSON: Unterminated string at line 12; a table is one JSON object keyed by item id/);
    assert.equal(r.messages[1], 'loaded the 1 items before the error');
  });
});

describe('openSource', () => {
  it('names the setting and the path for a missing file, a folder and an unknown format', () => {
    const expectError = (entry: string, pattern: RegExp): void =>
      assert.throws(
        () => openSource(entry, openonerec),
        (e: unknown) => e instanceof SourceError && e.problem.path === entry && pattern.test(e.problem.message),
      );
    expectError(tmp.file('nope.jsonl'), /^cannot read alignment table: no such file; check reclens\.alignment\.paths$/);
    mkdirSync(tmp.file('folder'));
    expectError(tmp.file('folder'), /^is a folder; reclens\.alignment\.paths names table files/);
    expectError(write('notes.txt', 'just some words\n'), /cannot tell what kind of table this is; name it \.parquet, \.jsonl, \.json, \.csv or \.tsv, or give its "format" in reclens\.alignment\.paths/);
  });

  it('sniffs a table without a known extension, and honours "format"', async () => {
    const csv = write('table.txt', 'id,sid\na,1 2 3\n');
    assert.deepEqual((await readAll(openSource(csv, openonerec))).rows.map((r) => r.id), ['a']);
    const tsv = write('table.dat', 'id;sid\n');
    assert.throws(() => openSource(tsv, openonerec), SourceError);
    const forced = write('table2.dat', 'id\tsid\nb\t4 5 6\n');
    assert.deepEqual((await readAll(openSource({ path: forced, format: 'tsv' }, openonerec))).rows.map((r) => r.id), ['b']);
  });

  it('an empty file is one problem', async () => {
    for (const name of ['e.jsonl', 'e.json', 'e.csv']) {
      const r = await readAll(openSource(write(name, ''), openonerec));
      assert.equal(r.rows.length, 0);
      assert.match(r.messages[0], /^file is empty/, name);
    }
  });
});

describe('streaming', () => {
  // ~6 MB each: several 1 MB chunks, so rows must arrive before the end.
  const n = 40_000;
  const caption = 'a caption of some sixty to a hundred and twenty characters, like the real ones';
  const cases: [string, string][] = [
    ['big.jsonl', Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, sid: [i % 8192, 1, 2], caption })).join('\n')],
    ['big.csv', `id,sid,caption\n${Array.from({ length: n }, (_, i) => `${i},"${i % 8192} 1 2","${caption}"`).join('\n')}`],
    ['big.json', `{${Array.from({ length: n }, (_, i) => `"${i}": {"sid": "<s_a_${i % 8192}><s_b_1><s_c_2>", "title": "${caption}"}`).join(',\n')}}`],
  ];
  for (const [name, text] of cases) {
    it(`${name}: batches arrive before the end of the file, done rising to its size`, async () => {
      const source = openSource(write(name, text), openonerec);
      let rows = 0;
      let firstDone: number | undefined;
      let last = 0;
      for await (const b of source.batches()) {
        if (b.rows.length > 0 && firstDone === undefined) firstDone = b.done;
        rows += b.rows.length;
        assert.ok(b.done >= last);
        last = b.done;
      }
      assert.equal(rows, n);
      assert.ok(firstDone !== undefined && firstDone < source.size / 2, `first rows at ${firstDone} of ${source.size}`);
      assert.equal(last, source.size);
      assert.deepEqual(source.problems(), []);
    });
  }

  it('a 10 MB field in JSONL and CSV is read, clipped and noted', async () => {
    const big = 'y'.repeat(10 * 1024 * 1024);
    for (const [name, text] of [
      ['huge.jsonl', `${JSON.stringify({ id: 'h', sid: [1, 2, 3], caption: big })}\n{"id": "n", "sid": [1, 2, 4]}\n`],
      ['huge.csv', `id,sid,caption\nh,1 2 3,"${big}"\nn,1 2 4,\n`],
    ]) {
      const r = await readAll(openSource(write(name, text), openonerec));
      assert.deepEqual(r.rows.map((row) => row.id), ['h', 'n'], name);
      assert.equal(r.rows[0].caption?.length, 10_001);
      assert.match(r.messages[0], /^row 1: "caption" is 10,485,760 characters; kept the first 10,000$/);
    }
  });
});

