/**
 * What the webview draws, derived from a trace graph or a checkpoint diff:
 * columns in stage order, nodes with their column, clusters with a colour
 * slot and a tag. Pure: no DOM.
 */
import { GRAPH_STAGE_RANK, GRAPH_STAGES, type DiffNode, type DiffStatus, type GraphChecks, type GraphCluster, type GraphDiff, type GraphNode, type GraphStage, type TraceGraph } from '../protocol/graph';

/** What the extension (or the standalone page) hands the webview. */
export type Payload = { graph: TraceGraph } | { diff: GraphDiff };

/** Colour slots for clusters; the CSS maps slot i to a VS Code chart colour (blue, purple, orange, yellow: green and red mean hit and miss). */
export const CLUSTER_SLOTS = 4;

export interface Column {
  name: string;
  stage: GraphStage;
}

export interface ViewNode {
  id: string;
  node: GraphNode;
  /** Set in a diff view. */
  diff?: DiffNode;
  column: number;
}

export interface ViewEdge {
  source: string;
  target: string;
  status?: DiffStatus;
  /** Share of the graph's largest influence (0–1), when known. */
  weight?: number;
}

export interface ViewCluster extends GraphCluster {
  /** Short tag shown on nodes and in the legend (`K1`, `K2`, … by size). */
  tag: string;
  slot: number;
}

export interface ViewModel {
  kind: 'graph' | 'diff';
  title: string;
  columns: Column[];
  nodes: ViewNode[];
  edges: ViewEdge[];
  clusters: ViewCluster[];
  byId: Map<string, ViewNode>;
  clusterOf: Map<string, ViewCluster>;
  /** The reasoning report's summary and whether influence is drawn (graphs that were checked). */
  checks?: GraphChecks;
  /** Some node has a contradicted or partly matching claim, or an unreached cluster. */
  marked: boolean;
}

/** Whether a value has the shape of a payload (the fields the webview reads), so a malformed message cannot break it. */
export function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const body = (v.graph ?? v.diff) as Record<string, unknown> | undefined;
  return typeof body === 'object' && body !== null && Array.isArray(body.nodes) && Array.isArray(body.edges) && Array.isArray(body.layers);
}

/** Columns: the payload's layers in stage order, then any layer a node names that the list lacks (after its stage's layers). */
function columnsOf(layers: { name: string; stage: GraphStage }[], nodes: GraphNode[]): Column[] {
  const columns: Column[] = [];
  const seen = new Set<string>();
  const add = (name: string, stage: GraphStage) => {
    if (seen.has(name)) return;
    seen.add(name);
    columns.push({ name, stage: GRAPH_STAGES.includes(stage) ? stage : 'recommendation' });
  };
  for (const l of layers) add(l.name, l.stage);
  for (const n of nodes) add(n.layer, n.stage);
  const order = (c: Column) => GRAPH_STAGE_RANK[c.stage];
  // A stable sort keeps the payload's order within a stage.
  return columns.map((c, i) => ({ c, i })).sort((a, b) => order(a.c) - order(b.c) || a.i - b.i).map(({ c }) => c);
}

/** Clusters by size, each with a tag and a colour slot; a diff has none listed, so they are counted from its nodes. */
function clustersOf(listed: GraphCluster[] | undefined, nodes: GraphNode[]): ViewCluster[] {
  let clusters = listed;
  if (!clusters) {
    const counts = new Map<string, number>();
    for (const n of nodes) if (n.cluster) counts.set(n.cluster, (counts.get(n.cluster) ?? 0) + 1);
    clusters = [...counts].map(([key, count]) => ({ key, code: key, count }));
  }
  return clusters
    .slice()
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .map((c, i) => ({ ...c, tag: `K${i + 1}`, slot: i % CLUSTER_SLOTS }));
}

