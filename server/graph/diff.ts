/**
 * The diff of two reasoning graphs of the same user — two checkpoints, or
 * thinking against non-thinking — as one merged graph whose nodes and edges
 * say whether they are in both (`same`, `changed`), only in B (`added`) or
 * only in A (`removed`). Pure.
 *
 * Matching rules:
 * - History items by code, in history order (a code seen twice pairs
 *   first with first); what is left pairs by id (`h3` with `h3`), as
 *   `changed`. Ground-truth items by code.
 * - Recommendations by code, best rank first. A pair is `same` when rank
 *   and hit agree, else `changed` (`aRank`/`bRank`: moved; `hitChange`).
 *   A recommendation only in B that hits has `hitChange: 'gained'`, one
 *   only in A that hit has `'lost'`, so hits gained and lost count the
 *   targets one side reaches and the other does not.
 * - Reasoning steps ("interests") within the same stage, by what they
 *   rest on and what they say. A step's *evidence* is the set of history
 *   codes it reaches through its evidence links, transitively (through
 *   perception and earlier cognition); its *words* are its text's words,
 *   each code in it counted as one word (see similarity.ts).
 *   1. Steps with the same text (blanks aside) pair first, in order.
 *   2. Then the best-scoring pairs, greedily: score = ½ · Jaccard(evidence)
 *      + ½ · Jaccard(words) when both steps have evidence, else
 *      Jaccard(words) alone; a pair needs words Jaccard ≥ MIN_WORDS (0.2)
 *      and score ≥ MIN_SCORE (0.45). So a reworded step on the same
 *      evidence pairs when a fifth of its words stay; steps without
 *      evidence pair when nearly half their words are shared.
 *   A pair is `same` when text, evidence and layer agree, else `changed`
 *   (`aText`/`bText` when the text differs).
 * - Edges are merged through the node pairs: in both graphs → `same`.
 *
 * Merged node ids are `b:<id in B>` for nodes in B (paired or added) and
 * `a:<id in A>` for nodes only in A; `range` is in B's document when the
 * node is in B (`bId` set), else in A's.
 */
import { GRAPH_STAGE_RANK, type DiffEdge, type DiffNode, type DiffStatus, type GraphDiff, type GraphNode, type GraphStage, type TraceGraph } from '../../protocol/graph';
import { STAGES } from '../../protocol/layers';
import { Interner, normalText, sameSet, words } from './similarity';

/** Least words Jaccard index for two different texts to pair. */
export const MIN_WORDS = 0.2;
/** Least score (see above) for two different texts to pair. */
export const MIN_SCORE = 0.45;

const stageOrder = GRAPH_STAGE_RANK;
const reasoningStages: readonly GraphStage[] = STAGES;

interface Pair {
  a?: GraphNode;
  b?: GraphNode;
  status: DiffStatus;
  /** Text differs (steps). */
  reworded?: boolean;
}

/** Diff two graphs (A: before, B: after). */
export function diffGraphs(a: TraceGraph, b: TraceGraph): GraphDiff {
  const of = (g: TraceGraph, kind: GraphNode['kind']): GraphNode[] => g.nodes.filter((n) => n.kind === kind);

  const history = pairByKey(of(a, 'history'), of(b, 'history'), itemKey, true);
  const truth = pairByKey(of(a, 'ground-truth'), of(b, 'ground-truth'), itemKey, false);
  const recs = pairRecommendations(of(a, 'recommendation'), of(b, 'recommendation'));
  const steps = pairSteps(a, b);

  const nodes: DiffNode[] = [];
  const idA = new Map<string, string>();
  const idB = new Map<string, string>();
  const emit = (pairs: Pair[]): void => {
    for (const p of pairs) {
      const node = mergeNode(p);
      nodes.push(node);
      if (p.a) idA.set(p.a.id, node.id);
      if (p.b) idB.set(p.b.id, node.id);
    }
  };
  emit(history);
  for (const stage of reasoningStages) emit(steps.filter((p) => (p.b ?? p.a)!.stage === stage));
  emit(recs);
  emit(truth);

  return {
    a: side(a),
    b: side(b),
    layers: mergeLayers(a, b),
    nodes,
    edges: mergeEdges(a, b, idA, idB),
    metrics: metrics(a, b),
    summary: summary(a, b, history, recs, steps, nodes),
  };
}

const side = (g: TraceGraph): GraphDiff['a'] => ({ title: g.title, ...(g.uri !== undefined && { uri: g.uri }), header: g.header });

/** What names an item: its code's key, else the item as written. */
const itemKey = (n: GraphNode): string => n.codes[0]?.key ?? `item:${n.text.trim().split(/\s/)[0]}`;

