/**
 * Layered layout of the reasoning graph: columns left to right by stage and
 * layer, nodes ordered within a column to reduce edge crossings.
 *
 * Why d3-dag's Sugiyama: it is a real layered (Sugiyama) layout whose
 * layering step is a pluggable function, so the columns can be fixed by the
 * trace's layers rather than re-derived from the edges; it is a plain ES
 * module with TypeScript types; and it is the only candidate that fits the
 * 200 ms budget for building, laying out and drawing 1,000 nodes. Measured
 * on the benchmark's 1,000-node graph (1,833 evidence links) in Node on the
 * 2-core development machine: this module ≈ 50–90 ms; elkjs 0.12's layered
 * algorithm 15.7 s with its defaults and 302 s with column partitions;
 * d3-dag's own default crossing reduction (decrossTwoLayer) ≈ 6 s, because
 * it counts crossings pair by pair — hence the sweeps below, which use
 * d3-dag's two-layer barycenter operator but count crossings in O(E log V).
 * Coordinates: coordGreedy (the default coordSimplex solves a linear program
 * over every node and long-edge dummy and is far slower at this size). In
 * headless Chromium, layout + drawing + the first paint: README "Graph
 * webview" (`npm run bench -- --webview`).
 *
 * Columns: one per layer, side by side (a stage spans its layers' columns),
 * so every evidence link between layers runs left to right and a stage with
 * two layers (derivation, evolution) stays readable as two columns rather
 * than one tall stack. A step citing an earlier step of its own layer (which
 * hand-written traces may do) moves one sub-column right, so such links
 * also run forward; links that run backwards (a trace warning) are drawn but
 * left out of the layout.
 */
import { aggMean, coordGreedy, graph, sugiyama, twolayerAgg, type Layering, type MutGraphNode, type SugiNode } from 'd3-dag';

/** Sweeps of the two-layer heuristic (down and up count as one). */
const SWEEPS = 2;

/** Node box size and gaps, in SVG units. */
export const NODE_W = 210;
export const NODE_H = 46;
const ROW_GAP = 12;
const COLUMN_GAP = 90;

export interface LayoutInput {
  /** Column index of each node (layer order), same order as `ids`. */
  ids: string[];
  columns: number[];
  edges: { source: string; target: string }[];
}

export interface LayoutResult {
  /** Node centre by id. */
  pos: Map<string, { x: number; y: number }>;
  /** Polyline of each edge (same index as the input edges), from the source's right side to the target's left side. */
  edgePoints: [number, number][][];
  /** Horizontal extent of each column (left and right edge of its boxes). */
  columnSpan: Map<number, { x0: number; x1: number }>;
  width: number;
  height: number;
}

/** Sub-column of each node within its column: longest chain of same-column links before it (Kahn order; nodes on a cycle stay at 0). */
function subColumns(input: LayoutInput, columnOf: Map<string, number>): Map<string, number> {
  const depth = new Map<string, number>(input.ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const { source, target } of input.edges) {
    if (source === target || columnOf.get(source) !== columnOf.get(target) || !columnOf.has(source)) continue;
    (out.get(source) ?? out.set(source, []).get(source)!).push(target);
    indegree.set(target, (indegree.get(target) ?? 0) + 1);
  }
  const queue = input.ids.filter((id) => !indegree.get(id));
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const next of out.get(id) ?? []) {
      depth.set(next, Math.max(depth.get(next)!, depth.get(id)! + 1));
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  return depth;
}

/** Crossings between two adjacent layers in O(E log V) (Barth, Jünger, Mutzel 2002: an accumulator tree over the lower layer's positions). */
function crossings(upper: SugiNode[], lower: SugiNode[], childrenOf: Map<SugiNode, SugiNode[]>): number {
  const index = new Map(lower.map((n, i) => [n, i]));
  const targets: number[] = [];
  for (const node of upper) {
    const row: number[] = [];
    for (const child of childrenOf.get(node)!) {
      const i = index.get(child);
      if (i !== undefined) row.push(i);
    }
    row.sort((a, b) => a - b);
    for (const i of row) targets.push(i);
  }
  let size = 1;
  while (size < lower.length) size *= 2;
  const tree = new Int32Array(2 * size - 1);
  let count = 0;
  for (const t of targets) {
    let i = t + size - 1;
    tree[i]++;
    while (i > 0) {
      if (i % 2) count += tree[i + 1];
      i = (i - 1) >> 1;
      tree[i]++;
    }
  }
  return count;
}

/**
 * Layer-by-layer sweeps with d3-dag's two-layer barycenter (mean) heuristic,
 * keeping the best order seen. (d3-dag's own decrossTwoLayer does the same
 * sweeps but counts crossings pairwise, O(V² · degree²) per layer: 0.5 s of
 * the 1,000-node graph's layout went there; this count is O(E log V).)
 */
function decrossSweeps(layers: SugiNode[][]): void {
  // The start is the payload's order (history in time order, steps in file order): it needs fewer sweeps than d3-dag's DFS start.
  const childrenOf = new Map<SugiNode, SugiNode[]>();
  for (const layer of layers) for (const node of layer) childrenOf.set(node, [...node.children()]);
  const total = (): number => layers.slice(1).reduce((sum, lower, i) => sum + crossings(layers[i], lower, childrenOf), 0);
  const barycenter = twolayerAgg().aggregator(aggMean);
  let best = layers.map((l) => l.slice());
  let fewest = total();
  for (let sweep = 0; sweep < SWEEPS && fewest > 0; sweep++) {
    for (let i = 1; i < layers.length; i++) barycenter(layers[i - 1], layers[i], true);
    for (let i = layers.length - 2; i >= 0; i--) barycenter(layers[i], layers[i + 1], false);
    const now = total();
    if (now >= fewest) break;
    fewest = now;
    best = layers.map((l) => l.slice());
  }
  layers.forEach((l, i) => l.splice(0, l.length, ...best[i]));
}

