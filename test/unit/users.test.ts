/** Users files for inference: the demo world's JSONL and Parquet users, and malformed and hostile files the tests write. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { compileGrammar, presetSpec, scanCodes } from '../../server/items/grammar';
import type { ItemLookup, ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup, emptyLookup } from '../../server/items/memory-lookup';
import { openSource, SourceError } from '../../server/items/sources/open';
import { MAX_REPORTED_PROBLEMS } from '../../server/items/sources/problems';
import { loadTable } from '../../server/items/table';
import { MAX_LINE_CHARS } from '../../server/users/jsonl';
import { loadUsers } from '../../server/users/load';
import type { UserRecord, UserSet } from '../../server/users/types';
import { writeParquet } from '../support/parquet';
import { tempDir } from '../support/sources';

const openonerec = compileGrammar(presetSpec('openonerec'));
const onereason = compileGrammar(presetSpec('onereason'));
const world = path.join(__dirname, '..', '..', 'demo', 'world');
const usersJsonl = path.join(world, 'users.jsonl');
const usersParquet = path.join(world, 'users.parquet');
const tmp = tempDir('reclens-users-');
after(tmp.cleanup);

const write = (name: string, text: string): string => {
  writeFileSync(tmp.file(name), text);
  return tmp.file(name);
};
const lines = (...rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const messages = (set: UserSet): string[] => set.problems.map((p) => p.message);
/** The problems of one line, as `message` strings. */
const at = (set: UserSet, line: number, file?: string): string[] => set.problems.filter((p) => p.line === line && (file === undefined || p.path === file)).map((p) => p.message);
/** A user without where it was read from. */
const body = (u: UserRecord | undefined): Omit<UserRecord, 'source'> | undefined => {
  if (!u) return undefined;
  const { source: _source, ...rest } = u;
  return rest;
};

/** The demo items, from the OneRec-Think JSON layout. */
function itemsJsonLookup(): ItemLookup {
  const file = path.join(world, 'items.json');
  const table = loadTable(file, readFileSync(file, 'utf8'), openonerec);
  assert.deepEqual(table.problems, []);
  return createMemoryLookup(table.items, [file]);
}

/** The demo items, from the OpenOneRec pid2sid Parquet (joined with its captions). */
async function pid2sidLookup(): Promise<ItemLookup> {
  const source = openSource(path.join(world, 'pid2sid.parquet'), openonerec);
  const items: ItemRecord[] = [];
  for await (const batch of source.batches()) for (const { line, ...row } of batch.rows) items.push({ ...row, source: { path: source.path, line } });
  assert.deepEqual(source.problems(), []);
  return createMemoryLookup(items, [source.path]);
}

/** A small pool: pids 101–104 with codes, 105 in another domain. */
const pool = createMemoryLookup(
  [
    { id: '101', levels: [1, 2, 3], source: { path: 'pool.jsonl', line: 1 } },
    { id: '102', levels: [4, 5, 6], source: { path: 'pool.jsonl', line: 2 } },
    { id: '103', levels: [7, 8, 9], source: { path: 'pool.jsonl', line: 3 } },
    { id: '104', levels: [1, 2, 4], source: { path: 'pool.jsonl', line: 4 } },
    { id: '105', levels: [9, 9, 9], domain: 'video', source: { path: 'pool.jsonl', line: 5 } },
  ],
  ['pool.jsonl'],
);