/** Pairs by key in order; what is left pairs by id when `byId` (as `changed`). */
function pairByKey(as: GraphNode[], bs: GraphNode[], key: (n: GraphNode) => string, byId: boolean): Pair[] {
  const queues = new Map<string, GraphNode[]>();
  for (const n of bs) {
    const k = key(n);
    const q = queues.get(k);
    if (q) q.push(n);
    else queues.set(k, [n]);
  }
  const partner = new Map<GraphNode, GraphNode>();
  const leftA: GraphNode[] = [];
  for (const n of as) {
    const m = queues.get(key(n))?.shift();
    if (m) partner.set(m, n);
    else leftA.push(n);
  }
  const changed = new Set<GraphNode>();
  if (byId) {
    const leftB = new Map(bs.filter((n) => !partner.has(n)).map((n) => [n.id, n]));
    for (let i = leftA.length - 1; i >= 0; i--) {
      const m = leftB.get(leftA[i].id);
      if (!m) continue;
      partner.set(m, leftA[i]);
      changed.add(m);
      leftA.splice(i, 1);
    }
  }
  const out: Pair[] = bs.map((n) => (partner.has(n) ? { a: partner.get(n), b: n, status: changed.has(n) ? 'changed' : 'same' } : { b: n, status: 'added' }));
  for (const n of leftA) out.push({ a: n, status: 'removed' });
  return out;
}

function pairRecommendations(as: GraphNode[], bs: GraphNode[]): Pair[] {
  const byRank = (x: GraphNode, y: GraphNode): number => (x.rank ?? Infinity) - (y.rank ?? Infinity);
  const pairs = pairByKey([...as].sort(byRank), [...bs].sort(byRank), itemKey, false);
  for (const p of pairs) if (p.a && p.b && (p.a.rank !== p.b.rank || (p.a.hit === true) !== (p.b.hit === true))) p.status = 'changed';
  return pairs;
}

/** A side's reasoning steps with their evidence and words, as sorted id sets. */
interface StepInfo {
  node: GraphNode;
  index: number;
  text: string;
  evidence: Int32Array;
  words: Int32Array;
}

function stepInfos(g: TraceGraph, codes: Interner, vocabulary: Interner): StepInfo[] {
  const evidence = reachedHistory(g, codes);
  const out: StepInfo[] = [];
  g.nodes.forEach((node, index) => {
    if (node.kind !== 'step') return;
    out.push({ node, index, text: normalText(node.text), evidence: evidence[index], words: vocabulary.set(words(node.text, node.codes)) });
  });
  return out;
}

/**
 * For every node, the history codes (ids in `codes`) it reaches through
 * evidence, ascending: bit sets pushed along the edges in topological order
 * (no recursion, so a long chain of steps cannot overflow the stack). The
 * graphs `buildGraph` makes have no cycle; in a hand-made one, nodes on a
 * cycle keep what reached them before it.
 */
function reachedHistory(g: TraceGraph, codes: Interner): Int32Array[] {
  const index = new Map(g.nodes.map((n, i) => [n.id, i]));
  const history = g.nodes.map((n) => (n.kind === 'history' ? codes.id(itemKey(n)) : -1));
  const width = (codes.size + 31) >>> 5;
  const bits = g.nodes.map(() => new Uint32Array(width));
  const next: number[][] = g.nodes.map(() => []);
  const waiting = new Int32Array(g.nodes.length);
  for (const e of g.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    next[s].push(t);
    waiting[t]++;
  }
  const queue: number[] = [];
  for (let i = 0; i < g.nodes.length; i++) {
    if (history[i] >= 0) bits[i][history[i] >>> 5] |= 1 << (history[i] & 31);
    if (waiting[i] === 0) queue.push(i);
  }
  for (let q = 0; q < queue.length; q++) {
    const from = bits[queue[q]];
    for (const t of next[queue[q]]) {
      const to = bits[t];
      for (let k = 0; k < width; k++) to[k] |= from[k];
      if (--waiting[t] === 0) queue.push(t);
    }
  }
  return bits.map((b) => {
    const ids: number[] = [];
    for (let k = 0; k < width; k++) for (let w = b[k]; w !== 0; w &= w - 1) ids.push((k << 5) + (31 - Math.clz32(w & -w)));
    return Int32Array.from(ids);
  });
}

