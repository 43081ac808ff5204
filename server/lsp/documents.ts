/**
 * Keeps one analysis per open document, computed off the request path:
 * edits schedule a re-analysis (debounced by size) that runs in slices, so
 * the server keeps answering while a big dump is analysed. Requests that
 * need the whole analysis await it; hover and completion use the latest
 * analysis of this version or, while a big document is still being
 * analysed, a scan of the text around the cursor.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeList } from '../items/code-list';
import { scanCodes } from '../items/grammar';
import { analyzeDocument, analyzeDocumentAsync, detectKind } from '../trace/analyze';
import { AnalysisCancelled } from '../trace/slices';
import type { Analysis, AnalyzeContext } from '../trace/model';

interface Entry {
  version: number;
  analysis: Analysis;
}

interface Running {
  version: number;
  promise: Promise<Analysis>;
  controller: AbortController;
}

/** Documents at least this big are analysed in slices after a pause in typing. */
export const BIG_DOCUMENT = 1_000_000;

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Running>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly context: () => AnalyzeContext,
    /** Called after a fresh analysis of the document's current version. */
    private readonly onAnalysed: (doc: TextDocument, analysis: Analysis) => void,
  ) {}

  /** The analysis of exactly this version: at once when ready, else when the running analysis ends (starting one if none runs). */
  get(doc: TextDocument): Promise<Analysis> {
    const entry = this.entries.get(doc.uri);
    if (entry && entry.version === doc.version) return Promise.resolve(entry.analysis);
    if (doc.getText().length < BIG_DOCUMENT) return Promise.resolve(this.analyseNow(doc));
    const run = this.running.get(doc.uri);
    const promise = run && run.version === doc.version ? run.promise : this.start(doc);
    // An edit cancels the running analysis: wait for the one of the new version instead.
    return promise.catch((e: unknown) => (e instanceof AnalysisCancelled ? this.get(doc) : Promise.reject(e)));
  }

  /** The analysis of this version when it is ready, else a codes-only scan of the text around `offset` (never waits). */
  getOrScan(doc: TextDocument, offset: number): Analysis {
    const entry = this.entries.get(doc.uri);
    if (entry && entry.version === doc.version) return entry.analysis;
    const text = doc.getText();
    if (text.length < BIG_DOCUMENT) return this.analyseNow(doc);
    const from = Math.max(0, offset - 4096);
    const to = Math.min(text.length, offset + 4096);
    const { grammar } = this.context();
    return { kind: 'text', codes: CodeList.from(grammar, scanCodes(text, grammar, from, to)), traces: [], outline: [], folds: [], problems: [] };
  }

  /** Re-analyse soon (big documents wait for a pause in typing). */
  schedule(doc: TextDocument): void {
    clearTimeout(this.timers.get(doc.uri));
    const big = doc.getText().length >= BIG_DOCUMENT;
    this.timers.set(
      doc.uri,
      setTimeout(
        () => {
          this.timers.delete(doc.uri);
          if (big) this.start(doc).catch(() => undefined);
          else this.analyseNow(doc);
        },
        big ? 300 : 50,
      ),
    );
  }

  /** Forget a closed document. */
  delete(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.running.get(uri)?.controller.abort();
    this.running.delete(uri);
    this.entries.delete(uri);
  }

  /** Drop every analysis (settings or tables changed). */
  clear(): void {
    for (const run of this.running.values()) run.controller.abort();
    this.running.clear();
    this.entries.clear();
  }

  private analyseNow(doc: TextDocument): Analysis {
    const text = doc.getText();
    const analysis = analyzeDocument(text, detectKind(doc.uri, doc.languageId, text), this.context());
    this.finish(doc, analysis);
    return analysis;
  }

  private start(doc: TextDocument): Promise<Analysis> {
    this.running.get(doc.uri)?.controller.abort();
    const controller = new AbortController();
    const text = doc.getText();
    const version = doc.version;
    const promise = analyzeDocumentAsync(text, detectKind(doc.uri, doc.languageId, text), this.context(), { signal: controller.signal, sliceMs: 4 }).then((analysis) => {
      if (this.running.get(doc.uri)?.promise === promise) this.running.delete(doc.uri);
      this.finish(doc, analysis, version);
      return analysis;
    });
    this.running.set(doc.uri, { version, promise, controller });
    return promise;
  }

  private finish(doc: TextDocument, analysis: Analysis, version = doc.version): void {
    this.entries.set(doc.uri, { version, analysis });
    if (doc.version === version) this.onAnalysed(doc, analysis);
  }
}
