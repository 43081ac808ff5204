/**
 * Splitting a document into lines while keeping each line's terminator, so
 * that concatenating the pieces gives the document back byte for byte.
 */

/** A line break as written; `''` only on the last line. CR alone counts as a break, as in LSP. */
export type Eol = '' | '\n' | '\r\n' | '\r';

/** One physical line: its text without the terminator, where it starts, and the terminator. */
export interface SourceLine {
  start: number;
  text: string;
  eol: Eol;
}

/** Split `text[from..]` into lines; a trailing break yields a final empty line only if text follows it. */
export function splitLines(text: string, from = 0): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = from;
  const n = text.length;
  while (start < n) {
    let i = start;
    // Scanning by char code keeps a 10 MB single line linear and allocation-free.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    let eol: Eol = '';
    if (i < n) eol = text.charCodeAt(i) === 13 ? (text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r') : '\n';
    lines.push({ start, text: text.slice(start, i), eol });
    start = i + eol.length;
  }
  return lines;
}

/** Offset just past a line's text (before its terminator). */
export function lineEnd(line: SourceLine): number {
  return line.start + line.text.length;
}

/** Length of a line's text without trailing spaces and tabs. */
export function trimmedLength(text: string): number {
  let e = text.length;
  while (e > 0) {
    const c = text.charCodeAt(e - 1);
    if (c !== 32 && c !== 9) break;
    e--;
  }
  return e;
}

/** Index of the first character that is not a space or tab, from `i`. */
export function skipBlanks(text: string, i: number, end = text.length): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** Index of the first space or tab from `i` (or `end`). */
export function skipWord(text: string, i: number, end = text.length): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) break;
    i++;
  }
  return i;
}

/** A function giving the 1-based line number of an offset (for messages that point elsewhere). */
export function lineNumbers(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    starts ??= splitLines(text).map((l) => l.start);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
