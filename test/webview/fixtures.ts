/**
 * Hand-built graphs and diffs that follow protocol/graph.ts, for the webview
 * tests and the webview benchmark: a small graph with every kind of node, a
 * small diff with every status, and a seeded generator of realistically
 * shaped large graphs.
 */
import type { DiffEdge, DiffNode, GraphCluster, GraphDiff, GraphEdge, GraphNode, GraphStage, TraceGraph } from '../../protocol/graph';
import { mulberry32 } from '../support/random';

/** Label of a history item that would run script if it were ever parsed as HTML. */
export const HOSTILE_LABEL = '<img src=x onerror=window.__pwned=1>';

const LAYERS: TraceGraph['layers'] = [
  { name: 'history', stage: 'history' },
  { name: 'perception', stage: 'perception' },
  { name: 'derivation', stage: 'cognition' },
  { name: 'evolution', stage: 'cognition' },
  { name: 'recommendation', stage: 'recommendation' },
  { name: 'recommendations', stage: 'recommendation' },
];

const code = (a: number, b: number, c: number) => ({ code: `<|sid_begin|><s_a_${a}><s_b_${b}><s_c_${c}><|sid_end|>`, key: `${a}.${b}.${c}` });

function line(n: number): GraphNode['range'] {
  return { start: { line: n, character: 0 }, end: { line: n, character: 40 } };
}

function item(id: string, kind: 'history' | 'recommendation' | 'ground-truth', layer: string, c: [number, number, number], title: string, n: number, extra: Partial<GraphNode> = {}): GraphNode {
  const stage: GraphStage = kind === 'history' ? 'history' : 'recommendation';
  return {
    id,
    kind,
    stage,
    layer,
    label: title,
    text: `${code(...c).code} ${title}`,
    codes: [{ ...code(...c), title }],
    cluster: `${c[0]}.${c[1]}`,
    range: line(n),
    ...extra,
  };
}

function step(id: string, stage: GraphStage, layer: string, text: string, n: number, codes: GraphNode['codes'] = []): GraphNode {
  return { id, kind: 'step', stage, layer, label: text.split('\n')[0].slice(0, 80), text, codes, range: { start: { line: n, character: 0 }, end: { line: n + 1, character: 10 } } };
}

