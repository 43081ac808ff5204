import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { codeString } from '../../demo/build/model';
import { generateWorld, writeWorld } from '../../demo/build/world';
import { defaultLayers } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { openSource } from '../../server/items/sources/open';
import type { ItemRow } from '../../server/items/sources/types';
import { analyzeDocument, detectKind } from '../../server/trace/analyze';

const options = { items: 400, users: 60, topics: 4, collisions: 3, traceUsers: 4 };
const grammar = compileGrammar(presetSpec('openonerec'));
const dirs: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'reclens-world-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(dir, f)).isFile()).sort();

async function rows(file: string): Promise<ItemRow[]> {
  const out: ItemRow[] = [];
  for await (const b of openSource(file, grammar).batches()) out.push(...b.rows);
  return out;
}

test('the world generator writes the same bytes twice', () => {
  const a = temp();
  const b = temp();
  writeWorld(a, options);
  writeWorld(b, options);
  const names = files(a);
  assert.deepEqual(files(b), names);
  for (const f of ['pid2sid.parquet', 'pid2caption.parquet', 'items.json', 'users.jsonl', 'users.parquet', 'README.md', 'traces/benchmark.json', 'traces/chat.jsonl']) assert.ok(names.includes(f), f);
  for (const f of names) assert.ok(readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))), f);
});

test('codes follow the hierarchy and are unique except the planned collisions', () => {
  const w = generateWorld(options);
  assert.equal(w.items.length, options.items);
  assert.equal(w.collisions.length, options.collisions);
  const planned = new Set(w.collisions.map(([i]) => i));
  const byCode = new Map<string, number>();
  for (const it of w.items) {
    const s = w.subtopics[it.subtopic];
    assert.deepEqual(it.code.slice(0, 2), s.prefix, `${it.pid} has its subtopic's prefix`);
    for (const n of it.code) assert.ok(n >= 0 && n < 8192);
    const key = it.code.join(',');
    if (planned.has(it.index)) assert.ok(byCode.has(key), `collision ${it.pid} shares an earlier code`);
    else assert.ok(!byCode.has(key), `${it.pid} has its own code`);
    byCode.set(key, it.index);
  }
  // One topic → one level-a code; subtopics of a topic differ at level b.
  const aOf = new Map<string, number>();
  for (const s of w.subtopics) {
    if (aOf.has(s.topic)) assert.equal(aOf.get(s.topic), s.prefix[0]);
    aOf.set(s.topic, s.prefix[0]);
  }
  assert.equal(new Set(aOf.values()).size, aOf.size);
  for (const [i, j] of w.collisions) assert.deepEqual(w.items[i].code, w.items[j].code);
  assert.equal(new Set(w.items.map((i) => i.title)).size, w.items.length, 'titles are unique');
});

test('histories come from the user interests; targets are current and unseen', () => {
  const w = generateWorld(options);
  assert.equal(w.users.filter((u) => u.split === 'test').length, Math.round(options.users * 0.1));
  assert.ok(w.users.some((u) => u.drift));
  for (const u of w.users) {
    const interests = new Set(u.interests.map((x) => x.subtopic));
    assert.ok(u.history.length >= 20 && u.history.length <= 60, `${u.id}: ${u.history.length} items`);
    assert.equal(new Set(u.history).size, u.history.length);
    u.history.forEach((i, t) => {
      const s = w.items[i].subtopic;
      assert.ok(interests.has(s), `${u.id}: history item from an interest`);
      if (u.drift && s === u.drift.fades) assert.ok(t <= u.drift.fadesAfter);
      if (u.drift && s === u.drift.appears) assert.ok(t >= u.drift.appearsAt);
    });
    assert.ok(u.targets.length >= 1 && u.targets.length <= 3);
    for (const i of u.targets) {
      assert.ok(!u.history.includes(i), `${u.id}: target not in history`);
      assert.ok(interests.has(w.items[i].subtopic) && w.items[i].subtopic !== u.drift?.fades, `${u.id}: target from a current interest`);
    }
    if (u.drift) {
      assert.equal(w.items[u.history[u.drift.fadesAfter]].subtopic, u.drift.fades);
      assert.equal(w.items[u.history[u.drift.appearsAt]].subtopic, u.drift.appears);
    }
  }
});

test('the Parquet and JSON tables agree item by item; users.jsonl matches the world', async () => {
  const dir = temp();
  writeWorld(dir, options);
  const w = generateWorld(options);
  const parquet = await rows(path.join(dir, 'pid2sid.parquet'));
  const json = await rows(path.join(dir, 'items.json'));
  assert.equal(parquet.length, w.items.length);
  assert.equal(json.length, w.items.length);
  const byId = new Map(json.map((r) => [r.id, r]));
  for (const p of parquet) {
    const it = w.items[Number(p.id) - w.items[0].pid];
    const j = byId.get(p.id);
    assert.ok(j, `${p.id} in items.json`);
    assert.deepEqual(p.levels, j.levels);
    assert.deepEqual(p.levels, it.code);
    assert.equal(j.title, it.title);
    assert.equal(p.caption, it.caption);
  }
  const users = readFileSync(path.join(dir, 'users.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { user: string; history: number[]; targets: number[]; history_codes: string; split: string });
  assert.equal(users.length, w.users.length);
  users.forEach((u, n) => {
    assert.equal(u.user, w.users[n].id);
    assert.equal(u.split, w.users[n].split);
    assert.deepEqual(u.history, w.users[n].history.map((i) => w.items[i].pid));
    assert.deepEqual(u.targets, w.users[n].targets.map((i) => w.items[i].pid));
    assert.equal(u.history_codes, w.users[n].history.map((i) => codeString(w.items[i].code)).join(''));
  });
});

test('every ready-made trace analyses without errors', () => {
  const dir = temp();
  writeWorld(dir, options);
  const traces = files(path.join(dir, 'traces'));
  assert.ok(traces.some((f) => f.endsWith('.rtrace')));
  for (const f of traces) {
    const text = readFileSync(path.join(dir, 'traces', f), 'utf8');
    const kind = detectKind(f, undefined, text);
    assert.equal(kind, f.endsWith('.rtrace') ? 'rtrace' : f.endsWith('.json') ? 'benchmark' : 'jsonl', f);
    const a = analyzeDocument(text, kind, { grammar, layers: defaultLayers });
    assert.deepEqual(a.problems.filter((p) => p.severity === 'error' || p.severity === 'warning'), [], f);
    assert.ok(a.traces.length > 0, f);
    if (kind === 'rtrace') {
      const t = a.traces[0];
      assert.ok((t.recommendations ?? []).some((r) => r.hit === true), `${f} has a hit`);
      assert.ok(t.steps.some((s) => s.layer === 'transition-inference'), `${f} has transition-inference steps`);
    }
  }
});
