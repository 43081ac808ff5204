/**
 * What checking a chain of thought produces (docs/checks.md): claims the
 * reasoning makes about items, each with a verdict and its evidence, the
 * per-trace reasoning report, and the counterfactual influence of steps and
 * history items. Plain data: the language server, the CLI and the graph
 * all show the same values.
 */
import type { Span } from '../items/types';

export type Verdict = 'consistent' | 'partly' | 'contradicts';

/** The checks, each switched by `reclens.checks.<name>`. */
export const CHECKS = ['perception', 'quantity', 'evidence', 'coverage', 'recommendation'] as const;
export type CheckName = (typeof CHECKS)[number];

/** One piece of evidence behind a verdict: what the table (or the history) says, and where. */
export interface ClaimEvidence {
  text: string;
  /** The item the evidence is about. */
  itemId?: string;
  /** The table row it comes from (for "related information" in the editor). */
  source?: { path: string; line?: number };
}

/** A claim a step (or the trace as a whole) makes, checked. */
export interface Claim {
  check: CheckName;
  /** The step making the claim; absent for trace-level findings (an unmentioned cluster). */
  stepId?: string;
  /** The exact range of the claim in the document (the description, the count, the recommendation). */
  span: Span;
  verdict: Verdict;
  /** One sentence a researcher can act on, e.g. `p1 calls this item "Alpine GPS…", but item 7002208 is "A short video about sunrise whiteout navigation…"`. */
  message: string;
  evidence: ClaimEvidence[];
  /** Similarity or count behind the verdict, when there is one (0–1 similarity, or the true count). */
  score?: number;
}

/** Counts of claims by verdict. */
export interface VerdictCounts {
  checked: number;
  consistent: number;
  partly: number;
  contradicts: number;
}

/** The per-trace reasoning report. */
export interface ReasoningReport {
  traceId: string;
  claims: Claim[];
  perception: VerdictCounts;
  quantity: VerdictCounts;
  coverage: {
    /** Clusters (code prefixes) of the history, and how many a step mentions. */
    historyClusters: number;
    mentioned: number;
    /** Cluster keys of the history no step mentions. */
    unmentioned: string[];
    /** Whether some step reaches the ground truth's cluster; null without a ground truth. */
    groundTruthReached: boolean | null;
    /** The ground truth's cluster keys no step reaches. */
    unreached: string[];
  };
  recommendations: {
    total: number;
    /** Recommended items outside every cluster the recommendation steps name. */
    outsideNamedClusters: number;
    /** Recommended items already in the history. */
    seen: number;
  };
  influence?: InfluenceReport;
}

/** Counterfactual influence (needs the model): how much each step and each history item moves the log-probability of the recommendations. */
export interface InfluenceReport {
  /** The items scored: the trace's top recommendations and its ground truth. */
  targets: { item: string; role: 'recommendation' | 'ground-truth'; withThinking: number; withoutThinking: number }[];
  /** Per step: mean over targets of log p(target | chain) − log p(target | chain without the step). */
  steps: { id: string; influence: number }[];
  /** Per history item: mean over targets of log p(target | prompt) − log p(target | prompt without the item). */
  history: { id: string; influence: number }[];
  /** The chain of thought moves no target by more than the threshold: it is decorative. */
  decorative: boolean;
  /** Wall time of the analysis. */
  ms: number;
}
