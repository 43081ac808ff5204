/**
 * JSONL tables: one JSON object per line (`id`, a code, text fields, or the
 * columns a `ColumnMapping` names). A line that is not JSON is one skipped
 * row; the lines around it are still read.
 */
import type { CompiledGrammar } from '../grammar';
import { jsonErrorReason } from '../json-text';
import type { RawRow } from './decode';
import type { ProblemLog } from './problems';
import { textSource, type RowSplitter } from './text-source';
import type { ColumnMapping } from '../../../protocol/items';
import type { RowSource } from './types';

/** Splits JSONL text into rows; blank lines are not rows but keep their line numbers. */
export class JsonlSplitter implements RowSplitter {
  /** Text of the line not yet ended, in pieces (a 10 MB line arrives in several chunks). */
  private pending: string[] = [];
  private line = 0;
  private rows = 0;
  private content = false;

  constructor(private readonly log: ProblemLog) {}

  push(chunk: string): RawRow[] {
    const out: RawRow[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      let text = chunk.slice(start, nl);
      if (this.pending.length > 0) {
        this.pending.push(text);
        text = this.pending.join('');
        this.pending = [];
      }
      this.take(text, out);
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.slice(start));
    return out;
  }

  end(): RawRow[] {
    const out: RawRow[] = [];
    if (this.pending.length > 0) this.take(this.pending.join(''), out);
    this.pending = [];
    if (!this.content) this.log.fail(undefined, 'file is empty; expected JSONL with one item per line');
    return out;
  }

  private take(text: string, out: RawRow[]): void {
    this.line++;
    if (text.trim() === '') return;
    this.content = true;
    const label = `row ${++this.rows}`;
    try {
      out.push({ label, line: this.line, value: JSON.parse(text) });
    } catch (e) {
      // Kept as a row so that the skip count covers it.
      out.push({ label, line: this.line, value: new Error(`not valid JSON (${jsonErrorReason((e as Error).message)})`) });
    }
  }
}

/** A JSONL table read in chunks. */
export function jsonlSource(path: string, size: number, grammar: CompiledGrammar, mapping?: ColumnMapping): RowSource {
  return textSource(path, size, grammar, mapping, (log) => new JsonlSplitter(log));
}

/** Whether the start of a `.json` file is JSONL: a complete object on the first line and another line after it. */
export function looksLikeJsonl(head: string): boolean {
  const lines = head.split('\n', 3).filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    const first = JSON.parse(lines[0]) as unknown;
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}
