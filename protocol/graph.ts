/**
 * The reasoning graph and the checkpoint diff as they travel from the
 * server (which builds them) through the extension (which relays them) to
 * the webview (which only draws them). Plain JSON.
 */

import { STAGES, type Stage } from './layers';

/** Columns of the layered graph, left to right: the history, then the stages of reasoning. */
export type GraphStage = 'history' | Stage;

/** The graph's columns in order. */
export const GRAPH_STAGES: readonly GraphStage[] = ['history', ...STAGES];

/** Rank of each column (its index in `GRAPH_STAGES`). */
export const GRAPH_STAGE_RANK = Object.fromEntries(GRAPH_STAGES.map((s, i) => [s, i])) as Readonly<Record<GraphStage, number>>;

/** A zero-based LSP-style range in the trace document, for "reveal in editor". */
export interface GraphRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** An itemic code mentioned by a node, resolved against the item pool when possible. */
export interface GraphCode {
  /** The code as written. */
  code: string;
  /** Canonical key (`6301.7201.3437`, a prefix `6301.7201`, domain-qualified when needed). */
  key: string;
  /** Item title (or caption) when the pool knows the code; the cluster's name for a prefix. */
  title?: string;
}

export interface GraphNode {
  /** Unique in the graph: the step id (`h3`, `p1`, `c2`, `r1`), `rec<rank>` for recommendations, `gt<n>` for ground truth. */
  id: string;
  kind: 'history' | 'step' | 'recommendation' | 'ground-truth';
  stage: GraphStage;
  /** Layer name (`history`, `perception`, `derivation`, …, `recommendations`). */
  layer: string;
  /** Short label: the item title, or the first line of a step (≤ 80 characters). */
  label: string;
  /** Full text (step text, or code + title). */
  text: string;
  codes: GraphCode[];
  /** Recommendations: rank (1 = best), log-probability, hit/miss against the ground truth, race branch. */
  rank?: number;
  score?: number;
  hit?: boolean;
  branch?: 'thinking' | 'non-thinking';
  /** Cluster (shared code prefix, all levels but the last) of a history item or recommendation. */
  cluster?: string;
  range?: GraphRange;
}

/** `source` is evidence for `target` (edges run forward: history → perception → cognition → recommendation). */
export interface GraphEdge {
  source: string;
  target: string;
}

export interface GraphCluster {
  /** The prefix key, as in `GraphNode.cluster`. */
  key: string;
  /** The prefix written as a code. */
  code: string;
  /** Name of the cluster (topic / subtopic, or the most common title words), when known. */
  label?: string;
  /** Nodes in it. */
  count: number;
}

export interface TraceGraph {
  /** Document the graph was built from, when any. */
  uri?: string;
  /** The trace inside the document (sample id of a dump; the `.rtrace`'s sample/user). */
  trace: string;
  title: string;
  /** Layers present, in column order. */
  layers: { name: string; stage: GraphStage }[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
  /** Header fields (model, checkpoint, mode, provider, …). */
  header: Record<string, string>;
  metrics: GraphMetrics;
}

export interface GraphMetrics {
  recommendations: number;
  hits: number;
  /** Ground-truth items. */
  targets: number;
  /** Rank of the first hit, when any. */
  firstHit?: number;
  steps: number;
  history: number;
}

export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

/** A node of the merged diff graph: present in A, in B or in both. */
export interface DiffNode extends GraphNode {
  status: DiffStatus;
  /** Ids in each side's graph. */
  aId?: string;
  bId?: string;
  /** Recommendations present on both sides: their ranks (moved when they differ). */
  aRank?: number;
  bRank?: number;
  /** Steps matched but reworded: each side's text. */
  aText?: string;
  bText?: string;
  /** A recommendation that became a hit (`gained`) or stopped being one (`lost`). */
  hitChange?: 'gained' | 'lost';
}

export interface DiffEdge extends GraphEdge {
  status: DiffStatus;
}

export interface GraphDiff {
  a: { title: string; uri?: string; header: Record<string, string> };
  b: { title: string; uri?: string; header: Record<string, string> };
  layers: { name: string; stage: GraphStage }[];
  nodes: DiffNode[];
  edges: DiffEdge[];
  /** Side-by-side figures: hits, recommendations, first hit rank, steps, … */
  metrics: { name: string; a: number | null; b: number | null }[];
  /** One-line summaries: "3 recommendations gained, 2 lost, 4 moved; 1 hit gained; interests: 1 new, 1 gone, 2 changed". */
  summary: string[];
}
