/**
 * The reasoning report in rows a person reads — perception accuracy, claim
 * accuracy, coverage, recommendation consistency, influence — and the
 * aggregate of many reports (a dump sample's generations, a whole dump).
 * The hover, the CLI and the graph's header all show these same rows.
 *
 * Decisions:
 * - Accuracy is consistent ÷ checked; `partly` is neither right nor wrong,
 *   so it is counted beside, never as half.
 * - "Claims" are the claims steps make (a `stepId`); trace-level findings
 *   (an unmentioned cluster) are coverage, not a step being wrong.
 */
import type { Claim, InfluenceReport, ReasoningReport, VerdictCounts } from '../checks/types';

/** One row of a summary: `perception  3/4 consistent (75%), 1 contradicts`. */
export interface SummaryRow {
  name: string;
  value: string;
  /** Something to look at (a contradiction, an unreached ground truth, …). */
  flag?: boolean;
}

const emptyCounts = (): VerdictCounts => ({ checked: 0, consistent: 0, partly: 0, contradicts: 0 });

/** Verdict counts of a list of claims. */
export function countVerdicts(claims: readonly Claim[]): VerdictCounts {
  const out = emptyCounts();
  for (const c of claims) {
    out.checked++;
    out[c.verdict]++;
  }
  return out;
}

function addCounts(into: VerdictCounts, c: VerdictCounts): void {
  into.checked += c.checked;
  into.consistent += c.consistent;
  into.partly += c.partly;
  into.contradicts += c.contradicts;
}

/** `3/4 consistent (75%), 1 partly, 1 contradicts`; `none checked` when nothing was. */
export function formatCounts(c: VerdictCounts): string {
  if (c.checked === 0) return 'none checked';
  const parts = [`${c.consistent}/${c.checked} consistent (${Math.round((100 * c.consistent) / c.checked)}%)`];
  if (c.partly > 0) parts.push(`${c.partly} partly`);
  if (c.contradicts > 0) parts.push(`${c.contradicts} contradict${c.contradicts === 1 ? 's' : ''}`);
  return parts.join(', ');
}

const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

/** The claims steps make (trace-level findings left out). */
export const stepClaims = (report: ReasoningReport): Claim[] => report.claims.filter((c) => c.stepId !== undefined);

/** The rows of one trace's report, in reading order. */
export function reportRows(report: ReasoningReport): SummaryRow[] {
  const rows: SummaryRow[] = [];
  rows.push({ name: 'perception', value: formatCounts(report.perception), flag: report.perception.contradicts > 0 });
  if (report.quantity.checked > 0) rows.push({ name: 'quantities', value: formatCounts(report.quantity), flag: report.quantity.contradicts > 0 });
  const claims = countVerdicts(stepClaims(report));
  rows.push({ name: 'claims', value: formatCounts(claims), flag: claims.contradicts > 0 });
  const cov = report.coverage;
  const unmentioned = cov.unmentioned.length > 0 ? `; not mentioned: ${cov.unmentioned.join(', ')}` : '';
  rows.push({ name: 'coverage', value: `${cov.mentioned}/${cov.historyClusters} history clusters mentioned${unmentioned}`, flag: cov.unmentioned.length > 0 });
  if (cov.groundTruthReached !== null) {
    rows.push({
      name: 'ground truth',
      value: cov.groundTruthReached ? 'its cluster is reached by a step' : `cluster not reached by any step${cov.unreached.length > 0 ? ` (${cov.unreached.join(', ')})` : ''}`,
      flag: !cov.groundTruthReached,
    });
  }
  const rec = report.recommendations;
  if (rec.total > 0) {
    rows.push({
      name: 'recommendations',
      value: `${rec.total}: ${rec.outsideNamedClusters} outside the clusters the steps name, ${rec.seen} already in the history`,
      flag: rec.outsideNamedClusters > 0 || rec.seen > 0,
    });
  }
  if (report.influence) rows.push(...influenceRows(report.influence));
  return rows;
}

/** Influence rows: decorative, or the strongest step and history item. */
export function influenceRows(influence: InfluenceReport): SummaryRow[] {
  if (influence.decorative) return [{ name: 'influence', value: 'decorative: no step moves a recommendation or the ground truth', flag: true }];
  const strongest = (list: { id: string; influence: number }[]): string | undefined => {
    const top = list.reduce<{ id: string; influence: number } | undefined>((best, x) => (!best || Math.abs(x.influence) > Math.abs(best.influence) ? x : best), undefined);
    return top ? `${top.id} (${signed(top.influence)})` : undefined;
  };
  const parts = [strongest(influence.steps) && `step ${strongest(influence.steps)}`, strongest(influence.history) && `history item ${strongest(influence.history)}`].filter(Boolean);
  return parts.length > 0 ? [{ name: 'influence', value: `strongest ${parts.join(', ')} (log-probability)` }] : [];
}