describe('the demo world users', async () => {
  const raw = readFileSync(usersJsonl, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { user: string; split: string; history: number[]; history_codes: string; targets: number[] });
  const fromJsonl = await loadUsers([usersJsonl], { grammar: openonerec, lookup: itemsJsonLookup() });
  const fromParquet = await loadUsers([usersParquet], { grammar: openonerec, lookup: await pid2sidLookup() });

  it('reads all 1,000 users from each file without problems', () => {
    assert.equal(raw.length, 1000);
    assert.deepEqual(fromJsonl.problems, []);
    assert.deepEqual(fromParquet.problems, []);
    assert.equal(fromJsonl.size, 1000);
    assert.equal(fromParquet.size, 1000);
    assert.deepEqual(fromJsonl.paths, [usersJsonl]);
  });

  it('matches the raw JSON: ids, pids, codes, targets and split, in file order', () => {
    const list = fromJsonl.list();
    assert.deepEqual(
      list.map((u) => u.id),
      raw.map((r) => r.user),
    );
    raw.forEach((r, i) => {
      const u = fromJsonl.get(r.user)!;
      assert.deepEqual(u.source, { path: usersJsonl, line: i + 1 });
      assert.equal(u.split, r.split);
      assert.deepEqual(
        u.history.map((h) => h.id),
        r.history.map(String),
      );
      assert.deepEqual(
        u.history.map((h) => h.levels),
        scanCodes(r.history_codes, openonerec).map((m) => m.levels),
        r.user,
      );
      assert.deepEqual(
        u.targets.map((t) => t.id),
        r.targets.map(String),
      );
      assert.equal(list[i].historyLength, r.history.length);
      assert.equal(list[i].targetCount, r.targets.length);
    });
    assert.equal(raw.filter((r) => r.split === 'test').length, 100);
  });

  it('gives the same users from the Parquet file, whose pids go through pid2sid', () => {
    assert.deepEqual(
      fromParquet.list().map((u) => u.id),
      fromJsonl.list().map((u) => u.id),
    );
    for (const { id } of fromJsonl.list()) assert.deepEqual(body(fromParquet.get(id)), body(fromJsonl.get(id)), id);
    assert.deepEqual(fromParquet.get('u0005')!.source, { path: usersParquet, line: 5 });
  });

  it('needs no alignment table for the JSONL histories, which carry their own codes', async () => {
    const alone = await loadUsers([usersJsonl], { grammar: openonerec, lookup: emptyLookup });
    assert.equal(alone.size, 1000);
    for (const { id } of fromJsonl.list()) assert.deepEqual(alone.get(id)!.history, fromJsonl.get(id)!.history, id);
    // Targets are pids only: without a table they have no codes, and each user says so.
    assert.deepEqual(alone.get('u0001')!.targets, []);
    assert.equal(
      at(alone, 1)[0],
      'line 1 (user "u0001"): no alignment table is loaded, so the ids in "targets" (7001605, 7001600) have no codes; dropped 2 of 2 — add the alignment table that holds pid 7001605 to reclens.alignment.paths, or give the codes in "target_codes"',
    );
    assert.deepEqual(messages(alone).at(-1), '980 more problems not listed');
  });

  it('drops every pid without a table (Parquet), naming the setting and the pid', async () => {
    const set = await loadUsers([usersParquet], { grammar: openonerec, lookup: emptyLookup });
    assert.equal(set.size, 0);
    assert.match(at(set, 1)[0], /^row 1 \(user "u0001"\): no alignment table is loaded, so the ids in "hist_video_pid" \(7001602, 7001594, 7001581 and 29 more\) have no codes; dropped 32 of 32 — add the alignment table that holds pid 7001602 to reclens\.alignment\.paths/);
    assert.match(at(set, 1)[1], /no history item left to read; user skipped/);
    assert.equal(set.problems.length, MAX_REPORTED_PROBLEMS + 2);
    assert.deepEqual(messages(set).slice(-2), ['1980 more problems not listed', 'skipped 1000 of 1000 users; loaded 0']);
  });

  it('merges files: the first to name a user wins, the rest are reported', async () => {
    const progress: [number, number][] = [];
    const lookup = itemsJsonLookup();
    const set = await loadUsers([usersJsonl, usersParquet], { grammar: openonerec, lookup, progress: (d, t) => progress.push([d, t]) });
    assert.equal(set.size, 1000);
    assert.equal(set.get('u0001')!.source.path, usersJsonl);
    const parquetProblems = set.problems.filter((p) => p.path === usersParquet);
    assert.equal(parquetProblems[0].message, `row 1: user "u0001" was already read from ${usersJsonl}:1; kept that one and skipped this — user ids must be unique`);
    assert.deepEqual(parquetProblems.slice(-2).map((p) => p.message), ['980 more problems not listed', 'skipped 1000 of 1000 users; loaded 0']);
    const total = readFileSync(usersJsonl).length + readFileSync(usersParquet).length;
    assert.ok(progress.length >= 2);
    assert.ok(progress.every(([, t]) => t === total));
    assert.deepEqual(progress[progress.length - 1], [total, total]);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0]);
  });

  it('lists, gets and searches users', () => {
    assert.equal(fromJsonl.get('nobody'), undefined);
    assert.deepEqual(
      fromJsonl.search('U001', 3).map((u) => u.id),
      ['u0010', 'u0011', 'u0012'],
    );
    assert.deepEqual(fromJsonl.search('', 2).map((u) => u.id), ['u0001', 'u0002']);
    assert.deepEqual(fromJsonl.search('u0001', 0), []);
    assert.deepEqual(fromJsonl.search('zzz', 5), []);
    assert.deepEqual(fromJsonl.search('u0010', 5)[0], { id: 'u0010', historyLength: raw[9].history.length, targetCount: raw[9].targets.length, split: raw[9].split, source: { path: usersJsonl, line: 10 } });
  });

  it('shares one frozen item between users', () => {
    const byId = new Map<string, object>();
    let shared = 0;
    for (const { id } of fromJsonl.list()) {
      for (const item of fromJsonl.get(id)!.history) {
        assert.ok(Object.isFrozen(item) && Object.isFrozen(item.levels));
        const seen = byId.get(item.id!);
        if (seen) shared += seen === item ? 1 : 0;
        else byId.set(item.id!, item);
      }
    }
    assert.ok(shared > 1000);
  });
});

