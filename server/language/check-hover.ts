/**
 * Hovers of the reasoning checks: on a claim, its verdict and what the step
 * says against what the table says; on a trace's header, the trace's
 * reasoning report; on a dump sample's key, the report of each generation
 * and their sum. Markdown only: the LSP adapter finds the reports.
 */
import type { Claim, ReasoningReport, Verdict } from '../checks/types';
import type { Span } from '../items/types';
import type { Analysis, SampleInfo, TraceUnit } from '../trace/model';
import type { CheckSwitch } from './check-diagnostics';
import type { HoverResult } from './hover';
import { escapeMarkdown, inlineCode, shorten } from './markdown';
import { aggregateReports, aggregateRows, countVerdicts, formatCounts, reportRows, stepClaims, type SummaryRow } from './reasoning-summary';

const VERDICT_MARK: Record<Verdict, string> = { consistent: '✓ consistent', partly: '≈ partly', contradicts: '✗ contradicts' };

/** Contradicted claims listed under a report at most. */
const MAX_LISTED = 6;
/** Generations listed one by one under a sample at most. */
const MAX_GENERATIONS = 16;

/** The claims whose span holds `offset`, narrowest first. */
export function claimsAt(reports: Iterable<ReasoningReport>, offset: number): Claim[] {
  const out: Claim[] = [];
  for (const r of reports) for (const c of r.claims) if (offset >= c.span.start && offset <= c.span.end && c.span.end > c.span.start) out.push(c);
  return out.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start));
}

/** The smallest span covering every claim. */
export function claimsSpan(claims: readonly Claim[]): Span {
  return { start: Math.min(...claims.map((c) => c.span.start)), end: Math.max(...claims.map((c) => c.span.end)) };
}

/** Markdown for the claims at a position: verdict, message, the step's words against the table's. `text` is the document's. */
export function describeClaims(claims: readonly Claim[], text: string): string {
  return claims.map((c) => describeClaim(c, text)).join('\n\n---\n\n');
}

function describeClaim(claim: Claim, text: string): string {
  const who = claim.stepId ? ` · step ${inlineCode(claim.stepId)}` : ' · the trace';
  const lines = [`**${VERDICT_MARK[claim.verdict]}** · ${escapeMarkdown(claim.check)} check${who}`, escapeMarkdown(claim.message)];
  const said = text.slice(claim.span.start, claim.span.end);
  const rows: string[] = [];
  if (said.trim()) rows.push(`| the step says | ${cell(said)} |`);
  for (const e of claim.evidence) {
    const where = [e.itemId && !e.text.includes(e.itemId) && `item ${inlineCode(e.itemId)}`, e.source && inlineCode(rowName(e.source))].filter(Boolean).join(' · ');
    rows.push(`| ${e.source ? 'the table says' : 'evidence'} | ${cell(e.text)}${where ? ` — ${where}` : ''} |`);
  }
  if (rows.length > 0) lines.push(['| | |', '|---|---|', ...rows].join('\n'));
  if (claim.score !== undefined) lines.push(claim.check === 'quantity' ? `True count: ${claim.score}` : `Similarity: ${claim.score.toFixed(2)}`);
  return lines.join('\n\n');
}

/** A table cell: one line, escaped, shortened. */
const cell = (s: string): string => `*${escapeMarkdown(shorten(s, 160))}*`;

/** `items.json:12`: a table row by file name and line. */
export function rowName(source: { path: string; line?: number }): string {
  const name = source.path.split(/[\\/]/).pop() ?? source.path;
  return source.line !== undefined ? `${name}:${source.line}` : name;
}

/** Rows as a two-column Markdown table (a flagged row is marked ⚠). */
function rowsTable(rows: readonly SummaryRow[]): string {
  return ['| check | result |', '|---|---|', ...rows.map((r) => `| ${escapeMarkdown(r.name.trim())} | ${r.flag ? '⚠ ' : ''}${escapeMarkdown(r.value)} |`)].join('\n');
}

/** Markdown for one trace's reasoning report: the summary table and the contradictions. */
export function describeReport(report: ReasoningReport): string {
  const lines = [`**Reasoning report** · trace ${inlineCode(report.traceId)}`, rowsTable(reportRows(report))];
  const wrong = report.claims.filter((c) => c.verdict === 'contradicts');
  if (wrong.length > 0) {
    const listed = wrong.slice(0, MAX_LISTED).map((c) => `- ${c.stepId ? `${inlineCode(c.stepId)} ` : ''}${escapeMarkdown(c.message)}`);
    if (wrong.length > listed.length) listed.push(`- … and ${wrong.length - listed.length} more (see the Problems panel)`);
    lines.push(`**Contradictions**\n${listed.join('\n')}`);
  }
  if (report.influence) {
    const targets = report.influence.targets.map((t) => `${inlineCode(t.item)} (${t.role}) ${t.withoutThinking.toFixed(2)} → ${t.withThinking.toFixed(2)}`);
    if (targets.length > 0) lines.push(`Log-probability without → with the thinking: ${targets.join(', ')}`);
  }
  return lines.join('\n\n');
}

