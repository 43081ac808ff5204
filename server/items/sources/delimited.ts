/**
 * CSV and TSV tables with a header row (RFC 4180 quoting: a field in double
 * quotes may hold the delimiter, line breaks and `""` for a quote; CRLF or
 * LF line ends). Columns are named by the header and picked by a
 * `ColumnMapping`; the code may be one column in any itemic spelling, a list
 * of integers or "1 2 3", or one column per level.
 */
import type { CompiledGrammar } from '../grammar';
import type { RawRow } from './decode';
import type { ProblemLog } from './problems';
import { textSource, type RowSplitter } from './text-source';
import type { ColumnMapping } from '../../../protocol/items';
import type { RowSource } from './types';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Splits delimited text into rows keyed by the header's column names. */
export class DelimitedSplitter implements RowSplitter {
  private readonly delimiter: number;
  private readonly plain: RegExp;
  private header: string[] | undefined;
  private fields: string[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  private afterQuote = false;
  private pendingCR = false;
  /** Why the record being read is malformed (it is still read to its end, then skipped). */
  private bad: string | undefined;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private rows = 0;

  constructor(
    private readonly log: ProblemLog,
    delimiter: ',' | '\t' | ';' | '|',
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.plain = new RegExp(`[${delimiter === '|' ? '\\|' : delimiter}\\n\\r"]`, 'g');
  }

  push(chunk: string): RawRow[] {
    const out: RawRow[] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.inQuotes) {
        const q = chunk.indexOf('"', i);
        const stop = q === -1 ? n : q;
        this.line += newlines(chunk, i, stop);
        this.field += chunk.slice(i, stop);
        if (q === -1) break;
        [this.inQuotes, this.afterQuote, i] = [false, true, q + 1];
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        // A CR not followed by LF is text.
        if (c !== LF) this.field += '\r';
      }
      if (this.afterQuote) {
        this.afterQuote = false;
        if (c === QUOTE) {
          // "" inside a quoted field is one quote.
          [this.field, this.inQuotes, i] = [this.field + '"', true, i + 1];
          continue;
        }
        if (c !== this.delimiter && c !== LF && c !== CR) this.bad ??= `text after the closing quote of field ${this.fields.length + 1} (a quote inside a quoted field is written "")`;
      }
      if (c === this.delimiter) {
        this.endField();
        i++;
      } else if (c === LF) {
        this.endField();
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        i++;
      } else if (c === CR) {
        this.pendingCR = true;
        i++;
      } else if (c === QUOTE && this.field === '' && !this.quoted) {
        [this.inQuotes, this.quoted, this.quoteLine] = [true, true, this.line];
        i++;
      } else {
        this.plain.lastIndex = i + 1;
        const j = this.plain.exec(chunk)?.index ?? n;
        this.field += chunk.slice(i, j);
        i = j;
      }
    }
    return out;
  }

  end(): RawRow[] {
    const out: RawRow[] = [];
    if (this.inQuotes) {
      this.bad = `the quoted field opened at line ${this.quoteLine} is not closed by the end of the file`;
      this.inQuotes = false;
    }
    this.pendingCR = false;
    this.endField();
    this.endRecord(out);
    if (!this.header) this.log.fail(undefined, 'file is empty; expected a header row naming the columns (e.g. id,sid,title), then one item per line');
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    [this.field, this.quoted, this.afterQuote] = ['', false, false];
  }

  private endRecord(out: RawRow[]): void {
    const fields = this.fields;
    this.fields = [];
    const bad = this.bad;
    this.bad = undefined;
    if (fields.length === 1 && fields[0] === '' && !bad) return; // a blank line is not a row
    if (!this.header) {
      this.header = fields.map((f) => f.trim());
      const twice = this.header.find((h, k) => this.header!.indexOf(h) !== k);
      if (twice !== undefined) this.log.note(this.recordLine, `the header names column "${twice}" twice; the later one is read`);
      return;
    }
    const label = `row ${++this.rows}`;
    const line = this.recordLine;
    if (bad) out.push({ label, line, value: new Error(bad) });
    else if (fields.length !== this.header.length) out.push({ label, line, value: new Error(`has ${fields.length} fields but the header has ${this.header.length} (is a field with the delimiter or a line break missing its quotes?)`) });
    else {
      // No prototype: a column named "__proto__" is just a column.
      const value = Object.create(null) as Record<string, string>;
      for (let k = 0; k < fields.length; k++) if (fields[k] !== '') value[this.header[k]] = fields[k];
      out.push({ label, line, value });
    }
  }
}

function newlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** A CSV (`,`) or TSV (`\t`) table read in chunks. */
export function delimitedSource(path: string, size: number, grammar: CompiledGrammar, delimiter: ',' | '\t', mapping?: ColumnMapping): RowSource {
  return textSource(path, size, grammar, mapping, (log) => new DelimitedSplitter(log, delimiter));
}
