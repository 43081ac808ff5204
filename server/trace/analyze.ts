/**
 * The one entry to trace analysis: which kind a document is, and its
 * `Analysis` (codes, traces, outline, folds, problems), synchronously or in
 * slices that give the event loop back (for big documents in the server).
 */
import { benchmarkSlices } from './benchmark';
import { jsonlSlices } from './jsonl';
import type { Analysis, AnalyzeContext, DocumentKind, Problem } from './model';
import { analyzeRtrace } from './rtrace/analyze';
import { drain, drainAsync, type Sliced } from './slices';
import { textSlices } from './text';

/** The kind of a document, from its name, language and (for JSON) its first bytes. */
export function detectKind(uri: string, languageId: string | undefined, text: string): DocumentKind {
  const path = uri.toLowerCase().replace(/[?#].*$/, '');
  if (languageId === 'rtrace' || path.endsWith('.rtrace')) return 'rtrace';
  const json = languageId === 'json' || languageId === 'jsonc' || languageId === 'jsonl' || /\.(json|jsonl|ndjson)$/.test(path);
  const head = text.slice(0, 4096).trimStart();
  if (json || head.startsWith('{') || head.startsWith('[')) {
    if (languageId !== 'jsonl' && !/\.(jsonl|ndjson)$/.test(path) && head.startsWith('{') && hasSamples(text)) return 'benchmark';
    if (json || looksLikeJson(head)) return 'jsonl';
  }
  return 'text';
}

/**
 * Whether the top-level object has a `samples` object or list, wherever the
 * key stands: the OneReason/OpenOneRec generation runner writes
 * `model_name`, `task_name`, `split`, timings (and `race_mode`,
 * `hardware_info`, …) before it. One pass that skips nested values.
 */
export function hasSamples(text: string): boolean {
  let i = text.indexOf('{');
  if (i < 0) return false;
  let depth = 0;
  let keyNext = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) return false;
      if (depth === 1 && keyNext) {
        if (end - i === 8 && text.startsWith('"samples"', i)) {
          const v = /^\s*:\s*([[{])/.exec(text.slice(end + 1, end + 65));
          if (v) return true;
        }
        keyNext = false;
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      keyNext = c === 123 && depth === 1;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (--depth === 0) return false;
    } else if (c === 44 /* , */ && depth === 1) keyNext = true;
  }
  return false;
}

/** The offset of the quote closing the JSON string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let j = text.indexOf('"', start + 1); j >= 0; j = text.indexOf('"', j + 1)) {
    let slashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === 92; k--) slashes++;
    if (slashes % 2 === 0) return j;
  }
  return -1;
}

/** A Markdown or log file may start with a brace; JSON starts with `{"` or `[` followed by a value. */
const looksLikeJson = (head: string): boolean => /^(\{\s*("|\})|\[\s*[[{"\d\-tfn\]])/.test(head);

/** Analyse a document of a known kind. */
export function analyzeDocument(text: string, kind: DocumentKind, ctx: AnalyzeContext): Analysis {
  // The .rtrace analyser reports its codes' problems itself.
  if (kind === 'rtrace') return analyzeRtrace(text, ctx);
  return drain(slices(text, kind, ctx));
}

/**
 * `analyzeDocument` a few milliseconds at a time, yielding to the event loop
 * in between; rejects with `AnalysisCancelled` when `signal` aborts. (An
 * `.rtrace` file is analysed in one go: it is written by hand or by RecLens
 * and stays small.)
 */
export async function analyzeDocumentAsync(text: string, kind: DocumentKind, ctx: AnalyzeContext, options: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<Analysis> {
  if (kind === 'rtrace') return analyzeDocument(text, kind, ctx);
  return drainAsync(slices(text, kind, ctx), options);
}

function* slices(text: string, kind: Exclude<DocumentKind, 'rtrace'>, ctx: AnalyzeContext): Sliced<Analysis> {
  const work = kind === 'benchmark' ? benchmarkSlices(text, ctx) : kind === 'jsonl' ? jsonlSlices(text, ctx) : textSlices(text, ctx);
  return withCodeProblems(yield* work);
}

/** Every problem of a code (`CodeMatch.problems`) as a document problem `code/<kind>`, merged in document order (a complete code without an end token is normal in a benchmark dump). */
function withCodeProblems(analysis: Analysis): Analysis {
  const found: Problem[] = [];
  // The benchmark's runner decodes exactly the code's level tokens (max_new_tokens = levels): its answers never have an end token.
  const endless = analysis.kind === 'benchmark' ? analysis.codes.grammar.levelCount : -1;
  for (const m of analysis.codes.irregular()) {
    for (const p of m.problems) if (!(p.kind === 'unterminated' && m.levels.length === endless)) found.push({ span: p.span, severity: p.kind === 'unterminated' ? 'warning' : 'error', code: `code/${p.kind}`, message: p.message });
  }
  if (found.length === 0) return analysis;
  analysis.problems = [...analysis.problems, ...found].sort((a, b) => a.span.start - b.span.start);
  return analysis;
}
