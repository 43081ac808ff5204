/**
 * The reasoning checks of open documents, kept per document version beside
 * the analysis (server/lsp/documents.ts) and computed off the request path.
 *
 * Decisions:
 * - A document under `BIG_DOCUMENT` has every trace checked after each
 *   analysis, a few milliseconds at a time (`drainAsync`), so the server
 *   keeps answering while a dump of hundreds of generations is checked; an
 *   edit cancels the run.
 * - A bigger document (a benchmark dump of thousands of samples) is checked
 *   lazily: only the traces a user looks at — hovered, or drawn as a graph —
 *   and those again after each edit. Checking every generation of a 50 MB
 *   dump would resolve every lazy trace and hold the item pool busy for
 *   minutes for diagnostics nobody scrolls to; `reclens check --reasoning`
 *   checks all of them.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ReasoningReport } from '../checks/types';
import { anyCheckOn, type CheckSwitch } from '../language/check-diagnostics';
import type { CheckTrace } from '../language/check-trace';
import { drainAsync, AnalysisCancelled, type Sliced } from '../trace/slices';
import type { Analysis, TraceUnit } from '../trace/model';
import { BIG_DOCUMENT } from './documents';

interface Entry {
  version: number;
  reports: Map<string, ReasoningReport>;
  run?: AbortController;
}

export class ReasoningChecks {
  private readonly entries = new Map<string, Entry>();
  /** Big documents: the traces looked at, kept across versions. */
  private readonly wanted = new Map<string, Set<string>>();

  constructor(
    private readonly check: CheckTrace,
    /** The checks switched on (`reclens.checks.*`). */
    private readonly on: () => CheckSwitch,
  ) {}

  /** The reports computed for this version of the document. */
  known(doc: TextDocument): ReasoningReport[] {
    const entry = this.entries.get(doc.uri);
    return entry && entry.version === doc.version ? [...entry.reports.values()] : [];
  }

  /**
   * Check a fresh analysis: every trace of a small document, the traces
   * looked at of a big one. Resolves true when it finished for this version
   * (false when cancelled by an edit or a close, or when nothing is on).
   */
  async analysed(doc: TextDocument, analysis: Analysis): Promise<boolean> {
    const version = doc.version;
    this.entries.get(doc.uri)?.run?.abort();
    const entry: Entry = { version, reports: new Map() };
    this.entries.set(doc.uri, entry);
    if (!anyCheckOn(this.on())) return false;
    const text = doc.getText();
    const wanted = this.wanted.get(doc.uri);
    const traces = text.length < BIG_DOCUMENT ? analysis.traces : analysis.traces.filter((t) => wanted?.has(t.id));
    if (traces.length === 0) return true;
    const run = (entry.run = new AbortController());
    const check = this.check;
    function* work(): Sliced<void> {
      for (const trace of traces) {
        entry.reports.set(trace.id, check(analysis, text, trace));
        yield;
      }
    }
    try {
      await drainAsync(work(), { signal: run.signal, sliceMs: 4 });
    } catch (e) {
      if (e instanceof AnalysisCancelled) return false;
      throw e;
    }
    entry.run = undefined;
    return this.entries.get(doc.uri) === entry && doc.version === version;
  }

  /** The report of one trace of this version, computed now when missing; undefined when every check is off. A big document's trace is remembered as looked at. */
  report(doc: TextDocument, analysis: Analysis, trace: TraceUnit): { report: ReasoningReport; fresh: boolean } | undefined {
    if (!anyCheckOn(this.on())) return undefined;
    let entry = this.entries.get(doc.uri);
    if (!entry || entry.version !== doc.version) {
      entry?.run?.abort();
      entry = { version: doc.version, reports: new Map() };
      this.entries.set(doc.uri, entry);
    }
    const known = entry.reports.get(trace.id);
    if (known) return { report: known, fresh: false };
    if (doc.getText().length >= BIG_DOCUMENT) {
      const set = this.wanted.get(doc.uri) ?? new Set<string>();
      set.add(trace.id);
      this.wanted.set(doc.uri, set);
    }
    const report = this.check(analysis, doc.getText(), trace);
    entry.reports.set(trace.id, report);
    return { report, fresh: true };
  }

  /** Forget a closed document. */
  delete(uri: string): void {
    this.entries.get(uri)?.run?.abort();
    this.entries.delete(uri);
    this.wanted.delete(uri);
  }

  /** Drop every report (settings or tables changed); the traces looked at stay wanted. */
  clear(): void {
    for (const e of this.entries.values()) e.run?.abort();
    this.entries.clear();
  }
}
