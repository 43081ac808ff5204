/** Graph building on the demo traces and hand-made ones: nodes, edges, hits, clusters, ranges, labels, hostile text. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { TraceGraph } from '../../protocol/graph';
import { defaultLayers } from '../../protocol/layers';
import { buildGraph, LABEL_LENGTH } from '../../server/graph/build';
import { GraphError, selectTrace } from '../../server/graph/select';
import { resolveGrammar } from '../../server/items/grammar';
import { createMemoryLookup, emptyLookup } from '../../server/items/memory-lookup';
import { loadTable } from '../../server/items/table';
import { analyzeDocument, detectKind } from '../../server/trace/analyze';
import type { Analysis, TraceUnit } from '../../server/trace/model';

const root = path.join(__dirname, '..', '..');
const demo = path.join(root, 'demo');
const grammar = resolveGrammar('openonerec', null).grammar;
const table = (file: string) => loadTable(file, fs.readFileSync(file, 'utf8'), grammar).items;
const lookup = createMemoryLookup([...table(path.join(demo, 'items.json')), ...table(path.join(demo, 'world', 'items.json'))], ['demo']);
const env = { grammar, lookup };

function analyse(file: string, text = fs.readFileSync(file, 'utf8')): { text: string; analysis: Analysis } {
  return { text, analysis: analyzeDocument(text, detectKind(file, undefined, text), { grammar, layers: defaultLayers }) };
}

function graphOf(file: string, text?: string, trace?: string): { graph: TraceGraph; unit: TraceUnit; text: string } {
  const a = analyse(file, text);
  const unit = selectTrace(a.analysis, { trace });
  return { graph: buildGraph(a.analysis, a.text, unit, env, file), unit, text: a.text };
}

/** The evidence links of a trace that name a defined step, once each. */
function links(unit: TraceUnit): number {
  const ids = new Set(unit.steps.map((s) => s.id));
  let n = 0;
  for (const owner of [...unit.steps, ...(unit.recommendations ?? [])]) n += new Set(owner.evidence.map((e) => e.target).filter((t) => ids.has(t))).size;
  return n;
}

const lineAt = (text: string, line: number): string => text.split(/\r\n|\r|\n/)[line];