describe('search', () => {
  it('puts ids that start with the query first, then file order, case-insensitively', async () => {
    const file = write('search.jsonl', lines(...['bob-alice', 'alice', 'carl', 'Alicia', 'malice'].map((user) => ({ user, history: [101] }))));
    const set = await loadUsers([file], { grammar: openonerec, lookup: pool });
    assert.deepEqual(
      set.search('ALI', 10).map((u) => u.id),
      ['alice', 'Alicia', 'bob-alice', 'malice'],
    );
    assert.deepEqual(
      set.search('ali', 3).map((u) => u.id),
      ['alice', 'Alicia', 'bob-alice'],
    );
    assert.deepEqual(
      set.list().map((u) => u.id),
      ['bob-alice', 'alice', 'carl', 'Alicia', 'malice'],
    );
  });
});

describe('what a JSONL line may hold', () => {
  it('reads ids, codes as one string, a list of code strings, level lists and bare numbers', async () => {
    const file = write(
      'shapes.jsonl',
      lines(
        { user_id: 'ids', history: [101, '102'], target: [103] },
        { uid: 'string', history: '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|> <|sid_begin|><s_a_4><s_b_5><s_c_6><|sid_end|>', targets: ['<|sid_begin|><s_a_7><s_b_8><s_c_9><|sid_end|>'] },
        { id: 7, history_codes: '<s_a_1><s_b_2><s_c_3><s_a_1><s_b_2><s_c_4>', target_codes: '<|sid_begin|>103<|sid_end|>', split: 0 },
        { user: 'levels', history: [[1, 2, 3], '101'], targets: [] },
        '{"user": "crlf", "history": [104]}\r',
      ),
    );
    const set = await loadUsers([file], { grammar: openonerec, lookup: pool });
    assert.deepEqual(set.problems, []);
    assert.deepEqual(body(set.get('ids')), {
      id: 'ids',
      history: [
        { id: '101', levels: [1, 2, 3] },
        { id: '102', levels: [4, 5, 6] },
      ],
      targets: [{ id: '103', levels: [7, 8, 9] }],
    });
    assert.deepEqual(body(set.get('string')), { id: 'string', history: [{ levels: [1, 2, 3] }, { levels: [4, 5, 6] }], targets: [{ levels: [7, 8, 9] }] });
    assert.deepEqual(body(set.get('7')), { id: '7', history: [{ levels: [1, 2, 3] }, { levels: [1, 2, 4] }], targets: [{ id: '103', levels: [7, 8, 9] }], split: '0' });
    assert.deepEqual(body(set.get('levels')), { id: 'levels', history: [{ levels: [1, 2, 3] }, { id: '101', levels: [1, 2, 3] }], targets: [] });
    assert.deepEqual(set.get('crlf')!.history, [{ id: '104', levels: [1, 2, 4] }]);
  });

  it('keeps the domain of a begin token or of the alignment table', async () => {
    const file = write('domains.jsonl', lines({ user: 'd', history: '<|video_begin|><s_a_1><s_b_2><s_c_3><|video_end|><|prod_begin|><s_a_4><s_b_5><s_c_6><|prod_end|>', targets: [105] }));
    const set = await loadUsers([file], { grammar: onereason, lookup: pool });
    assert.deepEqual(set.problems, []);
    assert.deepEqual(body(set.get('d')), {
      id: 'd',
      history: [
        { levels: [1, 2, 3], domain: 'video' },
        { levels: [4, 5, 6], domain: 'prod' },
      ],
      targets: [{ id: '105', levels: [9, 9, 9], domain: 'video' }],
    });
  });

  it('pairs ids with codes; keeps the file codes when the table disagrees, and says so', async () => {
    const file = write(
      'pairs.jsonl',
      lines(
        { user: 'agree', history: [101, 999], history_codes: '<s_a_1><s_b_2><s_c_3><s_a_5><s_b_5><s_c_5>' },
        { user: 'differ', history: [101, 102], history_codes: '<s_a_1><s_b_2><s_c_3><s_a_0><s_b_0><s_c_0>' },
        { user: 'short', history: [101, 102], history_codes: '<s_a_0><s_b_0><s_c_0>' },
      ),
    );
    const set = await loadUsers([file], { grammar: openonerec, lookup: pool });
    assert.deepEqual(set.get('agree')!.history, [
      { id: '101', levels: [1, 2, 3] },
      { id: '999', levels: [5, 5, 5] },
    ]);
    assert.deepEqual(set.get('differ')!.history, [
      { id: '101', levels: [1, 2, 3] },
      { id: '102', levels: [0, 0, 0] },
    ]);
    assert.deepEqual(at(set, 2, file), ['line 2 (user "differ"): the codes of "history/history_codes" disagree with the alignment tables for 1 item (item 102 has 0.0.0 in the file but 4.5.6 in pool.jsonl); kept the file\'s codes — check that the file and the tables come from the same tokenizer']);
    assert.deepEqual(set.get('short')!.history, [{ levels: [0, 0, 0] }]);
    assert.deepEqual(at(set, 3, file), ['line 3 (user "short"): "history" lists 2 items but "history_codes" 1 code; used "history_codes" alone — write both from the same list']);
    assert.equal(set.problems.length, 2);
  });
});

