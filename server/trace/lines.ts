/**
 * Line numbers for document offsets, from one pass over the text: problems
 * name the line to fix, and folds must span more than one line.
 */

/** Newline offsets of a text, for 1-based line numbers by binary search. */
export class LineIndex {
  private readonly newlines: number[] = [];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.newlines.push(i);
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    const nl = this.newlines;
    let lo = 0;
    let hi = nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nl[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  /** Whether a span covers more than one line (worth a fold). */
  multiline(start: number, end: number): boolean {
    return end > start && this.lineOf(start) < this.lineOf(end - 1);
  }
}
