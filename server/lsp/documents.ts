/**
 * Keeps one analysis per open document, computed off the request path:
 * edits schedule a re-analysis (debounced by size) and requests use the
 * latest analysis that matches the document's version, or a quick scan of
 * the lines around the cursor while a big document is still being analysed.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeList } from '../items/code-list';
import { scanCodes } from '../items/grammar';
import { analyzeDocument, detectKind } from '../trace/analyze';
import type { Analysis, AnalyzeContext } from '../trace/model';

interface Entry {
  version: number;
  analysis: Analysis;
}

/** Documents larger than this are analysed after a pause in typing, not on every keystroke. */
const BIG = 1_000_000;

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly context: () => AnalyzeContext,
    /** Called after a fresh analysis of the document's current version. */
    private readonly onAnalysed: (doc: TextDocument, analysis: Analysis) => void,
  ) {}

  /** The analysis of exactly this version, computing it now if needed. */
  get(doc: TextDocument): Analysis {
    const entry = this.entries.get(doc.uri);
    if (entry && entry.version === doc.version) return entry.analysis;
    return this.analyse(doc);
  }

  /** The analysis of this version when it is ready, else a codes-only scan of the text around `offset`. */
  getOrScan(doc: TextDocument, offset: number): Analysis {
    const entry = this.entries.get(doc.uri);
    if (entry && entry.version === doc.version) return entry.analysis;
    const text = doc.getText();
    if (text.length < BIG) return this.analyse(doc);
    const from = Math.max(0, offset - 4096);
    const to = Math.min(text.length, offset + 4096);
    const { grammar } = this.context();
    return { kind: 'text', codes: CodeList.from(grammar, scanCodes(text, grammar, from, to)), traces: [], outline: [], folds: [], problems: [] };
  }

  /** Re-analyse soon (documents that are big wait for a pause). */
  schedule(doc: TextDocument): void {
    clearTimeout(this.timers.get(doc.uri));
    const delay = doc.getText().length >= BIG ? 300 : 50;
    this.timers.set(
      doc.uri,
      setTimeout(() => {
        this.timers.delete(doc.uri);
        this.analyse(doc);
      }, delay),
    );
  }

  /** Forget a closed document. */
  delete(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.entries.delete(uri);
  }

  /** Drop every analysis (settings or tables changed). */
  clear(): void {
    this.entries.clear();
  }

  private analyse(doc: TextDocument): Analysis {
    const text = doc.getText();
    const analysis = analyzeDocument(text, detectKind(doc.uri, doc.languageId, text), this.context());
    this.entries.set(doc.uri, { version: doc.version, analysis });
    this.onAnalysed(doc, analysis);
    return analysis;
  }
}