describe('malformed and hostile JSONL', async () => {
  const file = write(
    'bad.jsonl',
    lines(
      { user: 'a', history: [101, 102], targets: [103] }, // 1
      '{"user": "b", "history": [101', // 2: not JSON
      { history: [101] }, // 3: no id
      { user: 'c', history: [101, 999, 998], targets: [997] }, // 4: unknown pids dropped, user kept
      { user: 'd', history: [999] }, // 5: nothing left
      { user: 'a', history: [103] }, // 6: duplicate
      [1, 2], // 7: not an object
      { user: 'e', history: [] }, // 8: empty history
      '', // 9: blank
      { uid: 'f', history_codes: '<s_a_1><s_b_2>' }, // 10: a cluster, not an item
      { user: 'g', history: [1.5, 12345678901234567890, { x: 1 }, 101] }, // 11: bad entries dropped
      { user: { x: 1 }, history: [101] }, // 12: bad id type
      { user: 'h', history: 'no codes here' }, // 13: a string without codes
    ),
  );
  // A second file, so that each file's problems stay under the listing limit.
  const odd = write(
    'odd.jsonl',
    lines(
      { user: '__proto__', history: [101], targets: 'oops' }, // 1: a hostile id; targets of the wrong kind
      { user: 'i', history: [101], split: ['x'] }, // 2: split of the wrong type
      { user: 'j', history: '<s_a_1><s_b_2><s_c_3><s_d_4>', targets: [103] }, // 3: another family's level token
      { user: 'x'.repeat(300), history: [101] }, // 4: an id too long
      { user: 'k', history: { 0: 101 } }, // 5: history of the wrong type
      { user: 'l' }, // 6: no history at all
      { user: 'm', history: ['<s_a_1><s_b_2><s_c_9000>', 102] }, // 7: a code out of range
    ),
  );
  const set = await loadUsers([file, odd], { grammar: openonerec, lookup: pool });

  it('keeps the good users', () => {
    assert.deepEqual(
      set.list().map((u) => u.id),
      ['a', 'c', 'g', '__proto__', 'i', 'j', 'm'],
    );
    assert.deepEqual(body(set.get('a')), {
      id: 'a',
      history: [
        { id: '101', levels: [1, 2, 3] },
        { id: '102', levels: [4, 5, 6] },
      ],
      targets: [{ id: '103', levels: [7, 8, 9] }],
    });
    assert.equal(set.get('toString'), undefined);
    assert.deepEqual(set.get('__proto__')!.history, [{ id: '101', levels: [1, 2, 3] }]);
  });

  it('reports each bad line with its number and what to do', () => {
    assert.match(at(set, 2, file)[0], /^line 2: not valid JSON \(.+\); each line must be one JSON object$/);
    assert.deepEqual(at(set, 3, file), ['line 3: no user id: expected one of the fields "user", "user_id", "uid", "id"; user skipped']);
    assert.deepEqual(at(set, 4, file), [
      'line 4 (user "c"): items 999, 998 of "history" are in no alignment table; dropped 2 of 3 — add the alignment table that holds pid 999 to reclens.alignment.paths',
      'line 4 (user "c"): item 997 of "targets" is in no alignment table; dropped 1 of 1 — add the alignment table that holds pid 997 to reclens.alignment.paths',
    ]);
    assert.deepEqual(set.get('c')!.history, [{ id: '101', levels: [1, 2, 3] }]);
    assert.deepEqual(set.get('c')!.targets, []);
    assert.deepEqual(at(set, 5, file), [
      'line 5 (user "d"): item 999 of "history" is in no alignment table; dropped 1 of 1 — add the alignment table that holds pid 999 to reclens.alignment.paths',
      'line 5 (user "d"): no history item left to read; user skipped',
    ]);
    assert.deepEqual(at(set, 6, file), [`line 6: user "a" was already read from ${file}:1; kept that one and skipped this — user ids must be unique`]);
    assert.deepEqual(at(set, 7, file), ['line 7: expected an object with a user id and a history, not a list of 2']);
    assert.deepEqual(at(set, 8, file), ['line 8 (user "e"): no history item left to read; user skipped']);
    assert.deepEqual(at(set, 9, file), []);
    assert.deepEqual(at(set, 10, file), ['line 10 (user "f"): "history_codes": code "<s_a_1><s_b_2>" has 2 of 3 levels (a cluster, not an item); dropped 1 history item of 1', 'line 10 (user "f"): no history item left to read; user skipped']);
    assert.deepEqual(at(set, 11, file), ['line 11 (user "g"): entry 1 of "history" is number 1.5; item ids are integers or strings; dropped 3 history items of 4']);
    assert.deepEqual(set.get('g')!.history, [{ id: '101', levels: [1, 2, 3] }]);
    assert.match(at(set, 12, file)[0], /^line 12: "user" is an object; a user id is a non-empty string/);
    assert.match(at(set, 13, file)[0], /^line 13 \(user "h"\): "history" the text "no codes here" holds no code in the itemic-token grammar "openonerec" .*reclens\.itemicTokens\.preset.*; user skipped$/);
    assert.deepEqual(at(set, 1, odd), ['line 1 (user "__proto__"): "targets" the text "oops" holds no code in the itemic-token grammar "openonerec" (codes like <|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>); give a list of item ids, or set reclens.itemicTokens.preset to the family the file was written for; targets ignored']);
    assert.deepEqual(at(set, 2, odd), ['line 2 (user "i"): "split" should be text or a number, not a list of 1; ignored']);
    assert.match(at(set, 3, odd)[0], /^line 3 \(user "j"\): "history": "<s_d_4>" is not part of a code in the itemic-token grammar "openonerec"; set reclens\.itemicTokens\.preset/);
    assert.deepEqual(set.get('j')!.history, [{ levels: [1, 2, 3] }]);
    assert.match(at(set, 4, odd)[0], /^line 4: "user" is the text "x{40}…"; a user id is a non-empty string \(at most 256 characters\)/);
    assert.deepEqual(at(set, 5, odd), ['line 5 (user "k"): "history" should be a list of item ids or a string of codes, not an object; user skipped']);
    assert.match(at(set, 6, odd)[0], /^line 6 \(user "l"\): no history; expected "history" \(item ids or codes\), "history_codes" .* or "hist_video_pid" \(pids\); user skipped$/);
    assert.match(at(set, 7, odd)[0], /^line 7 \(user "m"\): entry 1 of "history": code "<s_a_1><s_b_2><s_c_9000>": 9000 is out of range for level <s_c_N>/);
    assert.deepEqual(set.get('m')!.history, [{ id: '102', levels: [4, 5, 6] }]);
  });

  it('ends with a count of the users skipped', () => {
    assert.deepEqual(
      set.problems.filter((p) => p.line === undefined),
      [
        { path: file, message: 'skipped 9 of 12 users; loaded 3' },
        { path: odd, message: 'skipped 3 of 7 users; loaded 4' },
      ],
    );
  });

  it('names a large integer id that JSON rounded', () => {
    assert.ok(messages(set).some((m) => m.includes('dropped 3 history items of 4')));
    const big = write('big.jsonl', lines({ user: 'big', history: [101, 12345678901234567890] }));
    return loadUsers([big], { grammar: openonerec, lookup: pool }).then((s) => {
      assert.match(messages(s)[0], /entry 2 of "history" \(12345678901234567000\) is beyond 2\^53 and lost digits when it was read as a JSON number; write ids this large as strings/);
    });
  });

  it('lists the first problems and counts the rest', async () => {
    const many = write('many.jsonl', lines(...Array.from({ length: 100 }, (_, i) => `{"user": "u${i}", broken`), { user: 'ok', history: [101] }));
    const s = await loadUsers([many], { grammar: openonerec, lookup: pool });
    assert.equal(s.size, 1);
    assert.equal(s.problems.length, MAX_REPORTED_PROBLEMS + 2);
    assert.equal(s.problems[MAX_REPORTED_PROBLEMS - 1].line, MAX_REPORTED_PROBLEMS);
    assert.deepEqual(messages(s).slice(-2), ['80 more problems not listed', 'skipped 100 of 101 users; loaded 1']);
  });

  it('skips a line too long to hold, without holding it, and reads on', async () => {
    const huge = `{"user": "huge", "history": [${'101,'.repeat(Math.ceil(MAX_LINE_CHARS / 4))}101]}`;
    const f = write('huge.jsonl', lines({ user: 'before', history: [101] }, huge, { user: 'after', history: [102] }));
    const s = await loadUsers([f], { grammar: openonerec, lookup: pool });
    assert.deepEqual(
      s.list().map((u) => u.id),
      ['before', 'after'],
    );
    assert.equal(s.problems[0].line, 2);
    assert.match(s.problems[0].message, /^line 2: the line is [\d,]+ characters long, more than the 16,777,216 a user may take; split the history or shorten it$/);
  });

  it('reads an empty or blank file as no users and says so', async () => {
    for (const [name, text] of [
      ['empty.jsonl', ''],
      ['blank.jsonl', '\n  \n'],
    ]) {
      const s = await loadUsers([write(name, text)], { grammar: openonerec, lookup: pool });
      assert.equal(s.size, 0);
      assert.deepEqual(messages(s), ['file is empty; expected JSONL with one user per line, e.g. {"user": "u1", "history": [101, 102], "targets": [103]}']);
    }
  });

  it('tells the format from the first bytes, and reports a file of neither kind', async () => {
    const json = write('users.txt', lines({ user: 'a', history: [101] }));
    assert.equal((await loadUsers([json], { grammar: openonerec, lookup: pool })).size, 1);
    const csv = write('users.csv', 'user,history\na,101\n');
    const s = await loadUsers([csv], { grammar: openonerec, lookup: pool });
    assert.equal(s.size, 0);
    assert.match(messages(s)[0], /^not a users file: name it \.jsonl .* or \.parquet/);
  });
});