function pairSteps(a: TraceGraph, b: TraceGraph): Pair[] {
  const codes = new Interner();
  const vocabulary = new Interner();
  // Every history code first, so the bit sets of both sides have their final width.
  for (const n of [...a.nodes, ...b.nodes]) if (n.kind === 'history') codes.id(itemKey(n));
  const sa = stepInfos(a, codes, vocabulary);
  const sb = stepInfos(b, codes, vocabulary);
  const partner = new Map<StepInfo, StepInfo>(); // B → A
  const takenA = new Set<StepInfo>();

  for (const stage of reasoningStages) {
    const as = sa.filter((s) => s.node.stage === stage);
    const bs = sb.filter((s) => s.node.stage === stage);
    if (as.length === 0 || bs.length === 0) continue;
    // 1. Same text.
    const byText = new Map<string, StepInfo[]>();
    for (const s of as) {
      const q = byText.get(s.text);
      if (q) q.push(s);
      else byText.set(s.text, [s]);
    }
    for (const s of bs) {
      const m = byText.get(s.text)?.shift();
      if (m) {
        partner.set(s, m);
        takenA.add(m);
      }
    }
    // 2. Best scores first.
    const restA = as.filter((s) => !takenA.has(s));
    const restB = bs.filter((s) => !partner.has(s));
    for (const [i, j] of bestPairs(restA, restB, vocabulary.size, codes.size)) {
      if (takenA.has(restA[i]) || partner.has(restB[j])) continue;
      partner.set(restB[j], restA[i]);
      takenA.add(restA[i]);
    }
  }

  const out: Pair[] = sb.map((y): Pair => {
    const x = partner.get(y);
    if (!x) return { b: y.node, status: 'added' };
    const reworded = x.text !== y.text;
    const same = !reworded && sameSet(x.evidence, y.evidence) && x.node.layer === y.node.layer;
    return { a: x.node, b: y.node, status: same ? 'same' : 'changed', reworded };
  });
  for (const x of sa) if (!takenA.has(x)) out.push({ a: x.node, status: 'removed' });
  return out;
}

/** Score resolution of the pair order (scores closer than this tie, and document order decides). */
const SCORE_STEPS = 1_000_000;

/**
 * Index pairs `[i, j]` of `xs` and `ys` that may pair, best score first,
 * then by B's order, then A's. Every pair is scored: the words bound
 * (Jaccard ≤ smaller / larger set) skips most hopeless ones, and each
 * candidate is packed into one number so a plain numeric sort orders them.
 */
function bestPairs(xs: StepInfo[], ys: StepInfo[], vocabulary: number, codes: number): [number, number][] {
  const n = xs.length * ys.length;
  if (n === 0) return [];
  const keys: number[] = [];
  // The words and evidence of the current x, marked: an intersection is then one look-up per element of y.
  const words = new Int32Array(vocabulary).fill(-1);
  const evidence = new Int32Array(codes).fill(-1);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const xw = x.words.length;
    const xe = x.evidence.length;
    for (let k = 0; k < xw; k++) words[x.words[k]] = i;
    for (let k = 0; k < xe; k++) evidence[x.evidence[k]] = i;
    for (let j = 0; j < ys.length; j++) {
      const y = ys[j];
      const yw = y.words.length;
      if (Math.min(xw, yw) < MIN_WORDS * Math.max(xw, yw)) continue;
      let both = 0;
      for (let k = 0; k < yw; k++) if (words[y.words[k]] === i) both++;
      const w = xw + yw === 0 ? 1 : both / (xw + yw - both);
      if (w < MIN_WORDS) continue;
      let score = w;
      const ye = y.evidence.length;
      if (xe > 0 && ye > 0) {
        let shared = 0;
        for (let k = 0; k < ye; k++) if (evidence[y.evidence[k]] === i) shared++;
        score = (shared / (xe + ye - shared) + w) / 2;
      }
      if (score < MIN_SCORE) continue;
      // (1 − score) major, then j, then i: exact in a double while n · SCORE_STEPS < 2⁵³.
      keys.push(Math.round((1 - score) * SCORE_STEPS) * n + j * xs.length + i);
    }
  }
  const sorted = Float64Array.from(keys).sort();
  const out: [number, number][] = new Array(sorted.length);
  for (let k = 0; k < sorted.length; k++) {
    const rest = sorted[k] % n;
    out[k] = [rest % xs.length, Math.floor(rest / xs.length)];
  }
  return out;
}

function mergeNode(p: Pair): DiffNode {
  const base = (p.b ?? p.a)!;
  const node: DiffNode = Object.assign({}, base, { id: p.b ? `b:${p.b.id}` : `a:${p.a!.id}`, status: p.status });
  if (p.a) node.aId = p.a.id;
  if (p.b) node.bId = p.b.id;
  if (base.kind === 'recommendation') {
    if (p.a?.rank !== undefined) node.aRank = p.a.rank;
    if (p.b?.rank !== undefined) node.bRank = p.b.rank;
    const aHit = p.a?.hit === true;
    const bHit = p.b?.hit === true;
    if (bHit && !aHit) node.hitChange = 'gained';
    else if (aHit && !bHit) node.hitChange = 'lost';
  }
  if (p.reworded && p.a && p.b) {
    node.aText = p.a.text;
    node.bText = p.b.text;
  }
  return node;
}