/** A trace graph with every kind of node: history (one with a hostile title), steps of four layers, hits, misses, ground truth, two clusters. */
export function smallGraph(): TraceGraph {
  const nodes: GraphNode[] = [
    item('h1', 'history', 'history', [340, 6566, 5603], 'Braised pork belly, home style', 8),
    item('h2', 'history', 'history', [340, 6566, 17], 'Ten-minute noodle soup', 9),
    item('h3', 'history', 'history', [12, 99, 4], HOSTILE_LABEL, 10),
    item('h4', 'history', 'history', [12, 99, 81], 'Mountain bike trail, first person', 11),
    step('p1', 'perception', 'perception', 'h1 and h2 are home cooking videos', 14, [{ code: '<s_a_340><s_b_6566>', key: '340.6566', title: 'home cooking' }]),
    step('p2', 'perception', 'perception', 'h4 is an outdoor cycling clip', 15),
    step('p3', 'perception', 'perception', '用户喜欢户外运动', 16),
    step('c1', 'cognition', 'derivation', 'Cooks at home on weekday evenings', 19),
    step('c2', 'cognition', 'derivation', 'Outdoor sport is a second interest', 20),
    step('c3', 'cognition', 'derivation', 'Quick recipes matter more than elaborate ones', 21),
    step('c4', 'cognition', 'evolution', 'Short-term: cooking is rising, cycling fading', 24),
    step('r1', 'recommendation', 'recommendation', 'Recommend quick home-cooking videos first', 27),
    step('r2', 'recommendation', 'recommendation', 'Keep one outdoor clip for diversity', 28),
    item('rec1', 'recommendation', 'recommendations', [340, 6566, 900], 'Garlic noodles in 5 minutes', 31, { rank: 1, score: -0.42, hit: true }),
    item('rec2', 'recommendation', 'recommendations', [340, 6566, 12], 'Tomato egg stir fry', 32, { rank: 2, score: -1.07, hit: false }),
    item('rec3', 'recommendation', 'recommendations', [12, 99, 7], 'Downhill run at dusk', 33, { rank: 3, score: -1.9, hit: true, branch: 'thinking' }),
    item('rec4', 'recommendation', 'recommendations', [77, 1, 2], 'Unrelated cat video', 34, { rank: 4, score: -3.25, hit: false, branch: 'non-thinking' }),
    item('gt1', 'ground-truth', 'ground truth', [340, 6566, 900], 'Garlic noodles in 5 minutes', 37),
  ];
  const edges: GraphEdge[] = [
    ['h1', 'p1'], ['h2', 'p1'], ['h4', 'p2'], ['h3', 'p3'], ['h4', 'p3'],
    ['p1', 'c1'], ['p1', 'c3'], ['p2', 'c2'], ['p3', 'c2'], ['c1', 'c3'],
    ['c1', 'c4'], ['c2', 'c4'], ['c3', 'r1'], ['c4', 'r1'], ['c2', 'r2'], ['c4', 'r2'],
    ['r1', 'rec1'], ['r1', 'rec2'], ['r2', 'rec3'],
  ].map(([source, target]) => ({ source, target }));
  const clusters: GraphCluster[] = [
    { key: '340.6566', code: '<s_a_340><s_b_6566>', label: 'home cooking', count: 5 },
    { key: '12.99', code: '<s_a_12><s_b_99>', label: 'outdoor sport', count: 3 },
    { key: '77.1', code: '<s_a_77><s_b_1>', count: 1 },
  ];
  return {
    uri: 'file:///work/demo/traces/u42.rtrace',
    trace: 'u42',
    title: 'u42 · final · thinking',
    layers: [...LAYERS, { name: 'ground truth', stage: 'recommendation' }],
    nodes,
    edges,
    clusters,
    header: { user: 'u42', model: 'final', mode: 'thinking', provider: 'cpu' },
    metrics: { recommendations: 4, hits: 2, targets: 1, firstHit: 1, steps: 9, history: 4 },
  };
}

/** The small graph checked: p1 contradicts the table, c1 partly matches, the ground truth's cluster is reached by no step, influence on history items and steps (h2 the strongest). */
export function checkedGraph(): TraceGraph {
  const g = smallGraph();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  byId.get('p1')!.check = { contradicts: 1, partly: 0, messages: ['✗ p1 calls h1 "home cooking videos", but item 7002208 is "Alpine GPS navigation in whiteout"'] };
  byId.get('c1')!.check = { contradicts: 0, partly: 1, messages: ['≈ c1 says "weekday evenings"; the history shows weekend views too'] };
  byId.get('gt1')!.check = { contradicts: 0, partly: 0, unreached: true, messages: ['✗ cluster not reached by any step (340.6566)'] };
  const influence: Record<string, number> = { h1: 0.3, h2: 1.6, h3: -0.05, h4: 0.8, p1: 1.2, p2: 0.4, p3: 0.1, c1: 0.9, c2: 0.2, c3: 0.5, c4: 0.6, r1: 1.0, r2: 0.16 };
  for (const [id, value] of Object.entries(influence)) byId.get(id)!.influence = { value, weight: Math.abs(value) / 1.6 };
  for (const e of g.edges) {
    const w = byId.get(e.source)?.influence?.weight;
    if (w !== undefined) e.weight = w;
  }
  g.checks = {
    influence: true,
    summary: [
      { name: 'perception', value: '2/3 consistent (67%), 1 contradicts', flag: true },
      { name: 'claims', value: '5/7 consistent (71%), 1 partly, 1 contradicts', flag: true },
      { name: 'coverage', value: '2/3 history clusters mentioned; not mentioned: 77.1', flag: true },
      { name: 'ground truth', value: 'cluster not reached by any step (340.6566)', flag: true },
      { name: 'influence', value: 'strongest step p1 (+1.20), history item h2 (+1.60) (log-probability)' },
    ],
  };
  return g;
}

