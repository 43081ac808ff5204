/**
 * `reclens check --reasoning FILE…`: the reasoning checks of every trace,
 * beside the usual problems. Claims that contradict the table are warnings
 * and partial matches hints (as in the editor), printed in `check`'s
 * `file:line:col: severity: verdict: message [check/<name>]` form; then a
 * report per trace — per sample over a dump (the sum of its generations) —
 * and, over more than one trace, the overall sum: how often perception is
 * wrong, claims by layer, coverage, recommendations.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Claim, ReasoningReport } from '../checks/types';
import { claimProblems, type CheckSwitch } from '../language/check-diagnostics';
import { sampleTraces } from '../language/check-hover';
import type { CheckTrace } from '../language/check-trace';
import { aggregateReports, aggregateRows, reportRows, rowsText, type ReasoningAggregate } from '../language/reasoning-summary';
import type { TraceUnit } from '../trace/model';
import { checkedProblem, type CheckedProblem, type ReadFile } from './check';

/** A claim with 1-based lines and columns (JSON output). */
export type PlacedClaim = Claim & { line: number; column: number; endLine: number; endColumn: number };

/** One trace's report, placed in its file (JSON output). */
export interface TraceResult {
  file: string;
  trace: string;
  /** The dump sample the trace is a generation of. */
  sample?: string;
  report: Omit<ReasoningReport, 'claims'> & { claims: PlacedClaim[] };
}

export interface ReasoningResult {
  /** Problems of the claims of the checks switched on (contradictions and partial matches). */
  problems: CheckedProblem[];
  /** Every trace's report (kept only when asked: JSON output). */
  traces: TraceResult[];
  /** Dumps: the sum over each sample's generations. */
  samples: { file: string; sample: string; aggregate: ReasoningAggregate }[];
  /** Every trace of every file. */
  overall: ReasoningAggregate;
  /** The text report: one block per trace or sample, and the overall block. */
  text: string;
}

/** Checks files one at a time (a file's analysis can go once it is added), summing as it goes. */
export class ReasoningRun {
  private readonly result: Omit<ReasoningResult, 'overall' | 'text'> = { problems: [], traces: [], samples: [] };
  private readonly entries: Parameters<typeof aggregateReports>[0][number][] = [];
  private readonly blocks: string[] = [];
  private files = 0;

  constructor(
    private readonly check: CheckTrace,
    private readonly on: CheckSwitch,
    /** Keep each trace's report with its placed claims (for JSON). */
    private readonly keepTraces: boolean,
  ) {}

  /** Check every trace of a file read; returns the problems of its claims. */
  add(read: ReadFile): CheckedProblem[] {
    this.files++;
    if ('unreadable' in read) return [];
    const { analysis, doc } = read;
    const text = doc.getText();
    const reports = new Map<TraceUnit, ReasoningReport>();
    for (const trace of analysis.traces) {
      const report = this.check(analysis, text, trace);
      reports.set(trace, report);
      this.entries.push({ report, layerOf: layerOf(trace) });
    }
    const problems = claimProblems(reports.values(), this.on).map((p): CheckedProblem => ({ ...checkedProblem(read.file, doc, p), verdict: p.claim.verdict as 'partly' | 'contradicts', related: p.related }));
    this.result.problems.push(...problems);
    const inSample = new Map<TraceUnit, string>();
    for (const sample of analysis.samples ?? []) {
      const own = sampleTraces(analysis, sample);
      if (own.length === 0) continue;
      for (const t of own) inSample.set(t, sample.id);
      const aggregate = aggregateReports(own.map((t) => ({ report: reports.get(t)!, layerOf: layerOf(t) })));
      this.result.samples.push({ file: read.file, sample: sample.id, aggregate });
      this.blocks.push(`${read.file}: sample ${sample.id} (${own.length} generation${own.length === 1 ? '' : 's'})\n${rowsText(aggregateRows(aggregate).slice(1))}`);
    }
    for (const [trace, report] of reports) {
      const sample = inSample.get(trace);
      if (this.keepTraces) this.result.traces.push({ file: read.file, trace: trace.id, ...(sample !== undefined && { sample }), report: { ...report, claims: report.claims.map((c) => place(doc, c)) } });
      if (sample === undefined) this.blocks.push(`${read.file}: trace ${trace.id}\n${rowsText(reportRows(report))}`);
    }
    return problems;
  }

  /** Everything added, summed. */
  finish(): ReasoningResult {
    const overall = aggregateReports(this.entries);
    const blocks = [...this.blocks];
    if (this.entries.length > 1) blocks.push(`overall: ${this.entries.length} traces in ${this.files} file${this.files === 1 ? '' : 's'}\n${rowsText(aggregateRows(overall).slice(1))}`);
    return { ...this.result, overall, text: blocks.join('\n\n') };
  }
}

const layerOf = (trace: TraceUnit) => (stepId: string) => trace.steps.find((s) => s.id === stepId)?.layer;

function place(doc: TextDocument, claim: Claim): PlacedClaim {
  const start = doc.positionAt(claim.span.start);
  const end = doc.positionAt(claim.span.end);
  return { ...claim, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}
