/**
 * The lines of a JSONL users file as rows, read in 1 MB chunks. A line longer
 * than `MAX_LINE_CHARS` is counted but never held whole, so one runaway line
 * cannot take the server's memory; it becomes a row whose value says why it
 * was skipped.
 */
import { jsonErrorReason } from '../items/json-text';
import type { RawRow } from '../items/sources/decode';
import type { ProblemLog } from '../items/sources/problems';
import { splitFile } from '../items/sources/text-source';

/** Longest line read: a history of 10⁵ spelled-out codes is about 5 M characters. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;


/** Splits text into JSON rows as it arrives; blank lines are not rows but keep their line numbers. */
export class UserLineSplitter {
  private pending: string[] = [];
  private pendingChars = 0;
  private line = 0;
  /** Whether any line held more than whitespace. */
  content = false;

  constructor(private readonly maxLineChars = MAX_LINE_CHARS) {}

  /** The rows completed by `chunk`. */
  push(chunk: string): RawRow[] {
    const out: RawRow[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.piece(chunk.slice(start, nl));
      this.take(out);
      start = nl + 1;
    }
    if (start < chunk.length) this.piece(chunk.slice(start));
    return out;
  }

  /** The row of a last line with no line break after it. */
  end(): RawRow[] {
    const out: RawRow[] = [];
    if (this.pendingChars > 0) this.take(out);
    return out;
  }

  private piece(text: string): void {
    // Past the limit only the length is kept.
    if (this.pendingChars <= this.maxLineChars) this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars > this.maxLineChars) this.pending = [];
  }

  private take(out: RawRow[]): void {
    this.line++;
    const label = `line ${this.line}`;
    const chars = this.pendingChars;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (chars > this.maxLineChars) {
      this.content = true;
      out.push({ label, line: this.line, value: new Error(`the line is ${chars.toLocaleString('en')} characters long, more than the ${this.maxLineChars.toLocaleString('en')} a user may take; split the history or shorten it`) });
      return;
    }
    if (text.trim() === '') return;
    this.content = true;
    try {
      out.push({ label, line: this.line, value: JSON.parse(text) });
    } catch (e) {
      out.push({ label, line: this.line, value: new Error(`not valid JSON (${jsonErrorReason((e as Error).message)}); each line must be one JSON object`) });
    }
  }
}

/** The rows of a JSONL users file in batches (one per chunk); `done` counts bytes. File-level failures go to `log`. */
export async function* jsonlUserRows(path: string, log: ProblemLog): AsyncGenerator<{ rows: RawRow[]; done: number }> {
  const splitter = new UserLineSplitter();
  let failed = false;
  let last: { rows: RawRow[]; done: number } | undefined;
  const onError = (e: Error): void => {
    failed = true;
    log.fail(undefined, `cannot read the users file: ${e.message}; check that it is readable and not being written`);
  };
  for await (const batch of splitFile(path, splitter, onError)) {
    if (last) yield last;
    last = batch;
  }
  if (failed) return;
  // The last batch waits until the end is known, so an empty file is reported before it.
  if (!splitter.content) log.fail(undefined, 'file is empty; expected JSONL with one user per line, e.g. {"user": "u1", "history": [101, 102], "targets": [103]}');
  if (last) yield last;
}