/** Many reports summed: a dump sample's generations, or every trace checked. */
export interface ReasoningAggregate {
  traces: number;
  perception: VerdictCounts;
  quantity: VerdictCounts;
  /** The claims steps make, all checks. */
  claims: VerdictCounts;
  /** Those claims by the layer of the step making them, in first-seen order. */
  layers: { layer: string; counts: VerdictCounts }[];
  /** Traces with a ground truth, and those where a step reaches its cluster. */
  groundTruth: { judged: number; reached: number };
  /** Traces that leave a history cluster unmentioned. */
  unmentioned: number;
  recommendations: ReasoningReport['recommendations'];
}

/** Sum reports; `layerOf` names the layer of a trace's step (claims of unknown steps go to `other`). */
export function aggregateReports(entries: readonly { report: ReasoningReport; layerOf(stepId: string): string | undefined }[]): ReasoningAggregate {
  const agg: ReasoningAggregate = {
    traces: entries.length,
    perception: emptyCounts(),
    quantity: emptyCounts(),
    claims: emptyCounts(),
    layers: [],
    groundTruth: { judged: 0, reached: 0 },
    unmentioned: 0,
    recommendations: { total: 0, outsideNamedClusters: 0, seen: 0 },
  };
  const layers = new Map<string, VerdictCounts>();
  for (const { report, layerOf } of entries) {
    addCounts(agg.perception, report.perception);
    addCounts(agg.quantity, report.quantity);
    for (const claim of stepClaims(report)) {
      const layer = layerOf(claim.stepId!) ?? 'other';
      let counts = layers.get(layer);
      if (!counts) layers.set(layer, (counts = emptyCounts()));
      counts.checked++;
      counts[claim.verdict]++;
      agg.claims.checked++;
      agg.claims[claim.verdict]++;
    }
    const gt = report.coverage.groundTruthReached;
    if (gt !== null) {
      agg.groundTruth.judged++;
      if (gt) agg.groundTruth.reached++;
    }
    if (report.coverage.unmentioned.length > 0) agg.unmentioned++;
    agg.recommendations.total += report.recommendations.total;
    agg.recommendations.outsideNamedClusters += report.recommendations.outsideNamedClusters;
    agg.recommendations.seen += report.recommendations.seen;
  }
  agg.layers = [...layers].map(([layer, counts]) => ({ layer, counts }));
  return agg;
}

/** `2 of 5 (40%)`. */
const share = (n: number, of: number): string => `${n} of ${of}${of > 0 ? ` (${Math.round((100 * n) / of)}%)` : ''}`;

/** The rows of an aggregate: how often perception is wrong, claims by layer, coverage, recommendations. */
export function aggregateRows(agg: ReasoningAggregate): SummaryRow[] {
  const p = agg.perception;
  const rows: SummaryRow[] = [
    { name: 'traces', value: String(agg.traces) },
    { name: 'perception', value: p.checked > 0 ? `wrong in ${share(p.contradicts, p.checked)} descriptions; ${formatCounts(p)}` : 'none checked', flag: p.contradicts > 0 },
  ];
  if (agg.quantity.checked > 0) rows.push({ name: 'quantities', value: formatCounts(agg.quantity), flag: agg.quantity.contradicts > 0 });
  rows.push({ name: 'claims', value: formatCounts(agg.claims), flag: agg.claims.contradicts > 0 });
  for (const { layer, counts } of agg.layers) {
    rows.push({ name: `  ${layer}`, value: `wrong in ${share(counts.contradicts, counts.checked)}${counts.partly > 0 ? `, ${counts.partly} partly` : ''}`, flag: counts.contradicts > 0 });
  }
  rows.push({ name: 'coverage', value: `${share(agg.unmentioned, agg.traces)} traces leave a history cluster unmentioned`, flag: agg.unmentioned > 0 });
  if (agg.groundTruth.judged > 0) {
    const missed = agg.groundTruth.judged - agg.groundTruth.reached;
    rows.push({ name: 'ground truth', value: `cluster not reached in ${share(missed, agg.groundTruth.judged)} traces`, flag: missed > 0 });
  }
  const r = agg.recommendations;
  if (r.total > 0) rows.push({ name: 'recommendations', value: `${r.total}: ${share(r.outsideNamedClusters, r.total)} outside the named clusters, ${r.seen} already seen`, flag: r.outsideNamedClusters > 0 || r.seen > 0 });
  return rows;
}

/** Rows as aligned plain text (the CLI), each line prefixed with `indent`. */
export function rowsText(rows: readonly SummaryRow[], indent = '  '): string {
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  return rows.map((r) => `${indent}${r.name.padEnd(width)}  ${r.flag ? '! ' : ''}${r.value}`).join('\n');
}