/** A diff of two checkpoints' graphs for one user with every status, rank moves and hit changes. */
export function smallDiff(): GraphDiff {
  const g = smallGraph();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const same = (id: string, extra: Partial<DiffNode> = {}): DiffNode => ({ ...byId.get(id)!, status: 'same', aId: id, bId: id, ...extra });
  const nodes: DiffNode[] = [
    same('h1'), same('h2'), same('h3'), same('h4'),
    same('p1'), same('p2'),
    { ...byId.get('p3')!, status: 'removed', aId: 'p3', bId: undefined },
    same('c1', { status: 'changed', aText: 'Cooks at home', bText: 'Cooks at home on weekday evenings' }),
    same('c2'),
    { ...byId.get('c3')!, status: 'added', aId: undefined },
    same('r1'),
    same('rec1', { status: 'changed', aRank: 3, bRank: 1, rank: 1, hitChange: 'gained' }),
    same('rec2', { status: 'changed', aRank: 1, bRank: 2, rank: 2, hit: false, hitChange: 'lost' }),
    { ...byId.get('rec3')!, status: 'added', aId: undefined, bRank: 3 },
    { ...byId.get('rec4')!, id: 'a:rec4', status: 'removed', bId: undefined, aId: 'rec4', aRank: 4, rank: 4 },
  ];
  const edges: DiffEdge[] = [
    { source: 'h1', target: 'p1', status: 'same' },
    { source: 'h2', target: 'p1', status: 'same' },
    { source: 'h4', target: 'p2', status: 'same' },
    { source: 'h3', target: 'p3', status: 'removed' },
    { source: 'p1', target: 'c1', status: 'same' },
    { source: 'p1', target: 'c3', status: 'added' },
    { source: 'p2', target: 'c2', status: 'same' },
    { source: 'p3', target: 'c2', status: 'removed' },
    { source: 'c1', target: 'c3', status: 'added' },
    { source: 'c3', target: 'r1', status: 'added' },
    { source: 'c1', target: 'r1', status: 'removed' },
    { source: 'r1', target: 'rec1', status: 'same' },
    { source: 'r1', target: 'rec2', status: 'same' },
    { source: 'c2', target: 'rec3', status: 'added' },
  ];
  return {
    a: { title: 'early', uri: 'file:///work/demo/traces/u42-early.rtrace', header: { model: 'early', mode: 'thinking' } },
    b: { title: 'final', uri: 'file:///work/demo/traces/u42.rtrace', header: { model: 'final', mode: 'thinking' } },
    layers: LAYERS,
    nodes,
    edges,
    metrics: [
      { name: 'hits', a: 1, b: 2 },
      { name: 'recommendations', a: 3, b: 3 },
      { name: 'first hit rank', a: 3, b: 1 },
      { name: 'steps', a: 8, b: 8 },
    ],
    summary: ['1 recommendation gained, 1 lost, 2 moved; 1 hit gained, 1 lost', 'interests: 1 new, 1 gone, 1 changed'],
  };
}

export interface GraphShape {
  history: number;
  perception: number;
  derivation: number;
  evolution: number;
  recommendationSteps: number;
  recommendations: number;
}

/** The benchmark's shape: 1,000 nodes (50 history, 400 perception, 300 cognition, 150 recommendation steps, 100 recommendations). */
export const THOUSAND: GraphShape = { history: 50, perception: 400, derivation: 200, evolution: 100, recommendationSteps: 150, recommendations: 100 };

/**
 * A seeded graph of the given shape: each step cites 1–4 nodes of the layer
 * before (perception cites history; evolution sometimes an earlier evolution
 * step, as hand-written traces may), recommendations cite 1–2
 * recommendation steps; codes from 40 clusters.
 */