describe('the demo trace u1024.rtrace', () => {
  const file = path.join(demo, 'traces', 'u1024.rtrace');
  const { graph, unit, text } = graphOf(file);

  test('one node per history item, step, recommendation and ground-truth item, in stage order', () => {
    assert.equal(graph.nodes.length, unit.steps.length + unit.recommendations!.length + unit.groundTruth!.length);
    assert.deepEqual(graph.nodes.map((n) => n.id), ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p1', 'p2', 'p3', 'p4', 'c1', 'c2', 'c3', 'c4', 'c5', 'r1', 'r2', 'r3', 'r4', 'rec1', 'rec2', 'rec3', 'rec4', 'gt1']);
    assert.deepEqual(graph.layers.map((l) => `${l.name}:${l.stage}`), ['history:history', 'perception:perception', 'derivation:cognition', 'evolution:cognition', 'recommendation:recommendation', 'recommendations:recommendation', 'ground-truth:recommendation']);
    assert.equal(graph.trace, 'demo/beauty/u1024');
    assert.equal(graph.title, 'u1024 · sft-think/step-8000 · thinking');
    assert.equal(graph.header.model, 'OpenOneRec-1.7B-beauty');
    assert.equal(graph.uri, file);
  });

  test('one edge per evidence link, from the cited node to the citing one', () => {
    assert.equal(graph.edges.length, links(unit));
    assert.equal(graph.edges.length, 26);
    const has = (s: string, t: string): boolean => graph.edges.some((e) => e.source === s && e.target === t);
    assert.ok(has('h1', 'p1') && has('h2', 'p1') && has('p2', 'r3') && has('h6', 'c4') && has('r1', 'rec1'));
    assert.ok(!has('p1', 'h1'));
  });

  test('recommendations: rank, score, hit; metrics', () => {
    const recs = graph.nodes.filter((n) => n.kind === 'recommendation');
    assert.deepEqual(recs.map((n) => [n.rank, n.score, n.hit]), [[1, -0.52, true], [2, -1.31, false], [3, -1.74, false], [4, -2.96, false]]);
    assert.deepEqual(graph.metrics, { recommendations: 4, hits: 1, targets: 1, firstHit: 1, steps: 13, history: 6 });
  });

  test('codes resolved to titles; clusters from code prefixes, named by the categories', () => {
    const h1 = graph.nodes.find((n) => n.id === 'h1')!;
    assert.equal(h1.label, 'Sulfate-Free Moisture Shampoo for Curly Hair');
    assert.deepEqual(h1.codes, [{ code: '<|sid_begin|><s_a_2981><s_b_4><s_c_6001><|sid_end|>', key: '2981.4.6001', title: 'Sulfate-Free Moisture Shampoo for Curly Hair' }]);
    assert.match(h1.text, /bought, 2025-11-02/);
    assert.equal(h1.cluster, '2981.4');
    const p1 = graph.nodes.find((n) => n.id === 'p1')!;
    assert.deepEqual(p1.codes.map((c) => [c.key, c.title]), [['2981.4', 'Beauty / Hair Care']]);
    const c = graph.clusters.find((x) => x.key === '2981.4')!;
    assert.deepEqual(c, { key: '2981.4', code: '<|sid_begin|><s_a_2981><s_b_4><|sid_end|>', label: 'Beauty / Hair Care', count: 3 });
    assert.equal(graph.clusters.find((x) => x.key === '340.6570')!.label, 'Beauty / Skin Care / Face / Moisturizers');
    assert.equal(graph.clusters.reduce((s, x) => s + x.count, 0), 10);
    for (const n of graph.nodes) if (n.cluster) assert.ok(graph.clusters.some((x) => x.key === n.cluster), n.id);
    assert.equal(graph.nodes.find((n) => n.id === 'gt1')!.cluster, undefined);
  });

  test('ranges point at the lines that define each node', () => {
    for (const n of graph.nodes) {
      const line = lineAt(text, n.range!.start.line);
      if (n.kind === 'history' || n.kind === 'step') assert.ok(line.startsWith(`${n.id} `), `${n.id}: ${line}`);
      else if (n.kind === 'recommendation') assert.ok(line.startsWith(`${n.rank} <|sid_begin|>`), `${n.id}: ${line}`);
      else assert.ok(line.startsWith(n.codes[0].code), line);
      assert.equal(n.range!.start.character, 0);
    }
    const p1 = graph.nodes.find((n) => n.id === 'p1')!;
    assert.equal(p1.range!.end.line - p1.range!.start.line, 2, 'p1 spans three lines');
  });

  test('labels: the first line of a step, codes as titles or keys, at most 80 characters', () => {
    const p1 = graph.nodes.find((n) => n.id === 'p1')!;
    assert.equal(p1.label, 'h1 and h2 are a curly-hair shampoo and conditioner from one cluster');
    assert.ok(p1.text.includes('a wash routine for curls'));
    for (const n of graph.nodes) assert.ok(n.label.length > 0 && n.label.length <= LABEL_LENGTH, n.id);
  });
});

test('the demo world traces: nodes and edges equal the trace, hits as flagged', () => {
  for (const name of ['u0006', 'u0010', 'u0055']) {
    const { graph, unit } = graphOf(path.join(demo, 'world', 'traces', `${name}.rtrace`));
    assert.equal(graph.nodes.length, unit.steps.length + unit.recommendations!.length + unit.groundTruth!.length, name);
    assert.equal(graph.edges.length, links(unit), name);
    assert.equal(graph.metrics.hits, unit.recommendations!.filter((r) => r.hit).length, name);
    assert.equal(graph.metrics.history, unit.steps.filter((s) => s.kind === 'history').length, name);
    // Every history item's cluster is named after its categories.
    for (const n of graph.nodes.filter((x) => x.kind === 'history')) assert.ok(graph.clusters.find((c) => c.key === n.cluster)?.label, `${name} ${n.id}`);
  }
  const { graph } = graphOf(path.join(demo, 'world', 'traces', 'u0010.rtrace'));
  const r1 = graph.nodes.find((n) => n.id === 'r1')!;
  assert.equal(r1.label, 'Recommend popular unseen navigation items from ⟨7978.7364⟩: 74% of the latest…');
  assert.equal(graph.nodes.find((n) => n.rank === 6)!.hit, true);
  assert.equal(graph.metrics.firstHit, 6);
});

describe('the demo benchmark dump', () => {
  const file = path.join(demo, 'traces', 'benchmark.json');
  const { text, analysis } = analyse(file);

  test('a generation: history from the prompt, steps without their layer heading, hit against the ground truth', () => {
    const unit = selectTrace(analysis, { trace: 'u0001_skincare/1' });
    const graph = buildGraph(analysis, text, unit, env);
    assert.equal(graph.nodes.length, unit.steps.length + unit.recommendations!.length + unit.groundTruth!.length);
    assert.equal(graph.edges.length, links(unit));
    assert.deepEqual(graph.nodes.map((n) => n.id), ['h1', 'h2', 'h3', 'h4', 'p1', 'p2', 'p3', 'p4', 'c1', 'r1', 'rec1', 'gt1']);
    const p1 = graph.nodes.find((n) => n.id === 'p1')!;
    assert.equal(p1.label, '“Gentle Foaming Facial Cleanser” is a gentle foaming facial cleanser.');
    assert.equal(graph.nodes.find((n) => n.id === 'c1')!.label.startsWith('The user is building a complete morning routine'), true);
    assert.equal(graph.metrics.hits, 1);
    assert.equal(graph.header.mode, 'thinking');
    assert.equal(graph.title, 'u0001_skincare/1 · thinking');
    assert.equal(graph.uri, undefined);
    // Ranges land on the JSON lines that hold the prompt and the generation.
    assert.ok(lineAt(text, graph.nodes[0].range!.start.line).includes('"prompt"'));
    assert.ok(lineAt(text, p1.range!.start.line).includes('Perception'));
    const start = graph.nodes[0].range!.start;
    const offset = text.split('\n').slice(0, start.line).join('\n').length + 1 + start.character;
    assert.equal(text.slice(offset, offset + 13), '<|sid_begin|>');
  });

  test('trace choice: by id, by sample id, by cursor (in a generation, in a prompt), else the first', () => {
    assert.equal(selectTrace(analysis, { trace: 'u0002_curly_hair/2' }).id, 'u0002_curly_hair/2');
    assert.equal(selectTrace(analysis, { trace: 'u0002_curly_hair' }).id, 'u0002_curly_hair/1');
    const second = analysis.traces.find((t) => t.id === 'u0003_makeup_nothink/2')!;
    assert.equal(selectTrace(analysis, { offset: second.span.start + 5 }).id, 'u0003_makeup_nothink/2');
    const prompt = text.indexOf('"prompt"', text.indexOf('"u0002_curly_hair"'));
    assert.equal(selectTrace(analysis, { offset: prompt + 12 }).id, 'u0002_curly_hair/1');
    assert.equal(selectTrace(analysis, { offset: 0 }).id, 'u0001_skincare/1');
    assert.equal(selectTrace(analysis).id, 'u0001_skincare/1');
    assert.throws(() => selectTrace(analysis, { trace: 'nobody' }, 'dump.json'), (e: Error) => e instanceof GraphError && /no trace "nobody" in dump\.json; its traces are u0001_skincare\/1, u0001_skincare\/2/.test(e.message));
  });

  test('a non-thinking generation has no steps', () => {
    const unit = selectTrace(analysis, { trace: 'u0003_makeup_nothink/2' });
    const graph = buildGraph(analysis, text, unit, env);
    assert.equal(graph.metrics.steps, graph.nodes.filter((n) => n.kind === 'step').length);
  });
});

test('a document without traces is an error that says what a graph needs', () => {
  const { analysis } = analyse('notes.md', 'just some notes\n');
  assert.throws(() => selectTrace(analysis, {}, 'notes.md'), (e: Error) => e instanceof GraphError && /^no trace in notes\.md/.test(e.message));
});

const hostile = '<img src=x onerror=alert(1)>';

test('hostile and odd text passes through as plain strings; duplicate ids, dangling evidence and cycles are survived', () => {
  const long = `c2 ${'very long words '.repeat(700)}<- p1`;
  const text = [
    '%rtrace 1',
    'user: "bob" </script><script>alert(1)</script>',
    'mode: thinking',
    '',
    '[history]',
    `h1 <|sid_begin|><s_a_2981><s_b_4><s_c_6001><|sid_end|> ${hostile} "quoted" & 'single'`,
    `h2 <|sid_begin|><s_a_9><s_b_9><s_c_9><|sid_end|> ${hostile}`,
    '',
    '[layer perception]',
    `p1 ${hostile} looks like HTML </script> <- h1, h2, h9`,
    '',
    '[layer derivation]',
    'c1 cites c3 <- p1, c3',
    long,
    'c3 cites c1 <- c1',
    'c1 again, a duplicate id <- p1',
    '',
    '[recommendations]',
    `1 <|sid_begin|><s_a_2981><s_b_4><s_c_6009><|sid_end|> hit <- c1, zz9`,
    `1 <|sid_begin|><s_a_2981><s_b_4><s_c_6002><|sid_end|> <- c2`,
    '',
  ].join('\r\n');
  const { graph } = graphOf('hostile.rtrace', text);
  assert.deepEqual(graph.nodes.map((n) => n.id), ['h1', 'h2', 'p1', 'c1', 'c2', 'c3', 'c1~2', 'rec1', 'rec1~2']);
  const h1 = graph.nodes[0];
  assert.ok(h1.text.includes(`${hostile} "quoted" & 'single'`));
  assert.equal(h1.label, 'Sulfate-Free Moisture Shampoo for Curly Hair');
  const h2 = graph.nodes[1];
  assert.equal(h2.label, `${hostile}`, 'an unknown item is labelled by its note');
  assert.equal(h2.codes[0].title, undefined);
  const p1 = graph.nodes[2];
  assert.equal(p1.label, `${hostile} looks like HTML </script>`);
  assert.equal(graph.header.user, '"bob" </script><script>alert(1)</script>');
  // Dangling evidence (h9, zz9) is skipped; of the cycle c1 → c3 → c1 one edge is dropped.
  assert.ok(!graph.edges.some((e) => e.source === 'h9' || e.source === 'zz9'));
  const cyc = graph.edges.filter((e) => (e.source === 'c1' && e.target === 'c3') || (e.source === 'c3' && e.target === 'c1'));
  assert.equal(cyc.length, 1);
  assert.ok(graph.edges.some((e) => e.source === 'p1' && e.target === 'c1~2'));
  for (const n of graph.nodes) assert.ok(n.label.length <= LABEL_LENGTH, n.id);
  assert.equal(graph.nodes.find((n) => n.id === 'c2')!.text.length > 10_000, true);
  // CRLF line breaks: ranges count lines as an editor does.
  assert.equal(graph.nodes.find((n) => n.id === 'c3')!.range!.start.line, 14);
  assert.deepEqual(JSON.parse(JSON.stringify(graph)), graph);
});

test('without an item pool: labels from notes and codes, clusters without names', () => {
  const file = path.join(demo, 'traces', 'u1024.rtrace');
  const a = analyse(file);
  const graph = buildGraph(a.analysis, a.text, a.analysis.traces[0], { grammar, lookup: emptyLookup });
  assert.equal(graph.nodes[0].label, 'bought, 2025-11-02');
  assert.equal(graph.nodes.find((n) => n.id === 'rec1')!.label, '2981.4.6009');
  assert.equal(graph.clusters.find((c) => c.key === '2981.4')!.label, undefined);
  assert.ok(graph.nodes.every((n) => n.codes.every((c) => c.title === undefined)));
});

test('a hit is judged against the ground truth when the trace does not say', () => {
  const text = [
    '%rtrace 1',
    '[history]',
    'h1 <|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>',
    '[recommendations]',
    '1 <|sid_begin|><s_a_1><s_b_2><s_c_4><|sid_end|>',
    '2 <|sid_begin|><s_a_1><s_b_2><s_c_5><|sid_end|>',
    '[ground-truth]',
    '<|sid_begin|><s_a_1><s_b_2><s_c_5><|sid_end|>',
  ].join('\n');
  const { graph } = graphOf('t.rtrace', text);
  assert.deepEqual(graph.nodes.filter((n) => n.kind === 'recommendation').map((n) => n.hit), [false, true]);
  assert.equal(graph.metrics.firstHit, 2);
  assert.deepEqual(graph.clusters, [{ key: '1.2', code: '<|sid_begin|><s_a_1><s_b_2><|sid_end|>', count: 3 }]);
});
