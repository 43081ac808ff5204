/**
 * Zero-based line/character positions for document offsets, as LSP counts
 * them: `\n`, `\r\n` and a lone `\r` each end a line, characters are UTF-16
 * code units. Line starts are found lazily, only as far into the text as the
 * largest offset asked for, so a graph of the first sample of a 100 MB dump
 * does not scan the whole dump.
 */
import type { GraphRange } from '../../protocol/graph';
import type { Span } from '../items/types';

export class Positions {
  /** Offsets where lines start, ascending; complete up to `scanned`. */
  private readonly starts: number[] = [0];
  private scanned = 0;

  constructor(private readonly text: string) {}

  /** The position of an offset (clamped to the text). */
  at(offset: number): { line: number; character: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    this.scanTo(o);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  range(span: Span): GraphRange {
    return { start: this.at(span.start), end: this.at(span.end) };
  }

  private scanTo(offset: number): void {
    const text = this.text;
    let i = this.scanned;
    if (i > offset) return;
    // One line past the offset, so that a `\r\n` straddling it is read whole.
    const limit = Math.min(text.length, offset + 1);
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
        this.starts.push(i);
      } else if (c === 10) {
        i++;
        this.starts.push(i);
      } else i++;
    }
    this.scanned = i;
  }
}
