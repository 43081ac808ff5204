/**
 * The Reasoning Steps view's model and Next / Previous Step without VS
 * Code: layers of steps with the items they name, the step before and
 * after a position, and the traces of a dump found in its outline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjacentStep, stepAt, stepsInOrder, stepTree } from '../../extension/steps/step-tree';
import { adjacentRegion, regionAt, regionKey, traceRegions, type OutlineSymbol } from '../../extension/steps/trace-regions';
import type { GraphNode, TraceGraph } from '../../protocol/graph';

const at = (line: number, from = 0, toLine = line, to = 40) => ({ start: { line, character: from }, end: { line: toLine, character: to } });
const code = (key: string, title?: string) => ({ code: `<c_${key}>`, key, ...(title && { title }) });
const node = (id: string, kind: GraphNode['kind'], layer: string, stage: GraphNode['stage'], extra: Partial<GraphNode> = {}): GraphNode => ({ id, kind, layer, stage, label: `${id} label`, text: `${id} text`, codes: [], ...extra });

/** A small trace: two history items, perception p1 (cites h1, names h2's code), cognition c1 over two lines, a step r1, a recommendation. */
const graph: TraceGraph = {
  trace: 'u1',
  title: 'u1 · thinking',
  layers: [
    { name: 'history', stage: 'history' },
    { name: 'perception', stage: 'perception' },
    { name: 'derivation', stage: 'cognition' },
    { name: 'recommendation', stage: 'recommendation' },
    { name: 'recommendations', stage: 'recommendation' },
    { name: 'ground-truth', stage: 'recommendation' },
  ],
  nodes: [
    node('h1', 'history', 'history', 'history', { codes: [code('1.1', 'Shampoo')], range: at(2) }),
    node('h2', 'history', 'history', 'history', { codes: [code('1.2', 'Conditioner')], range: at(3) }),
    node('p1', 'step', 'perception', 'perception', { codes: [code('1.2', 'Conditioner'), code('9.9')], range: at(6) }),
    node('c1', 'step', 'derivation', 'cognition', { range: at(9, 0, 10, 12) }),
    node('r1', 'step', 'recommendation', 'recommendation', { range: at(13) }),
    node('rec1', 'recommendation', 'recommendations', 'recommendation', { codes: [code('1.3', 'Curl cream')], hit: true, range: at(16) }),
    node('gt1', 'ground-truth', 'ground-truth', 'recommendation', { codes: [code('1.3', 'Curl cream')], range: at(19) }),
  ],
  edges: [
    { source: 'h1', target: 'p1' },
    { source: 'h2', target: 'p1' },
    { source: 'p1', target: 'c1' },
    { source: 'c1', target: 'r1' },
    { source: 'r1', target: 'rec1' },
  ],
  clusters: [],
  header: {},
  metrics: { recommendations: 1, hits: 1, targets: 1, steps: 3, history: 2 },
};

test('the tree lists the layers with steps, in column order, and the items each step names', () => {
  const tree = stepTree(graph);
  assert.deepEqual(
    tree.map((l) => [l.name, l.stage, l.steps.map((s) => s.id)]),
    [
      ['perception', 'perception', ['p1']],
      ['derivation', 'cognition', ['c1']],
      ['recommendation', 'recommendation', ['r1']],
      ['recommendations', 'recommendation', ['rec1']],
    ],
  );
  const p1 = tree[0].steps[0];
  // Its own codes first (titles resolved, an unknown code without one), then the cited history items not already named.
  assert.deepEqual(p1.items, [
    { code: '<c_1.2>', title: 'Conditioner' },
    { code: '<c_9.9>' },
    { code: '<c_1.1>', title: 'Shampoo', via: 'h1', range: at(2) },
  ]);
  assert.deepEqual(tree[1].steps[0].items, [], 'a step citing only steps names no item');
  assert.equal(tree[3].steps[0].hit, true);
});

test('Next and Previous Step go from step to step in document order', () => {
  const steps = stepsInOrder(graph);
  assert.deepEqual(
    steps.map((s) => s.id),
    ['p1', 'c1', 'r1', 'rec1'],
  );
  const next = (line: number, character = 0) => adjacentStep(steps, { line, character }, 1)?.id;
  const previous = (line: number, character = 0) => adjacentStep(steps, { line, character }, -1)?.id;
  assert.equal(next(0), 'p1', 'before the first step: the first');
  assert.equal(next(6, 5), 'c1');
  assert.equal(next(10, 3), 'r1', 'from inside a multi-line step: the one after it');
  assert.equal(next(16), undefined, 'after the last: none');
  assert.equal(previous(10, 3), 'p1', 'from inside a step: the one before it');
  assert.equal(previous(11), 'c1', 'between steps: the one above');
  assert.equal(previous(6), undefined);
  assert.equal(stepAt(steps, { line: 9, character: 3 })?.id, 'c1');
  assert.equal(stepAt(steps, { line: 11, character: 0 }), undefined);
});

/** The outline of a dump with two samples of two generations each (SymbolKind: Object 19, Namespace 3, File 1, Event 24). */
const sym = (kind: number, line: number, endLine: number, children: OutlineSymbol[] = []): OutlineSymbol => ({ kind, range: at(line, 0, endLine, 80), children });
const dump: OutlineSymbol[] = [
  sym(19, 2, 10, [sym(8, 3, 3), sym(3, 4, 7, [sym(1, 5, 5, [sym(24, 5, 5)]), sym(1, 6, 6)]), sym(8, 8, 8)]),
  sym(19, 12, 20, [sym(3, 14, 17, [sym(1, 15, 15), sym(1, 16, 16)])]),
  // A plain record without children is no sample.
  sym(19, 22, 22),
];

test('the traces of a dump come from its outline: samples and their generations', () => {
  const regions = traceRegions(dump);
  assert.deepEqual(
    regions.map((r) => [r.start.line, r.depth]),
    [
      [2, 0],
      [5, 1],
      [6, 1],
      [12, 0],
      [15, 1],
      [16, 1],
    ],
  );
  assert.equal(regionAt(regions, { line: 5, character: 3 })?.start.line, 5, 'the innermost: the generation');
  assert.equal(regionAt(regions, { line: 3, character: 0 })?.start.line, 2, 'the prompt: the sample');
  assert.equal(regionAt(regions, { line: 11, character: 0 }), undefined);
  assert.notEqual(regionKey(regionAt(regions, { line: 5, character: 0 })), regionKey(regionAt(regions, { line: 6, character: 0 })));
  assert.equal(regionKey(undefined), '');
  const step = (line: number, direction: 1 | -1) => adjacentRegion(regions, regionAt(regions, { line, character: 0 }), { line, character: 0 }, direction)?.start.line;
  assert.equal(step(6, 1), 15, 'past the last generation of a sample: the next sample\'s first');
  assert.equal(step(15, -1), 6);
  assert.equal(step(3, 1), 5, 'from the prompt: the sample\'s first generation');
  assert.equal(step(16, 1), undefined);
  assert.equal(step(5, -1), undefined);
  // An .rtrace: one trace, the whole document.
  assert.deepEqual(traceRegions([sym(1, 0, 80, [sym(3, 17, 23), sym(2, 25, 33, [sym(24, 26, 28)])])]).length, 1);
});