/** Builds the view model of a payload. */
export function viewModel(payload: Payload): ViewModel {
  const isDiff = 'diff' in payload;
  const src = isDiff ? payload.diff : payload.graph;
  const columns = columnsOf(src.layers, src.nodes);
  const columnIndex = new Map(columns.map((c, i) => [c.name, i]));
  const nodes: ViewNode[] = src.nodes.map((n) => ({ id: n.id, node: n, diff: isDiff ? (n as DiffNode) : undefined, column: columnIndex.get(n.layer)! }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: ViewEdge[] = src.edges.map((e) => ({ source: e.source, target: e.target, status: isDiff ? (e as { status?: DiffStatus }).status : undefined, ...(e.weight !== undefined && { weight: e.weight }) }));
  const clusters = clustersOf(isDiff ? undefined : payload.graph.clusters, src.nodes);
  const clusterOf = new Map(clusters.map((c) => [c.key, c]));
  const title = isDiff ? `${payload.diff.a.title} → ${payload.diff.b.title}` : payload.graph.title;
  const checks = isDiff ? undefined : payload.graph.checks;
  const marked = src.nodes.some((n) => n.check && (n.check.contradicts > 0 || n.check.partly > 0 || n.check.unreached));
  return { kind: isDiff ? 'diff' : 'graph', title, columns, nodes, edges, clusters, byId, clusterOf, ...(checks && { checks }), marked };
}

/** Does a node match a search query (label, text, id, codes and their titles; case-insensitive)? */
export function matches(n: GraphNode, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return false;
  const hay = [n.id, n.label, n.text, ...n.codes.flatMap((c) => [c.code, c.key, c.title ?? ''])];
  return hay.some((s) => s.toLowerCase().includes(q));
}

/** Second line of a node: what it is in one glance (rank and score, or codes). */
export function detailLine(v: ViewNode): string {
  const n = v.node;
  const parts: string[] = [];
  if (n.kind === 'recommendation') {
    const d = v.diff;
    if (d && d.aRank !== undefined && d.bRank !== undefined && d.aRank !== d.bRank) {
      parts.push(`#${d.aRank}→#${d.bRank} ${d.bRank < d.aRank ? '▲' : '▼'}${Math.abs(d.aRank - d.bRank)}`);
    } else if (n.rank !== undefined) parts.push(`#${n.rank}`);
    if (n.score !== undefined) parts.push(n.score.toFixed(2));
    if (n.branch) parts.push(n.branch === 'thinking' ? 'think' : 'no-think');
  } else if (n.kind === 'step') {
    parts.push(n.id);
  }
  const check = checkLine(n);
  if (check) parts.push(check);
  const first = n.codes[0];
  if (first) parts.push(n.codes.length > 1 ? `${first.key} +${n.codes.length - 1}` : first.key);
  return parts.join(' · ');
}

/** One sentence a screen reader says for a node. */
export function describe(v: ViewNode, model: ViewModel): string {
  const n = v.node;
  const kind = { history: 'History item', step: 'Step', recommendation: 'Recommendation', 'ground-truth': 'Ground truth item' }[n.kind] ?? 'Node';
  const parts = [`${kind} ${n.id}: ${n.label}`, `layer ${n.layer}`];
  if (n.rank !== undefined) parts.push(`rank ${n.rank}`);
  if (n.score !== undefined) parts.push(`score ${n.score.toFixed(2)}`);
  if (n.hit !== undefined) parts.push(n.hit ? 'hit' : 'miss');
  const cluster = n.cluster ? model.clusterOf.get(n.cluster) : undefined;
  if (cluster) parts.push(`cluster ${cluster.tag}${cluster.label ? ` ${cluster.label}` : ''}`);
  const check = checkLine(n);
  if (check) parts.push(check);
  if (n.influence) parts.push(`influence ${signed(n.influence.value)}`);
  const d = v.diff;
  if (d) {
    parts.push(d.status);
    if (d.aRank !== undefined && d.bRank !== undefined && d.aRank !== d.bRank) parts.push(`rank ${d.aRank} to ${d.bRank}`);
    if (d.hitChange) parts.push(`hit ${d.hitChange}`);
  }
  return parts.join('; ');
}

/** What checking found, in a few words: `✗ 2 contradicted`, `≈ 1 partly`, `✗ cluster not reached`. */
export function checkLine(n: GraphNode): string {
  const c = n.check;
  if (!c) return '';
  const parts: string[] = [];
  if (c.unreached) parts.push('✗ cluster not reached');
  if (c.contradicts > 0) parts.push(`✗ ${c.contradicts} contradicted`);
  if (c.partly > 0) parts.push(`≈ ${c.partly} partly`);
  return parts.join(', ');
}

/** The badge in a checked node's corner: ⚠ for a contradiction or an unreached cluster, ≈ for partial matches only. */
export function checkBadge(n: GraphNode): string {
  const c = n.check;
  if (!c) return '';
  if (c.contradicts > 0) return `⚠ ${c.contradicts}`;
  if (c.unreached) return '⚠';
  return c.partly > 0 ? `≈ ${c.partly}` : '';
}

/** A log-probability change with its sign: `+0.42`, `−1.10`. */
export const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
