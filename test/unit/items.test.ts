/** Unit tests of alignment tables, the in-memory item lookup and the item store, on real-format fixtures. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileGrammar, presetSpec, scanCodes } from '../../server/items/grammar';
import { jsonErrorOffset, lineAt, topLevelKeys } from '../../server/items/json-text';
import type { ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup, emptyLookup } from '../../server/items/memory-lookup';
import type { TableSpec } from '../../protocol/items';
import { ItemStore } from '../../server/items/store';
import { loadTable, MAX_REPORTED_PROBLEMS, MAX_TEXT_LENGTH } from '../../server/items/table';

const fixtures = path.join(__dirname, '..', 'fixtures', 'items');
const think = compileGrammar(presetSpec('onerec-think'));
const openonerec = compileGrammar(presetSpec('openonerec'));
const onereason = compileGrammar(presetSpec('onereason'));

const load = (name: string, grammar = openonerec) => {
  const file = path.join(fixtures, name);
  return loadTable(file, readFileSync(file, 'utf8'), grammar);
};
const messages = (r: { problems: { message: string }[] }) => r.problems.map((p) => p.message);

describe('loadTable: OneRec-Think JSON layout', () => {
  const r = load('beauty-onerec-think.json', think);

  it('reads every item keyed by id with code, title and categories', () => {
    assert.deepEqual(r.problems, []);
    assert.equal(r.items.length, 31);
    const first = r.items.find((i) => i.id === 'B000001000');
    assert.deepEqual(first, {
      id: 'B000001000',
      levels: [3, 0, 0, 0],
      title: 'Hydrating Face Cream #0',
      categories: 'Beauty, Skin Care, Face, Moisturizers',
      source: { path: path.join(fixtures, 'beauty-onerec-think.json'), line: 2 },
    });
    assert.equal(r.items.find((i) => i.id === 'B000001037')?.categories, 'Beauty, Hair Care, Shampoos');
  });

  it('gives each item the line of its key', () => {
    const text = readFileSync(path.join(fixtures, 'beauty-onerec-think.json'), 'utf8').split('\n');
    for (const item of r.items) assert.ok(text[(item.source.line ?? 0) - 1].includes(`"${item.id}"`), item.id);
  });

  it('joins category paths (a list of lists) path by path', () => {
    assert.equal(r.items.find((i) => i.id === 'B00COLLIDE')?.categories, 'Beauty > Makeup > Lips');
  });

  it('does not fit a 3-level preset, and says which setting to change', () => {
    const wrong = load('beauty-onerec-think.json', openonerec);
    assert.equal(wrong.items.length, 0);
    assert.match(messages(wrong)[0], /^item "B000001000": "sid" .*"<s_d_0>" is not part of a code in the itemic-token grammar "openonerec".*reclens\.itemicTokens\.preset/);
    assert.equal(wrong.problems[0].line, 2);
    assert.equal(wrong.problems.length, MAX_REPORTED_PROBLEMS + 2);
    assert.equal(messages(wrong).at(-2), `${31 - MAX_REPORTED_PROBLEMS} more problems not listed`);
    assert.equal(messages(wrong).at(-1), 'skipped 31 of 31 rows; loaded 0 items');
  });
});

describe('loadTable: JSONL layout', () => {
  const r = load('videos-openonerec.jsonl');

  it('reads pid/item_id/id, array, string and per-level codes, text fields and popularity', () => {
    assert.deepEqual(r.problems, []);
    assert.equal(r.items.length, 15);
    const byId = new Map(r.items.map((i) => [i.id, i]));
    assert.deepEqual(byId.get('7000'), { id: '7000', levels: [0, 0, 0], domain: 'video', caption: 'A short video about cooking noodles, clip 0.', popularity: 100, source: { path: path.join(fixtures, 'videos-openonerec.jsonl'), line: 1 } });
    assert.deepEqual(byId.get('p-42')?.levels, [1, 2, 3]);
    assert.equal(byId.get('p-42')?.caption, '长城 风景 视频 😀');
    assert.deepEqual(byId.get('s-1')?.levels, [11, 22, 33]);
    assert.equal(byId.get('s-1')?.categories, 'Travel, Vlog');
  });

  it('numbers rows by object and keeps file lines (a blank line is not a row)', () => {
    assert.equal(r.items.find((i) => i.id === '7007')?.source.line, 9);
  });

  it('reads the domain from a domain begin token', () => {
    const t = loadTable('d.jsonl', '{"id": "v1", "sid": "<|video_begin|><s_a_1><s_b_2><s_c_3><|video_end|>"}\n', onereason);
    assert.equal(t.items[0].domain, 'video');
  });

  it('also reads JSONL from a .json file and a JSON list of rows', () => {
    const jsonl = loadTable('rows.json', '{"id": "a", "sid": [1, 2, 3]}\n{"id": "b", "sid": [4, 5, 6]}\n', openonerec);
    assert.deepEqual(jsonl.items.map((i) => i.id), ['a', 'b']);
    const list = loadTable('rows.json', '[{"id": "a", "sid": [1, 2, 3]}, {"id": 7, "sid": [4, 5, 6]}]', openonerec);
    assert.deepEqual(list.items.map((i) => i.id), ['a', '7']);
  });

  it('reads a BOM-prefixed file and CRLF line ends', () => {
    const t = loadTable('crlf.jsonl', '\uFEFF{"id": "a", "sid": [1, 2, 3]}\r\n{"id": "b", "sid": [4, 5, 6]}\r\n', openonerec);
    assert.deepEqual(t.problems, []);
    assert.equal(t.items.length, 2);
  });
});

describe('loadTable: malformed tables', () => {
  it('reports truncated JSON with the line where it breaks', () => {
    const r = load('truncated.json', think);
    assert.equal(r.items.length, 0);
    assert.equal(r.problems.length, 1);
    const text = readFileSync(path.join(fixtures, 'truncated.json'), 'utf8');
    assert.equal(r.problems[0].line, text.split('\n').length);
    assert.match(r.problems[0].message, /^file is not valid JSON: Unterminated string at line \d+; a table is one JSON object keyed by item id, or JSONL/);
  });

  it('finds the line of a JSON error that V8 reports without a position', () => {
    const text = '{\n  "a": {"sid": "<s_a_1><s_b_1><s_c_1>"},\n  "b": tru\n}\n';
    const r = loadTable('t.json', text, openonerec);
    assert.equal(r.problems[0].line, 3);
    assert.match(r.problems[0].message, /^file is not valid JSON: .* at line 3;/);
    assert.doesNotMatch(r.problems[0].message, /"sid"/, 'V8 echo of the input is cut');
  });

  it('skips and counts rows without a code or id, invalid JSON lines and non-objects', () => {
    const r = load('rows-without-code.jsonl');
    assert.deepEqual(r.items.map((i) => i.id), ['ok-1', 'ok-2']);
    assert.equal(r.items[1].popularity, 12);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.message.replace(/:.*/, '')]),
      [
        [2, 'row 2'],
        [3, 'row 3'],
        [4, 'row 4'],
        [5, 'row 5'],
        [6, 'row 6'],
        [7, 'row 7'],
        [undefined, 'skipped 6 of 8 rows; loaded 2 items'],
      ],
    );
    const m = messages(r);
    assert.match(m[0], /no code: expected "sid" \(an itemic string like <\|sid_begin\|><s_a_1><s_b_2><s_c_3><\|sid_end\|>, or a list of 3 integers\)/);
    assert.match(m[1], /no item id: expected one of the fields "id", "item_id", "pid"/);
    assert.match(m[2], /not valid JSON \(Expected ',' or '}' after property value\); row skipped/);
    assert.match(m[3], /expected an object .* not a list of 3/);
    assert.match(m[5], /"sid" must be an itemic string or a list of 3 integers, not an object/);
  });

  it('rejects codes that do not fit the grammar and names the preset setting', () => {
    const r = load('codes-out-of-range.jsonl');
    assert.deepEqual(r.items.map((i) => [i.id, i.levels]), [['r9', [340, 6566, 5603]]]);
    const m = messages(r);
    assert.equal(m.length, 10);
    for (const i of [0, 1, 2, 3, 5]) assert.match(m[i], /reclens\.itemicTokens\.preset/, m[i]);
    assert.match(m[0], /^row 1: "sid" level 1 is 9000, out of range: the "openonerec" codebook has 8192 entries \(0–8191\)/);
    assert.match(m[1], /^row 2: .*8192 is out of range for level <s_b_N>/);
    assert.match(m[2], /^row 3: .*"<s_d_4>" is not part of a code/);
    assert.match(m[3], /^row 4: "sid" has 2 levels but the itemic-token grammar "openonerec" has 3/);
    assert.match(m[4], /^row 5: .*is a bare number/);
    assert.match(m[5], /^row 6: .*is not a code in the itemic-token grammar "openonerec"/);
    assert.match(m[6], /^row 7: "sid" must hold non-negative integers; entry 2 is number -2/);
    assert.match(m[7], /^row 8: .*entry 2 is number 2\.5/);
    assert.match(m[8], /^row 10: .*holds 2 codes/);
    assert.equal(m[9], 'skipped 9 of 10 rows; loaded 1 items');
  });

  it('keeps the first of two rows with the same id', () => {
    const r = load('duplicate-id.jsonl');
    assert.deepEqual(r.items.map((i) => [i.id, i.title]), [['dup', 'first'], ['other', undefined]]);
    assert.deepEqual(r.problems[0], { path: path.join(fixtures, 'duplicate-id.jsonl'), line: 3, message: 'row 3: item id "dup" already used by line 1; row skipped (ids must be unique)' });
  });

  it('reports a key written twice in the JSON layout (JSON.parse keeps the last)', () => {
    const r = load('duplicate-key.json');
    assert.deepEqual(r.items.map((i) => [i.id, i.title]), [['A1', 'second'], ['A2', undefined]]);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].line, 4);
    assert.match(r.problems[0].message, /item id "A1" appears again \(first at line 2\)/);
  });

  it('reports an empty file and a top-level value that is not a table', () => {
    assert.match(messages(loadTable('e.json', ' \n', openonerec))[0], /^file is empty/);
    assert.match(messages(loadTable('n.json', '42', openonerec))[0], /^expected a JSON object keyed by item id .* not number 42/);
  });

  it('reports wrongly typed text fields but keeps the item', () => {
    const r = loadTable('t.jsonl', '{"id": "a", "sid": [1, 2, 3], "title": ["x"], "popularity": "many", "categories": {"a": 1}}\n', openonerec);
    assert.equal(r.items.length, 1);
    assert.equal(r.items[0].title, undefined);
    assert.deepEqual(messages(r), [
      'row 1: "title" should be text, not a list of 1; ignored',
      'row 1: "categories" should be text, a list of text or a list of category paths, not an object; ignored',
      'row 1: "popularity" should be a number, not the text "many"; ignored',
    ]);
  });

  it('lists the first problems and counts the rest', () => {
    const text = Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: `x${i}`, title: 'no code' })).join('\n');
    const r = loadTable('many.jsonl', text, openonerec);
    assert.equal(r.problems.length, MAX_REPORTED_PROBLEMS + 2);
    assert.equal(messages(r).at(-2), `${500 - MAX_REPORTED_PROBLEMS} more problems not listed`);
    assert.equal(messages(r).at(-1), 'skipped 500 of 500 rows; loaded 0 items');
  });
});