function mergeLayers(a: TraceGraph, b: TraceGraph): GraphDiff['layers'] {
  const out: GraphDiff['layers'] = [];
  for (const l of [...b.layers, ...a.layers]) if (!out.some((o) => o.name === l.name)) out.push(l);
  return out.sort((x, y) => stageOrder[x.stage] - stageOrder[y.stage]);
}

function mergeEdges(a: TraceGraph, b: TraceGraph, idA: Map<string, string>, idB: Map<string, string>): DiffEdge[] {
  const edges = new Map<string, DiffEdge>();
  for (const e of b.edges) {
    const source = idB.get(e.source);
    const target = idB.get(e.target);
    if (source && target) edges.set(`${source}\u0000${target}`, { source, target, status: 'added' });
  }
  for (const e of a.edges) {
    const source = idA.get(e.source);
    const target = idA.get(e.target);
    if (!source || !target) continue;
    const key = `${source}\u0000${target}`;
    const both = edges.get(key);
    if (both) both.status = 'same';
    else edges.set(key, { source, target, status: 'removed' });
  }
  return [...edges.values()];
}

/** Steps of each reasoning stage. */
const stageSteps = (g: TraceGraph, stage: GraphStage): number => g.nodes.filter((n) => n.kind === 'step' && n.stage === stage).length;

function metrics(a: TraceGraph, b: TraceGraph): GraphDiff['metrics'] {
  const row = (name: string, f: (g: TraceGraph) => number | undefined): GraphDiff['metrics'][number] => ({ name, a: f(a) ?? null, b: f(b) ?? null });
  return [
    row('recommendations', (g) => g.metrics.recommendations),
    row('hits', (g) => g.metrics.hits),
    row('targets', (g) => g.metrics.targets),
    row('hits / targets', (g) => (g.metrics.targets > 0 ? Math.min(1, g.metrics.hits / g.metrics.targets) : undefined)),
    row('first hit rank', (g) => g.metrics.firstHit),
    row('history', (g) => g.metrics.history),
    row('steps', (g) => g.metrics.steps),
    ...reasoningStages.map((s) => row(`${s} steps`, (g) => stageSteps(g, s))),
  ];
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function summary(a: TraceGraph, b: TraceGraph, history: Pair[], recs: Pair[], steps: Pair[], nodes: DiffNode[]): string[] {
  const by = (pairs: Pair[], s: DiffStatus): number => pairs.filter((p) => p.status === s).length;
  const moved = recs.filter((p) => p.a && p.b && p.a.rank !== p.b.rank).length;
  const kept = recs.filter((p) => p.a && p.b && p.a.rank === p.b.rank).length;
  const hitsGained = nodes.filter((n) => n.hitChange === 'gained').length;
  const hitsLost = nodes.filter((n) => n.hitChange === 'lost').length;
  const lines = [
    `recommendations: ${by(recs, 'added')} gained, ${by(recs, 'removed')} lost, ${moved} moved, ${kept} in place`,
    `hits: ${hitsGained} gained, ${hitsLost} lost (A ${a.metrics.hits} of ${count(a.metrics.targets, 'target')}, B ${b.metrics.hits} of ${count(b.metrics.targets, 'target')})`,
  ];
  const stepsA = a.metrics.steps;
  const stepsB = b.metrics.steps;
  if (stepsA === 0 && stepsB === 0) lines.push('interests: neither side has reasoning steps');
  else if (stepsA === 0 || stepsB === 0) {
    const [none, some, n] = stepsA === 0 ? ['A', 'B', stepsB] : ['B', 'A', stepsA];
    lines.push(`interests: ${none} has no reasoning steps (non-thinking); ${some} has ${count(n, 'step')}`);
  } else lines.push(`interests: ${by(steps, 'added')} new, ${by(steps, 'removed')} gone, ${by(steps, 'changed')} changed, ${by(steps, 'same')} same`);
  const matched = history.filter((p) => p.a && p.b);
  const renamed = by(history, 'changed');
  lines.push(`history: ${matched.length} matched${renamed ? ` (${renamed} by id only)` : ''}, ${by(history, 'removed')} only in A, ${by(history, 'added')} only in B`);
  return lines;
}