describe('paths that cannot be read', () => {
  it('throws for a missing file, a folder or an unreadable file, naming it, before reading anything', async () => {
    let called = 0;
    const good = write('good.jsonl', lines({ user: 'a', history: [101] }));
    const missing = tmp.file('missing.jsonl');
    const opts = { grammar: openonerec, lookup: pool, progress: () => called++ };
    await assert.rejects(loadUsers([good, missing], opts), (e: unknown) => e instanceof SourceError && e.message === `${missing}: cannot read the users file: no such file; check reclens.users.paths`);
    await assert.rejects(loadUsers([tmp.dir], opts), (e: unknown) => e instanceof SourceError && e.message === `${tmp.dir}: is a folder; reclens.users.paths names users files (.jsonl or .parquet) one by one`);
    await assert.rejects(loadUsers([''], opts), /an entry of reclens\.users\.paths is empty/);
    assert.equal(called, 0);
    if (process.getuid?.() !== 0) {
      const locked = write('locked.jsonl', lines({ user: 'a', history: [101] }));
      chmodSync(locked, 0o000);
      await assert.rejects(loadUsers([locked], opts), /cannot read the users file: permission denied/);
    }
  });

  it('reads no paths as no users', async () => {
    const s = await loadUsers([], { grammar: openonerec, lookup: pool });
    assert.equal(s.size, 0);
    assert.deepEqual(s.list(), []);
    assert.deepEqual(s.problems, []);
  });
});