describe('loadTable: hostile tables', () => {
  it('survives deeply nested values', () => {
    const r = load('deeply-nested.json');
    assert.deepEqual(r.items.map((i) => i.id), ['deep', 'ok']);
    assert.equal(r.items[0].title, undefined);
    assert.equal(r.items[1].title, 'after the deep one');
    assert.match(messages(r)[0], /"title" should be text, not an object/);
  });

  it('reads a 5 MB caption, keeps a clipped copy and says so', () => {
    const caption = '好'.repeat(5 * 1024 * 1024);
    const text = `${JSON.stringify({ id: 'big', sid: [1, 2, 3], caption })}\n${JSON.stringify({ id: 'next', sid: [4, 5, 6] })}\n`;
    const t0 = performance.now();
    const r = loadTable('big.jsonl', text, openonerec);
    assert.ok(performance.now() - t0 < 3000);
    assert.equal(r.items.length, 2);
    assert.equal(r.items[0].caption?.length, MAX_TEXT_LENGTH + 1);
    assert.match(messages(r)[0], /^row 1: "caption" is 5,242,880 characters; kept the first 10,000$/);
  });

  it('ignores prototype-looking keys as plain ids', () => {
    const r = loadTable('p.json', '{"__proto__": {"sid": "<s_a_1><s_b_2><s_c_3>"}, "constructor": {"sid": [4, 5, 6]}}', openonerec);
    assert.deepEqual(r.items.map((i) => i.id).sort(), ['__proto__', 'constructor']);
    assert.equal(createMemoryLookup(r.items, []).byId('toString'), undefined);
  });
});