/** The traces of a dump sample (its generations, `<sample>/<n>`), in order. */
export function sampleTraces(analysis: Analysis, sample: SampleInfo): TraceUnit[] {
  return analysis.traces.filter((t) => t.id.startsWith(`${sample.id}/`));
}

/** Markdown for a dump sample: the sum over its generations, then one line per generation. */
export function describeSampleReports(sample: SampleInfo, entries: readonly { trace: TraceUnit; report: ReasoningReport }[]): string {
  if (entries.length === 0) return '';
  const layerOf = (trace: TraceUnit) => (id: string) => trace.steps.find((s) => s.id === id)?.layer;
  const agg = aggregateReports(entries.map((e) => ({ report: e.report, layerOf: layerOf(e.trace) })));
  const lines = [`**Reasoning checks** · sample ${inlineCode(sample.id)}`, rowsTable(aggregateRows(agg))];
  const listed = entries.slice(0, MAX_GENERATIONS).map(({ trace, report }) => {
    const gt = report.coverage.groundTruthReached;
    return `| ${inlineCode(trace.id)} | ${escapeMarkdown(formatCounts(report.perception))} | ${escapeMarkdown(formatCounts(countVerdicts(stepClaims(report))))} | ${gt === null ? '–' : gt ? 'reached' : '⚠ not reached'} |`;
  });
  lines.push(['| generation | perception | claims | ground truth |', '|---|---|---|---|', ...listed].join('\n'));
  if (entries.length > listed.length) lines.push(`… and ${entries.length - listed.length} more generations (\`reclens check --reasoning\` lists them all).`);
  return lines.join('\n\n');
}

/** Header lines whose hover is the trace's report: the `%rtrace` line and the fields naming who the trace is about. */
const REPORT_FIELDS = new Set(['user', 'sample']);

/** The trace whose header line (`.rtrace`: `%rtrace`, `user:`, `sample:`) holds `offset`, and that line's span. */
export function traceHeaderAt(analysis: Analysis, offset: number): { trace: TraceUnit; span: Span } | undefined {
  if (analysis.kind !== 'rtrace' || analysis.traces.length === 0) return undefined;
  const root = analysis.outline[0];
  if (!root) return undefined;
  const inside = (s: Span) => offset >= s.start && offset <= s.end && s.end > s.start;
  const fields = root.children.find((c) => c.kind === 'section' && c.name === 'header')?.children ?? [];
  const line = [root.selectionSpan, ...fields.filter((f) => REPORT_FIELDS.has(f.name)).map((f) => f.span)].find(inside);
  return line ? { trace: analysis.traces[0], span: line } : undefined;
}

/**
 * The hover at `offset` with what the checks add: on a trace's header line,
 * its report (instead of nothing); on a dump sample's key, the report of its
 * generations after the sample's metrics; on a claim, its verdict before the
 * hover of the code or step under the cursor. `reportOf` gives a trace's
 * report (undefined when the checks are off).
 */
export function withChecks(
  base: HoverResult | undefined,
  analysis: Analysis,
  offset: number,
  text: string,
  reportOf: (trace: TraceUnit) => ReasoningReport | undefined,
  on: CheckSwitch,
): HoverResult | undefined {
  const header = traceHeaderAt(analysis, offset);
  if (header) {
    const report = reportOf(header.trace);
    return report ? { span: header.span, markdown: describeReport(report) } : base;
  }
  const sample = analysis.samples?.find((s) => offset >= s.keySpan.start && offset <= s.keySpan.end);
  if (sample) {
    const entries = sampleTraces(analysis, sample).flatMap((trace) => {
      const report = reportOf(trace);
      return report ? [{ trace, report }] : [];
    });
    const checks = describeSampleReports(sample, entries);
    return checks ? { span: sample.keySpan, markdown: base ? `${base.markdown}\n\n---\n\n${checks}` : checks } : base;
  }
  const trace = analysis.traces.find((t) => offset >= t.span.start && offset <= t.span.end);
  const report = trace && reportOf(trace);
  if (!report) return base;
  const claims = claimsAt([report], offset).filter((c) => on(c.check));
  if (claims.length === 0) return base;
  const markdown = describeClaims(claims, text);
  return { span: base?.span ?? claimsSpan(claims), markdown: base ? `${markdown}\n\n---\n\n${base.markdown}` : markdown };
}