describe('cancellation', () => {
  it('stops before reading when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadUsers([usersJsonl], { grammar: openonerec, lookup: emptyLookup, signal: controller.signal }), { name: 'AbortError' });
  });

  it('stops between row groups', async () => {
    const controller = new AbortController();
    let calls = 0;
    const progress = (): void => {
      calls++;
      controller.abort();
    };
    await assert.rejects(loadUsers([usersParquet], { grammar: openonerec, lookup: emptyLookup, signal: controller.signal, progress }), { name: 'AbortError' });
    assert.equal(calls, 1);
  });
});

describe('Parquet users', () => {
  /** A users file with INT64 uids and INT64 pid lists, as the OpenOneRec release writes them. */
  function writeInt64Users(file: string, uids: bigint[], hist: (bigint[] | null)[], target: bigint[][], split: number[]): void {
    const list = (name: string) => [
      { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT64', repetition_type: 'OPTIONAL' },
    ];
    const schema = [{ name: 'root', num_children: 4 }, { name: 'uid', type: 'INT64', repetition_type: 'OPTIONAL' }, ...list('hist_video_pid'), ...list('target_video_pid'), { name: 'split', type: 'INT32', repetition_type: 'OPTIONAL' }];
    const writer = new ParquetWriter({ writer: fileWriter(file), schema, statistics: false } as never);
    void writer.write({
      columnData: [
        { name: 'uid', data: BigInt64Array.from(uids) },
        { name: 'hist_video_pid', data: hist },
        { name: 'target_video_pid', data: target },
        { name: 'split', data: Int32Array.from(split) },
      ],
      rowGroupSize: 2,
    } as never);
    writer.finish();
  }

  it('reads BigInt uids and pids, integer splits, and reports a row without history', async () => {
    const file = tmp.file('int64.parquet');
    const big = 349707037775n;
    writeInt64Users(file, [900000000001n, 900000000002n, 900000000003n], [[101n, big], null, [102n]], [[103n], [], []], [0, 1, 0]);
    const lookup = createMemoryLookup([...['101', '102', '103'].map((id) => pool.byId(id)!), { id: String(big), levels: [5, 5, 5], source: { path: 'video_ad_pid2sid.parquet', line: 1 } }], ['pool']);
    const set = await loadUsers([file], { grammar: openonerec, lookup });
    assert.deepEqual(body(set.get('900000000001')), {
      id: '900000000001',
      history: [
        { id: '101', levels: [1, 2, 3] },
        { id: '349707037775', levels: [5, 5, 5] },
      ],
      targets: [{ id: '103', levels: [7, 8, 9] }],
      split: '0',
    });
    assert.deepEqual(set.get('900000000003')!.source, { path: file, line: 3 });
    assert.equal(set.get('900000000002'), undefined);
    assert.match(at(set, 2, file)[0], /^row 2 \(user "900000000002"\): no history; expected "history"/);
  });

  it('reports a file without the expected columns, and one that is not Parquet, without throwing', async () => {
    const wrong = tmp.file('wrong.parquet');
    writeParquet(wrong, [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'INT_LIST' }], { pid: [1n], sid: [[1, 2, 3]] });
    const s = await loadUsers([wrong], { grammar: openonerec, lookup: pool });
    assert.equal(s.size, 0);
    assert.deepEqual(messages(s), ['expected the columns "uid" and "hist_video_pid" (the OpenOneRec metadata layout, one user per row); its columns are "pid", "sid"']);
    const cut = write('cut.parquet', readFileSync(usersParquet).subarray(0, 5000).toString('latin1'));
    const c = await loadUsers([cut], { grammar: openonerec, lookup: pool });
    assert.equal(c.size, 0);
    assert.match(messages(c)[0], /not a readable Parquet file/);
  });
});