describe('json-text helpers', () => {
  it('lineAt counts lines', () => {
    assert.equal(lineAt('a\nb\nc', 0), 1);
    assert.equal(lineAt('a\nb\nc', 2), 2);
    assert.equal(lineAt('a\nb\nc', 5), 3);
  });

  it('jsonErrorOffset bisects when V8 gives no position', () => {
    const text = '{"a": [1, 2, x]}';
    let message = '';
    try {
      JSON.parse(text);
    } catch (e) {
      message = (e as Error).message;
    }
    assert.equal(jsonErrorOffset(text, message.replace(/at position \d+/, '')), text.indexOf('x'));
  });

  it('topLevelKeys skips nested keys and strings with escapes', () => {
    const text = '{"a": {"b": 1, "c": "x\\"y,\\"d\\":"},\n "e\\u0041": [ {"f": 2} ], "g": "}"}';
    assert.deepEqual(topLevelKeys(text), [
      { key: 'a', line: 1 },
      { key: 'eA', line: 2 },
      { key: 'g', line: 2 },
    ]);
  });
});

describe('memory lookup', () => {
  const src = { path: 't.jsonl' };
  const item = (id: string, levels: number[], extra: Partial<ItemRecord> = {}): ItemRecord => ({ id, levels, source: src, ...extra });
  const items = [
    item('a', [1, 2, 3], { title: 'Noodle cooking', popularity: 5 }),
    item('b', [1, 2, 3], { title: 'Cooking noodles fast', popularity: 50 }),
    item('c', [1, 2, 4], { title: 'Street dance', caption: 'hip hop in the rain', categories: 'Dance' }),
    item('d', [1, 7, 0], { title: 'Cats', popularity: 1 }),
    item('e', [2, 0, 0], { title: 'Overcooked pasta', popularity: 99 }),
    item('v', [3, 3, 3], { title: 'Video of a lamp', domain: 'video' }),
    item('p', [3, 3, 3], { title: 'A lamp to buy', domain: 'prod', popularity: 1000 }),
    item('n', [3, 3, 3], { title: 'Lamp without domain' }),
  ];
  const lookup = createMemoryLookup(items, ['t.jsonl']);

  it('knows its size and sources', () => {
    assert.equal(lookup.size, 8);
    assert.deepEqual(lookup.sources, ['t.jsonl']);
  });

  it('exact: collisions most popular first; a prefix is not an exact match', () => {
    assert.deepEqual(lookup.exact([1, 2, 3]).map((i) => i.id), ['b', 'a']);
    assert.deepEqual(lookup.exact([1, 2]), []);
    assert.deepEqual(lookup.exact([]), []);
    assert.deepEqual(lookup.exact([9, 9, 9]), []);
    assert.equal(lookup.has([1, 2, 4]), true);
    assert.equal(lookup.has([1, 2]), false);
  });

  it('exact with a domain: that domain first, else domain-less items, never another domain', () => {
    assert.deepEqual(lookup.exact([3, 3, 3]).map((i) => i.id), ['p', 'n', 'v']);
    assert.deepEqual(lookup.exact([3, 3, 3], 'video').map((i) => i.id), ['v']);
    assert.deepEqual(lookup.exact([3, 3, 3], 'ad').map((i) => i.id), ['n']);
    assert.deepEqual(lookup.exact([1, 2, 3], 'video').map((i) => i.id), ['b', 'a']);
  });

  it('prefix: count and most popular examples, limit respected', () => {
    assert.deepEqual(lookup.prefix([1]), { count: 4, examples: [items[1], items[0], items[3], items[2]] });
    assert.deepEqual(lookup.prefix([1], undefined, 1).examples.map((i) => i.id), ['b']);
    assert.equal(lookup.prefix([1], undefined, 0).count, 4);
    assert.deepEqual(lookup.prefix([1], undefined, 0).examples, []);
    assert.equal(lookup.prefix([]).count, 8);
    assert.equal(lookup.prefix([4]).count, 0);
    assert.equal(lookup.prefix([3], 'prod').count, 1);
  });

  it('children: next-level values with counts and the most popular example', () => {
    assert.deepEqual(lookup.children([1]).map((c) => [c.value, c.count, c.example?.id]), [[2, 3, 'b'], [7, 1, 'd']]);
    assert.deepEqual(lookup.children([1, 2]).map((c) => [c.value, c.count]), [[3, 2], [4, 1]]);
    assert.deepEqual(lookup.children([]).map((c) => c.value), [1, 3, 2]);
    assert.deepEqual(lookup.children([1], undefined, 1).map((c) => c.value), [2]);
    assert.deepEqual(lookup.children([1, 2, 3]), []);
  });

  it('byId', () => {
    assert.equal(lookup.byId('c')?.title, 'Street dance');
    assert.equal(lookup.byId('zz'), undefined);
  });

  it('search: case-insensitive over title/caption/categories/id, prefix and word matches first, then popularity', () => {
    assert.deepEqual(lookup.search('cook', 10).map((i) => i.id), ['b', 'a', 'e']);
    assert.deepEqual(lookup.search('NOODLE', 10).map((i) => i.id), ['a', 'b']);
    assert.deepEqual(lookup.search('hip hop', 10).map((i) => i.id), ['c']);
    assert.deepEqual(lookup.search('dance', 10).map((i) => i.id), ['c']);
    assert.deepEqual(lookup.search('lamp', 2).map((i) => i.id), ['n', 'p']);
    assert.deepEqual(lookup.search('e', 1).map((i) => i.id), ['e']);
    assert.deepEqual(lookup.search('', 10), []);
    assert.deepEqual(lookup.search('zzz', 10), []);
    assert.deepEqual(lookup.search('cook', 0), []);
  });

  it('an empty lookup answers everything with nothing', () => {
    const empty = createMemoryLookup([], []);
    assert.equal(empty.size, 0);
    assert.deepEqual(empty.exact([1, 2, 3]), []);
    assert.deepEqual(empty.prefix([1]), { count: 0, examples: [] });
    assert.deepEqual(empty.children([]), []);
    assert.deepEqual(empty.search('x', 5), []);
  });

  it('resolves every code the scanner finds in a fixture table', () => {
    const r = load('beauty-onerec-think.json', think);
    const l = createMemoryLookup(r.items, ['beauty']);
    const text = readFileSync(path.join(fixtures, 'beauty-onerec-think.json'), 'utf8');
    const codes = scanCodes(text, think);
    assert.equal(codes.length, 31);
    for (const c of codes) assert.ok(l.has(c.levels), c.levels.join('.'));
    // The collision: two items share item 4's code.
    assert.deepEqual(l.exact([163, 12, 52, 116]).map((i) => i.id), ['B000001148', 'B00COLLIDE']);
  });
});

