/**
 * The reasoning checks on a trace graph: steps with contradicted or partly
 * matching claims marked, the ground truth flagged when no step reaches its
 * cluster, history items and steps weighted by their counterfactual
 * influence (and evidence edges by their source's), and the report's
 * summary for the panel header. Pure: a graph and a report in, the graph
 * with the optional fields of protocol/graph.ts filled out.
 *
 * Decisions:
 * - A claim belongs to the node of its step's id (the first node of that id,
 *   as evidence resolves); trace-level findings mark nothing but the summary.
 * - Weights are |influence| ÷ the largest |influence| of the graph, so the
 *   strongest node is 1 whatever the unit; the sign stays in `value`.
 */
import type { GraphNode, TraceGraph } from '../../protocol/graph';
import type { InfluenceReport, ReasoningReport } from '../checks/types';
import { influenceRows, reportRows } from '../language/reasoning-summary';

/** What a graph can be checked with; both optional. */
export interface GraphCheckInput {
  report?: ReasoningReport;
  /** Overrides the report's own influence. */
  influence?: InfluenceReport;
}

const MARK = { contradicts: '✗', partly: '≈' } as const;

/** Fill the graph's check fields from a report and an influence report (the graph is changed and returned). */
export function applyChecks(graph: TraceGraph, input: GraphCheckInput): TraceGraph {
  const { report } = input;
  const influence = input.influence ?? report?.influence;
  if (!report && !influence) return graph;
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  const checkOf = (n: GraphNode) => (n.check ??= { contradicts: 0, partly: 0, messages: [] });

  if (report) {
    for (const claim of report.claims) {
      if (claim.verdict === 'consistent' || claim.stepId === undefined) continue;
      const node = byId.get(claim.stepId);
      if (!node) continue;
      const c = checkOf(node);
      c[claim.verdict]++;
      c.messages.push(`${MARK[claim.verdict]} ${claim.message}`);
    }
    const cov = report.coverage;
    if (cov.groundTruthReached === false) {
      for (const n of graph.nodes) {
        if (n.kind !== 'ground-truth') continue;
        const keys = n.codes.map((c) => c.key);
        // Unreached keys are cluster prefixes: a truth item is flagged when its code lies in one (or when none is named).
        if (cov.unreached.length > 0 && !keys.some((k) => cov.unreached.some((u) => k === u || k.startsWith(`${u}.`)))) continue;
        const c = checkOf(n);
        c.unreached = true;
        c.messages.push(`✗ cluster not reached by any step${cov.unreached.length > 0 ? ` (${cov.unreached.join(', ')})` : ''}`);
      }
    }
  }

  if (influence) {
    const values = new Map<string, number>();
    for (const x of [...influence.history, ...influence.steps]) values.set(x.id, x.influence);
    const max = Math.max(0, ...[...values.values()].map(Math.abs));
    for (const [id, value] of values) {
      const node = byId.get(id);
      if (node) node.influence = { value, weight: max > 0 ? Math.abs(value) / max : 0 };
    }
    for (const e of graph.edges) {
      const w = byId.get(e.source)?.influence?.weight;
      if (w !== undefined) e.weight = w;
    }
  }

  const summary = report ? reportRows(report) : [];
  if (influence && !report?.influence) summary.push(...influenceRows(influence));
  graph.checks = { summary, influence: !!influence, ...(influence?.decorative && { decorative: true }) };
  return graph;
}