/** Lays out the graph: fixed columns (see above), Sugiyama ordering and coordinates within them. */
export function layoutGraph(input: LayoutInput): LayoutResult {
  const columnOf = new Map(input.ids.map((id, i) => [id, input.columns[i]]));
  const sub = subColumns(input, columnOf);
  // Rank = the column's first rank + the node's sub-column; empty columns take no room.
  const widthOf = new Map<number, number>();
  for (const id of input.ids) widthOf.set(columnOf.get(id)!, Math.max(widthOf.get(columnOf.get(id)!) ?? 0, sub.get(id)! + 1));
  const firstRank = new Map<number, number>();
  let ranks = 0;
  for (const column of [...widthOf.keys()].sort((a, b) => a - b)) {
    firstRank.set(column, ranks);
    ranks += widthOf.get(column)!;
  }
  const rankOf = (id: string) => firstRank.get(columnOf.get(id)!)! + sub.get(id)!;

  const dag = graph<string, number>();
  const dagNodes = new Map<string, MutGraphNode<string, number>>();
  for (const id of input.ids) dagNodes.set(id, dag.node(id));
  // The first copy of each forward link goes into the dag; duplicates follow it.
  const firstCopy = new Map<string, number>();
  const copyOf: number[] = [];
  input.edges.forEach(({ source, target }, i) => {
    const s = dagNodes.get(source);
    const t = dagNodes.get(target);
    if (!s || !t || rankOf(source) >= rankOf(target)) return;
    const key = `${source}\u0000${target}`;
    const first = firstCopy.get(key);
    if (first !== undefined) {
      copyOf[i] = first;
      return;
    }
    firstCopy.set(key, i);
    dag.link(s, t, i);
  });

  // d3-dag lays out top to bottom: its layers are our columns, its x our y (order within a column).
  // A layering sets each node's layer index as its y and returns the last index.
  const fixedColumns: Layering<string, number> = (g) => {
    for (const node of g.nodes()) node.y = rankOf(node.data);
    return ranks - 1;
  };
  const layout = sugiyama()
    .layering(fixedColumns)
    .decross(decrossSweeps)
    .coord(coordGreedy())
    .nodeSize([NODE_H, NODE_W])
    .gap([ROW_GAP, COLUMN_GAP]);
  const { width: breadth, height: length } = layout(dag);

  const pos = new Map<string, { x: number; y: number }>();
  for (const node of dag.nodes()) pos.set(node.data, { x: node.y, y: node.x });
  const edgePoints: [number, number][][] = input.edges.map(({ source, target }) => {
    const s = pos.get(source);
    const t = pos.get(target);
    if (!s || !t) return [];
    return [[s.x + NODE_W / 2, s.y], [t.x - NODE_W / 2, t.y]];
  });
  for (const link of dag.links()) {
    const points = link.points.map(([x, y]): [number, number] => [y, x]);
    if (points.length < 2) continue;
    points[0] = [points[0][0] + NODE_W / 2, points[0][1]];
    points[points.length - 1] = [points[points.length - 1][0] - NODE_W / 2, points[points.length - 1][1]];
    edgePoints[link.data] = points;
  }
  copyOf.forEach((first, i) => (edgePoints[i] = edgePoints[first]));

  const columnSpan = new Map<number, { x0: number; x1: number }>();
  for (const [id, { x }] of pos) {
    const column = columnOf.get(id)!;
    const span = columnSpan.get(column);
    if (!span) columnSpan.set(column, { x0: x - NODE_W / 2, x1: x + NODE_W / 2 });
    else {
      span.x0 = Math.min(span.x0, x - NODE_W / 2);
      span.x1 = Math.max(span.x1, x + NODE_W / 2);
    }
  }
  return { pos, edgePoints, columnSpan, width: length, height: breadth };
}

/**
 * Columns without ordering: nodes stacked in payload order, links straight.
 * The fallback when the layered layout fails, and the benchmark's baseline
 * for what drawing costs without a layout.
 */
export function gridLayout(input: LayoutInput): LayoutResult {
  const used = [...new Set(input.columns)].sort((a, b) => a - b);
  const x = new Map(used.map((c, i) => [c, i * (NODE_W + COLUMN_GAP) + NODE_W / 2]));
  const rows = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  input.ids.forEach((id, i) => {
    const column = input.columns[i];
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    pos.set(id, { x: x.get(column)!, y: row * (NODE_H + ROW_GAP) + NODE_H / 2 });
  });
  const edgePoints = input.edges.map(({ source, target }): [number, number][] => {
    const s = pos.get(source);
    const t = pos.get(target);
    return s && t ? [[s.x + NODE_W / 2, s.y], [t.x - NODE_W / 2, t.y]] : [];
  });
  const columnSpan = new Map(used.map((c) => [c, { x0: x.get(c)! - NODE_W / 2, x1: x.get(c)! + NODE_W / 2 }]));
  const tallest = Math.max(0, ...rows.values());
  return { pos, edgePoints, columnSpan, width: used.length * (NODE_W + COLUMN_GAP) - COLUMN_GAP, height: tallest * (NODE_H + ROW_GAP) };
}