describe('item store', () => {
  let dir = '';
  let cache = '';
  const specs = (...paths: string[]): TableSpec[] => paths.map((p) => ({ path: p }));
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'reclens-items-'));
    cache = path.join(dir, 'cache');
    mkdirSync(path.join(dir, 'tables'));
    writeFileSync(path.join(dir, 'tables', 'a.jsonl'), '{"id": "x", "sid": [1, 2, 3], "title": "X"}\n{"id": "y", "sid": [1, 2, 4]}\n');
    writeFileSync(path.join(dir, 'tables', 'b.json'), '{"y": {"sid": "<s_a_9><s_b_9><s_c_9>"}, "z": {"sid": "<s_a_5><s_b_5><s_c_5>"}}');
    writeFileSync(path.join(dir, 'tables', 'notes.txt'), 'not a table');
    writeFileSync(path.join(dir, 'pool.parquet'), 'PAR1');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts empty and loads nothing without tables', async () => {
    const store = new ItemStore(cache);
    assert.equal(store.lookup, emptyLookup);
    const r = await store.load([], openonerec);
    assert.equal(r.lookup.size, 0);
    assert.deepEqual(r.problems, []);
  });

  it('indexes a folder of tables into one pool; the first table answers an id both have', async () => {
    const store = new ItemStore(cache);
    const r = await store.load(specs(path.join(dir, 'tables')), openonerec);
    assert.equal(r.lookup.size, 4);
    assert.deepEqual(r.lookup.sources, [path.join(dir, 'tables', 'a.jsonl'), path.join(dir, 'tables', 'b.json')]);
    assert.deepEqual(r.lookup.byId('y')?.levels, [1, 2, 4]);
    // Nothing is dropped: the other table's "y" is still found by its code.
    assert.deepEqual(r.lookup.exact([9, 9, 9]).map((i) => i.id), ['y']);
    assert.deepEqual(r.built.sort(), [path.join(dir, 'tables', 'a.jsonl'), path.join(dir, 'tables', 'b.json')]);
    store.dispose();
    const again = await new ItemStore(cache).load(specs(path.join(dir, 'tables')), openonerec);
    assert.deepEqual(again.built, [], 'the second load opens the cached indexes');
    assert.equal(again.lookup.size, 4);
  });

  it('reports missing files, unreadable tables and table problems, and loads the rest', async () => {
    const store = new ItemStore(cache);
    const r = await store.load(specs(path.join(dir, 'missing.json'), path.join(dir, 'pool.parquet'), path.join(fixtures, 'duplicate-id.jsonl')), openonerec);
    store.dispose();
    assert.equal(r.lookup.size, 2);
    assert.match(r.problems[0], /missing\.json: cannot read alignment table \(ENOENT\); check reclens\.alignment\.paths$/);
    assert.ok(r.problems.some((p) => p.startsWith(path.join(dir, 'pool.parquet')) && /parquet/i.test(p)), r.problems.join('\n'));
    assert.ok(r.problems.some((p) => /item id "dup"/.test(p)), r.problems.join('\n'));
  });

  it('a new grammar means a new index', async () => {
    const store = new ItemStore(cache);
    await store.load(specs(path.join(fixtures, 'beauty-onerec-think.json')), think);
    assert.equal(store.lookup.size, 31);
    const r = await store.load(specs(path.join(dir, 'tables', 'a.jsonl')), openonerec);
    assert.equal(r.lookup.size, 2);
    store.dispose();
  });

  it('calls onChange when a table changes on disk, and the reload indexes the new content', async () => {
    const file = path.join(dir, 'watched.jsonl');
    writeFileSync(file, '{"id": "w", "sid": [1, 2, 3]}\n');
    const store = new ItemStore(cache);
    let changed!: () => void;
    const change = new Promise<void>((resolve) => (changed = resolve));
    const r = await store.load(specs(file), openonerec, { onChange: () => changed() });
    assert.equal(r.lookup.size, 1);
    writeFileSync(file, '{"id": "w", "sid": [1, 2, 3]}\n{"id": "w2", "sid": [1, 2, 4]}\n');
    // The watcher does not keep the process alive (persistent: false); this timer does, while we wait.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), 5000)));
    const outcome = await Promise.race([change, timeout]);
    clearTimeout(timer);
    assert.notEqual(outcome, 'timeout');
    const reloaded = await store.load(specs(file), openonerec);
    assert.equal(reloaded.lookup.size, 2);
    assert.deepEqual(reloaded.built, [file], 'the changed table was indexed again');
    store.dispose();
  });

  it('reports build progress through the hook, and a cancelled build as a problem', async () => {
    const store = new ItemStore(path.join(dir, 'cache-progress'));
    const seen: string[] = [];
    const controller = new AbortController();
    const r = await store.load(specs(path.join(fixtures, 'beauty-onerec-think.json')), think, {
      progress: (title) => ({
        signal: controller.signal,
        report: (fraction) => {
          seen.push(`${title} ${fraction.toFixed(2)}`);
          controller.abort();
        },
        done: (message) => seen.push(`done ${message}`),
      }),
    });
    store.dispose();
    assert.match(seen[0], /^Indexing beauty-onerec-think\.json /);
    assert.equal(seen[seen.length - 1], 'done failed');
    assert.equal(r.lookup.size, 0);
    assert.match(r.problems.join('\n'), /indexing was cancelled/);
  });

  it('joins identical loads sent at once (a client sending its settings several times) into one build', async () => {
    const store = new ItemStore(path.join(dir, 'cache-join'));
    const t = specs(path.join(fixtures, 'beauty-onerec-think.json'));
    const results = await Promise.all([store.load(t, think), store.load(t, think), store.load(specs(t[0].path), think)]);
    assert.deepEqual(results.map((r) => [r.lookup.size, r.problems.length, r.built.length]), [[31, 0, 1], [31, 0, 1], [31, 0, 1]]);
    assert.equal(store.lookup.size, 31);
    store.dispose();
  });

  it('keeps the newest of overlapping loads', async () => {
    const store = new ItemStore(cache);
    const first = store.load(specs(path.join(fixtures, 'videos-openonerec.jsonl')), openonerec);
    const second = store.load(specs(path.join(dir, 'tables', 'a.jsonl')), openonerec);
    await Promise.all([first, second]);
    assert.equal(store.lookup.size, 2);
    store.dispose();
  });
});
