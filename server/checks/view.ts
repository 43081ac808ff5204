/**
 * A step's words as the checks read them, with the way back to the
 * document: `Step.text` is plain (decoded from JSON escapes, each line
 * trimmed, no `<- h1` evidence list or `alt` lines), while a claim's
 * diagnostic must sit on the exact characters of the document. The document
 * slice of the step is decoded (JSON escapes in dumps and chat records) and
 * the step text is aligned to it as a subsequence, anchored at its first
 * line.
 */
import type { Span } from '../items/types';
import type { DocumentKind, Step } from '../trace/model';

/** A step's plain text and the document offset of each of its characters. */
export interface StepView {
  text: string;
  /** The document span of `text[from, to)`. */
  span(from: number, to: number): Span;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

/** The characters of `doc[from, to)` as a JSON string body decodes them (escapes resolved), each with its document offset. */
function decoded(doc: string, from: number, to: number, json: boolean): { chars: string; at: number[] } {
  if (!json) return { chars: doc.slice(from, to), at: Array.from({ length: to - from }, (_, i) => from + i) };
  let chars = '';
  const at: number[] = [];
  for (let i = from; i < to; i++) {
    const c = doc[i];
    if (c === '\\' && i + 1 < to) {
      const e = doc[i + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(doc.slice(i + 2, i + 6))) {
        chars += String.fromCharCode(parseInt(doc.slice(i + 2, i + 6), 16));
        at.push(i);
        i += 5;
        continue;
      }
      if (ESCAPES[e] !== undefined) {
        chars += ESCAPES[e];
        at.push(i);
        i++;
        continue;
      }
    }
    chars += c;
    at.push(i);
  }
  return { chars, at };
}

/** The view of one step of a document of `kind`. Falls back to the step's whole span when its text cannot be aligned (it then still points at the right step). */
export function stepView(doc: string, kind: DocumentKind, step: Step): StepView {
  const text = step.text;
  const { chars, at } = decoded(doc, step.span.start, step.span.end, kind === 'benchmark' || kind === 'jsonl');
  const firstLine = text.split('\n', 1)[0];
  let p = Math.max(0, chars.indexOf(firstLine));
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const found = chars.indexOf(text[i], p);
    if (found < 0) return { text, span: () => ({ ...step.span }) };
    map.push(found);
    p = found + 1;
  }
  const start = (i: number): number => (i < map.length ? at[map[i]] : step.span.end);
  // The end of a character is the start of the next document character (an escape is several characters long).
  const end = (i: number): number => (i <= 0 ? start(0) : map[i - 1] + 1 < at.length ? at[map[i - 1] + 1] : step.span.end);
  return { text, span: (from, to) => ({ start: start(from), end: Math.max(start(from), end(to)) }) };
}