export function generateGraph(shape: GraphShape = THOUSAND, seed = 7): TraceGraph {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let lineNo = 10;
  const clusterOf = () => [Math.floor(rnd() * 40) * 7, 100 + Math.floor(rnd() * 3)] as const;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const cite = (target: string, from: string[], min: number, max: number) => {
    const k = min + Math.floor(rnd() * (max - min + 1));
    const chosen = new Set<string>();
    while (chosen.size < Math.min(k, from.length)) chosen.add(pick(from));
    for (const source of chosen) edges.push({ source, target });
  };
  const addItem = (id: string, kind: 'history' | 'recommendation', layer: string, extra: Partial<GraphNode> = {}) => {
    const [a, b] = clusterOf();
    const c = Math.floor(rnd() * 8192);
    nodes.push(item(id, kind, layer, [a, b, c], `Item ${a}-${b}-${c}: ${pick(['cooking', 'cycling', 'cats', 'travel', 'music', 'makeup'])} clip`, lineNo++, extra));
  };
  const addSteps = (prefix: string, n: number, stage: GraphStage, layer: string) => {
    for (const id of ids(prefix, n)) {
      const [a, b] = clusterOf();
      nodes.push(step(id, stage, layer, `${id}: ${pick(['likes', 'returns to', 'is drifting from', 'binges'])} ${pick(['quick recipes', 'trail rides', 'pet videos', 'city walks'])} (${a}.${b})`, lineNo, [{ code: `<s_a_${a}><s_b_${b}>`, key: `${a}.${b}` }]));
      lineNo += 2;
    }
  };
  const history = ids('h', shape.history);
  for (const id of history) addItem(id, 'history', 'history');
  const perception = ids('p', shape.perception);
  addSteps('p', shape.perception, 'perception', 'perception');
  for (const id of perception) cite(id, history, 1, 2);
  const derivation = ids('d', shape.derivation);
  addSteps('d', shape.derivation, 'cognition', 'derivation');
  for (const id of derivation) cite(id, perception, 1, 4);
  const evolution = ids('e', shape.evolution);
  addSteps('e', shape.evolution, 'cognition', 'evolution');
  evolution.forEach((id, i) => {
    cite(id, derivation, 1, 3);
    // A few hand-written same-layer citations (to an earlier step only).
    if (i > 0 && rnd() < 0.1) edges.push({ source: evolution[Math.floor(rnd() * i)], target: id });
  });
  const recSteps = ids('r', shape.recommendationSteps);
  addSteps('r', shape.recommendationSteps, 'recommendation', 'recommendation');
  for (const id of recSteps) cite(id, [...derivation.slice(-50), ...evolution], 1, 4);
  const recs = ids('rec', shape.recommendations);
  recs.forEach((id, i) => addItem(id, 'recommendation', 'recommendations', { rank: i + 1, score: -0.1 * (i + 1) - rnd(), hit: rnd() < 0.1 }));
  for (const id of recs) cite(id, recSteps, 1, 2);
  const clusterCounts = new Map<string, number>();
  for (const n of nodes) if (n.cluster) clusterCounts.set(n.cluster, (clusterCounts.get(n.cluster) ?? 0) + 1);
  const clusters = [...clusterCounts].map(([key, count]) => ({ key, code: `<s_a_${key.split('.')[0]}><s_b_${key.split('.')[1]}>`, count }));
  const hits = nodes.filter((n) => n.hit).length;
  return {
    trace: `generated-${seed}`,
    title: `generated graph (${nodes.length} nodes)`,
    layers: LAYERS,
    nodes,
    edges,
    clusters,
    header: { model: 'synthetic', mode: 'thinking' },
    metrics: { recommendations: shape.recommendations, hits, targets: hits, steps: shape.perception + shape.derivation + shape.evolution + shape.recommendationSteps, history: shape.history },
  };
}
