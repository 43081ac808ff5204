/** Diffing reasoning graphs: a trace against itself, hand-made pairs for every status, thinking vs non-thinking, the demo checkpoints. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { DiffNode, GraphDiff, TraceGraph } from '../../protocol/graph';
import { defaultLayers } from '../../protocol/layers';
import { buildGraph } from '../../server/graph/build';
import { diffGraphs, MIN_SCORE, MIN_WORDS } from '../../server/graph/diff';
import { selectTrace } from '../../server/graph/select';
import { Interner, words } from '../../server/graph/similarity';
import { resolveGrammar } from '../../server/items/grammar';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { loadTable } from '../../server/items/table';
import { analyzeDocument, detectKind } from '../../server/trace/analyze';

const root = path.join(__dirname, '..', '..');
const demo = path.join(root, 'demo');
const grammar = resolveGrammar('openonerec', null).grammar;
const table = (file: string) => loadTable(file, fs.readFileSync(file, 'utf8'), grammar).items;
const lookup = createMemoryLookup([...table(path.join(demo, 'items.json')), ...table(path.join(demo, 'world', 'items.json'))], ['demo']);

function graph(file: string, text = fs.readFileSync(file, 'utf8'), trace?: string): TraceGraph {
  const analysis = analyzeDocument(text, detectKind(file, undefined, text), { grammar, layers: defaultLayers });
  return buildGraph(analysis, text, selectTrace(analysis, { trace }), { grammar, lookup }, file);
}

const byStatus = (d: GraphDiff, kind: DiffNode['kind']): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const n of d.nodes.filter((x) => x.kind === kind)) (out[n.status] ??= []).push(n.aId && n.bId ? `${n.aId}=${n.bId}` : (n.aId ?? n.bId)!);
  return out;
};

test('a trace diffed with itself is the same everywhere', () => {
  for (const file of [path.join(demo, 'traces', 'u1024.rtrace'), ...['u0006', 'u0010', 'u0055'].map((u) => path.join(demo, 'world', 'traces', `${u}.rtrace`))]) {
    const g = graph(file);
    const d = diffGraphs(g, graph(file));
    assert.equal(d.nodes.length, g.nodes.length, file);
    assert.equal(d.edges.length, g.edges.length, file);
    assert.ok(d.nodes.every((n) => n.status === 'same' && n.aId === n.bId && n.id === `b:${n.bId}`), file);
    assert.ok(d.edges.every((e) => e.status === 'same'), file);
    assert.ok(d.nodes.every((n) => n.hitChange === undefined && n.aText === undefined));
    assert.ok(d.metrics.every((m) => m.a === m.b), file);
    assert.match(d.summary.join('\n'), /recommendations: 0 gained, 0 lost, 0 moved, \d+ in place\nhits: 0 gained, 0 lost .*\ninterests: 0 new, 0 gone, 0 changed, \d+ same\nhistory: \d+ matched, 0 only in A, 0 only in B/);
  }
  const bench = path.join(demo, 'traces', 'benchmark.json');
  const d = diffGraphs(graph(bench, undefined, 'u0002_curly_hair/1'), graph(bench, undefined, 'u0002_curly_hair/1'));
  assert.ok(d.nodes.every((n) => n.status === 'same'));
});

const A = `%rtrace 1
user: u1
checkpoint: step-100
mode: thinking

[history]
h1 <|sid_begin|><s_a_1><s_b_1><s_c_1><|sid_end|> braised pork
h2 <|sid_begin|><s_a_1><s_b_1><s_c_2><|sid_end|> knife skills
h3 <|sid_begin|><s_a_2><s_b_1><s_c_1><|sid_end|> hiking vlog
h4 <|sid_begin|><s_a_3><s_b_1><s_c_1><|sid_end|> knitting

[layer perception]
p1 h1 and h2 are home-cooking tutorials from one cluster. <- h1, h2
p2 h3 is outdoor content. <- h3

[layer derivation]
c1 The strongest interest is learning to cook at home. <- p1
c2 A lighter interest in the outdoors. <- p2
c3 Knitting patterns for winter evenings. <- h4

[layer recommendation]
r1 Recommend a new cooking tutorial first. <- c1

[recommendations]
1 <|sid_begin|><s_a_1><s_b_1><s_c_7><|sid_end|> miss <- r1
2 <|sid_begin|><s_a_1><s_b_1><s_c_8><|sid_end|> hit <- r1
3 <|sid_begin|><s_a_2><s_b_1><s_c_9><|sid_end|> miss <- c2
4 <|sid_begin|><s_a_3><s_b_1><s_c_5><|sid_end|> miss <- c3

[ground-truth]
<|sid_begin|><s_a_1><s_b_1><s_c_8><|sid_end|>
<|sid_begin|><s_a_2><s_b_1><s_c_9><|sid_end|>
`;

const B = `%rtrace 1
user: u1
checkpoint: step-200
mode: thinking

[history]
h1 <|sid_begin|><s_a_1><s_b_1><s_c_1><|sid_end|> braised pork
h2 <|sid_begin|><s_a_1><s_b_1><s_c_2><|sid_end|> knife skills
h3 <|sid_begin|><s_a_2><s_b_1><s_c_1><|sid_end|> hiking vlog
h4 <|sid_begin|><s_a_4><s_b_1><s_c_1><|sid_end|> garden tour
h5 <|sid_begin|><s_a_2><s_b_1><s_c_3><|sid_end|> trail running

[layer perception]
p1 h1 and h2 are home-cooking tutorials from one cluster. <- h1, h2
p2 h3 is outdoor content. <- h3, h5

[layer derivation]
c1 The strongest interest by far is learning to cook at home, with care. <- p1
c2 A lighter interest in the outdoors. <- p2
c4 Gardening is new. <- h4

[layer recommendation]
r1 Recommend a new cooking tutorial first. <- c1

[recommendations]
1 <|sid_begin|><s_a_1><s_b_1><s_c_8><|sid_end|> hit <- r1
2 <|sid_begin|><s_a_1><s_b_1><s_c_6><|sid_end|> miss <- r1
3 <|sid_begin|><s_a_2><s_b_1><s_c_9><|sid_end|> hit <- c2

[ground-truth]
<|sid_begin|><s_a_1><s_b_1><s_c_8><|sid_end|>
<|sid_begin|><s_a_2><s_b_1><s_c_9><|sid_end|>
`;

describe('a hand-made pair with every status', () => {
  const d = diffGraphs(graph('a.rtrace', A), graph('b.rtrace', B));

  test('history: matched by code, then by id (changed), the rest added', () => {
    assert.deepEqual(byStatus(d, 'history'), { same: ['h1=h1', 'h2=h2', 'h3=h3'], changed: ['h4=h4'], added: ['h5'] });
  });

  test('recommendations: moved, gained, lost, hit gained and lost', () => {
    assert.deepEqual(byStatus(d, 'recommendation'), { changed: ['rec2=rec1', 'rec3=rec3'], added: ['rec2'], removed: ['rec1', 'rec4'] });
    const moved = d.nodes.find((n) => n.aId === 'rec2' && n.bId === 'rec1')!;
    assert.deepEqual([moved.aRank, moved.bRank, moved.hitChange, moved.rank], [2, 1, undefined, 1]);
    const hit = d.nodes.find((n) => n.bId === 'rec3')!;
    assert.deepEqual([hit.aRank, hit.bRank, hit.hitChange], [3, 3, 'gained']);
    const gained = d.nodes.find((n) => n.id === 'b:rec2')!;
    assert.deepEqual([gained.aRank, gained.bRank, gained.status], [undefined, 2, 'added']);
    const lost = d.nodes.find((n) => n.id === 'a:rec1')!;
    assert.deepEqual([lost.aRank, lost.bRank, lost.status, lost.hitChange], [1, undefined, 'removed', undefined]);
  });

  test('interests: same, reworded, new evidence, new, gone', () => {
    assert.deepEqual(byStatus(d, 'step'), { same: ['p1=p1', 'r1=r1'], changed: ['p2=p2', 'c1=c1', 'c2=c2'], added: ['c4'], removed: ['c3'] });
    const c1 = d.nodes.find((n) => n.bId === 'c1')!;
    assert.equal(c1.aText, 'The strongest interest is learning to cook at home.');
    assert.equal(c1.bText, 'The strongest interest by far is learning to cook at home, with care.');
    const p2 = d.nodes.find((n) => n.bId === 'p2')!;
    assert.equal(p2.aText, undefined, 'same text, other evidence');
    // c2 keeps its text, but through p2 it now rests on h5 too.
    const c2 = d.nodes.find((n) => n.bId === 'c2')!;
    assert.deepEqual([c2.status, c2.aText], ['changed', undefined]);
  });

  test('edges merged with their status', () => {
    const edge = (s: string, t: string) => d.edges.find((e) => e.source === s && e.target === t)?.status;
    assert.equal(edge('b:h1', 'b:p1'), 'same');
    assert.equal(edge('b:h5', 'b:p2'), 'added');
    assert.equal(edge('b:h4', 'a:c3'), 'removed');
    assert.equal(edge('b:h4', 'b:c4'), 'added');
    assert.equal(edge('b:r1', 'b:rec1'), 'same', 'rec2 in A is rec1 in B');
    assert.equal(edge('a:c3', 'a:rec4'), 'removed');
    for (const e of d.edges) {
      assert.ok(d.nodes.some((n) => n.id === e.source), e.source);
      assert.ok(d.nodes.some((n) => n.id === e.target), e.target);
    }
  });

  test('metrics side by side and summary lines', () => {
    const m = Object.fromEntries(d.metrics.map((x) => [x.name, [x.a, x.b]]));
    assert.deepEqual(m, {
      recommendations: [4, 3],
      hits: [1, 2],
      targets: [2, 2],
      'hits / targets': [0.5, 1],
      'first hit rank': [2, 1],
      history: [4, 5],
      steps: [6, 6],
      'perception steps': [2, 2],
      'cognition steps': [3, 3],
      'recommendation steps': [1, 1],
    });
    assert.deepEqual(d.summary, [
      'recommendations: 1 gained, 2 lost, 1 moved, 1 in place',
      'hits: 1 gained, 0 lost (A 1 of 2 targets, B 2 of 2 targets)',
      'interests: 1 new, 1 gone, 3 changed, 2 same',
      'history: 4 matched (1 by id only), 0 only in A, 1 only in B',
    ]);
    assert.deepEqual([d.a.title, d.b.title], ['u1 · step-100 · thinking', 'u1 · step-200 · thinking']);
    assert.deepEqual([d.a.uri, d.b.uri], ['a.rtrace', 'b.rtrace']);
    assert.deepEqual(d.layers.map((l) => l.name), ['history', 'perception', 'derivation', 'recommendation', 'recommendations', 'ground-truth']);
  });

  test('node order: history, steps by stage, recommendations, ground truth', () => {
    const kinds = d.nodes.map((n) => n.kind);
    assert.deepEqual([...new Set(kinds)], ['history', 'step', 'recommendation', 'ground-truth']);
    const stages = d.nodes.filter((n) => n.kind === 'step').map((n) => n.stage);
    assert.deepEqual(stages, [...stages].sort((x, y) => ['perception', 'cognition', 'recommendation'].indexOf(x) - ['perception', 'cognition', 'recommendation'].indexOf(y)));
    assert.equal(new Set(d.nodes.map((n) => n.id)).size, d.nodes.length);
  });
});

test('thinking vs non-thinking: one side without reasoning steps', () => {
  const noThink = B.replace(/\[layer[\s\S]*?(?=\[recommendations\])/, '').replace('mode: thinking', 'mode: non-thinking').replace(/ <- \w+$/gm, '');
  const d = diffGraphs(graph('a.rtrace', A), graph('b.rtrace', noThink));
  assert.deepEqual(byStatus(d, 'step').removed?.length, 6);
  assert.equal(byStatus(d, 'step').added, undefined);
  assert.equal(d.summary[2], 'interests: B has no reasoning steps (non-thinking); A has 6 steps');
  assert.ok(d.edges.every((e) => e.status === 'removed' || (e.source.startsWith('b:h') && e.status === 'same')));
  assert.ok(d.edges.some((e) => e.source === 'a:r1' && e.target === 'b:rec1'), "A's evidence of a recommendation both sides make, gone");
  const back = diffGraphs(graph('b.rtrace', noThink), graph('a.rtrace', A));
  assert.equal(back.summary[2], 'interests: A has no reasoning steps (non-thinking); B has 6 steps');
});

test('matching thresholds: a reworded step pairs, an unrelated one does not', () => {
  const v = new Interner();
  const w = (t: string) => v.set(words(t, []));
  const jaccard = (a: Int32Array, b: Int32Array): number => {
    const both = [...a].filter((x) => b.includes(x)).length;
    return both / (a.length + b.length - both);
  };
  assert.ok(jaccard(w('The strongest interest is learning to cook at home.'), w('The strongest interest by far is learning to cook at home, with care.')) >= MIN_SCORE);
  assert.ok(jaccard(w('Gardening is new.'), w('Knitting patterns for winter evenings.')) < MIN_WORDS);
  // Codes count as one word each, whatever their spelling; Chinese counts character pairs.
  assert.deepEqual(words('from <|sid_begin|><s_a_1><s_b_2><|sid_end|>.', [{ code: '<|sid_begin|><s_a_1><s_b_2><|sid_end|>', key: '1.2' }]), ['from', '1.2']);
  assert.deepEqual(words('用户喜欢烹饪', []), ['用户', '户喜', '喜欢', '欢烹', '烹饪']);
});

describe('the demo checkpoints, early vs final, for one user', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-graph-diff-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const infer = (model: string, mode = 'thinking'): string => {
    const out = path.join(dir, `${model}-${mode}.rtrace`);
    const args = ['--import', 'tsx', path.join(root, 'server', 'cli', 'main.ts'), 'infer', '--user', 'u0910', '--settings', path.join(demo, '.vscode', 'settings.json')];
    const r = spawnSync(process.execPath, [...args, '--model', path.join(demo, 'models', model), '--mode', mode, '--provider', 'cpu', '--out', out], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return out;
  };

  test('the diff shows what the longer training changed', () => {
    const early = graph(infer('early'));
    const final = graph(infer('final'));
    const d = diffGraphs(early, final);
    assert.ok(d.nodes.filter((n) => n.kind === 'history').every((n) => n.status === 'same'), 'same user, same history');
    assert.ok(d.nodes.some((n) => n.kind === 'recommendation' && n.status !== 'same'));
    assert.ok(d.nodes.some((n) => n.kind === 'step' && n.status !== 'same'));
    assert.notDeepEqual(d.metrics.find((m) => m.name === 'steps'), undefined);
    assert.equal(d.a.header.checkpoint, 'early');
    assert.equal(d.b.header.checkpoint, 'final');
    assert.match(d.summary[0], /^recommendations: \d+ gained, \d+ lost/);
  });

  test('thinking vs non-thinking of the final checkpoint', () => {
    const d = diffGraphs(graph(infer('final')), graph(infer('final', 'non-thinking')));
    assert.match(d.summary[2], /^interests: B has no reasoning steps/);
    assert.ok(d.nodes.filter((n) => n.kind === 'step').every((n) => n.status === 'removed'));
  });
});
