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
  /** What checking the reasoning found about the node (docs/checks.md), when the graph was checked and found something. */
  check?: GraphNodeCheck;
  /**
   * Counterfactual influence of a history item or step, when an influence
   * report is known: mean change in log-probability of the targets when it
   * is left out (`InfluenceReport`), and that as a share of the graph's
   * largest (0–1, what the webview draws).
   */
  influence?: { value: number; weight: number };
}

/** A node's findings: contradicted and partly matching claims, and (ground truth) an unreached cluster. */
export interface GraphNodeCheck {
  contradicts: number;
  partly: number;
  /** The ground truth's cluster is reached by no step. */
  unreached?: boolean;
  /** One line per finding, for the tooltip and the detail line. */
  messages: string[];
}

/** `source` is evidence for `target` (edges run forward: history → perception → cognition → recommendation). */
export interface GraphEdge {
  source: string;
  target: string;
  /** The source's influence as a share of the graph's largest (0–1), when an influence report is known. */
  weight?: number;
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
  /** The reasoning report's summary, when the graph was checked (the panel header shows it). */
  checks?: GraphChecks;
}

/** The reasoning report of the graph's trace, as rows to show. */
export interface GraphChecks {
  /** `perception: 3/4 consistent (75%), 1 contradicts`, …; `flag` marks a finding. */
  summary: { name: string; value: string; flag?: boolean }[];
  /** Whether node influence and edge weights are drawn (an influence report was known). */
  influence: boolean;
  /** The chain of thought moves no target: it is decorative. */
  decorative?: boolean;
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
