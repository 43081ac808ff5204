/**
 * The OneRec-Think layout: one JSON object keyed by item id, each value
 * `{ sid, title, categories }` (also read: a JSON list of row objects). The
 * file is split at its top level as it streams in — each entry is parsed on
 * its own — so a large table is never one string or one parsed object.
 *
 * JSON has no row boundaries to resume at, so a syntax error stops the read
 * (the entries before it stay read) and names the line.
 */
import type { CompiledGrammar } from '../grammar';
import { jsonErrorOffset, jsonErrorReason } from '../json-text';
import { describe, type RawRow } from './decode';
import type { ProblemLog } from './problems';
import { textSource, type RowSplitter } from './text-source';
import type { ColumnMapping } from '../../../protocol/items';
import type { RowSource } from './types';

const NOT_JSON_HINT = 'a table is one JSON object keyed by item id, or JSONL (one object per line, file extension .jsonl)';
/** A top-level value that is not an object or list is only read to say what it is. */
const MAX_SCALAR = 1 << 16;

type State = 'start' | 'scalar' | 'key-or-end' | 'key' | 'colon' | 'value' | 'in-value' | 'after-value' | 'done' | 'failed';

const WS = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Splits the top level of one JSON object (entries keyed by id) or list (rows) into rows as text streams in. */
export class JsonTableSplitter implements RowSplitter {
  private state: State = 'start';
  private list = false;
  private line = 1;
  private rows = 0;
  /** Text of the key or value being read, in pieces across chunks. */
  private pieces: string[] = [];
  private key: string | undefined;
  private valueLine = 1;
  private keyLine = 1;
  /** Inside the value: bracket depth, whether in a string, whether the last char was a backslash. */
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly log: ProblemLog) {}

  push(chunk: string): RawRow[] {
    const out: RawRow[] = [];
    let mark = 0; // start of the key/value text within this chunk
    const n = chunk.length;
    for (let i = 0; i < n && this.state !== 'failed'; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case 'start':
          if (c === 0x0a) this.line++;
          if (WS(c)) break;
          if (c === 0x7b /* { */) this.state = 'key-or-end';
          else if (c === 0x5b /* [ */) [this.state, this.list] = ['value', true];
          else [this.state, mark] = ['scalar', i];
          break;
        case 'scalar':
          // Collected to the end, bounded, only to say what the file holds instead of a table.
          i = n;
          break;
        case 'key-or-end':
          if (c === 0x0a) this.line++;
          if (WS(c)) break;
          if (c === 0x22 /* " */) [this.state, mark, this.escaped, this.keyLine] = ['key', i, false, this.line];
          else if (c === 0x7d /* } */ && this.rows === 0) this.state = 'done';
          else this.syntax(`Expected a property name (an item id in double quotes), not ${JSON.stringify(chunk[i])}`);
          break;
        case 'key': {
          // Jump to the next quote or backslash: keys are short, but this also keeps long ones linear.
          const j = this.escaped ? i : nextQuoteOrBackslash(chunk, i);
          if (j === -1) i = n;
          else if (this.escaped) this.escaped = false;
          else if (chunk.charCodeAt(j) === 0x5c) [this.escaped, i] = [true, j];
          else {
            i = j;
            this.pieces.push(chunk.slice(mark, i + 1));
            const text = this.pieces.join('');
            this.pieces = [];
            try {
              this.key = JSON.parse(text) as string;
              this.state = 'colon';
            } catch (e) {
              this.syntax(jsonErrorReason((e as Error).message));
            }
          }
          break;
        }
        case 'colon':
          if (c === 0x0a) this.line++;
          if (WS(c)) break;
          if (c === 0x3a /* : */) this.state = 'value';
          else this.syntax(`Expected ':' after property name`);
          break;
        case 'value':
          if (c === 0x0a) this.line++;
          if (WS(c)) break;
          if (this.list && c === 0x5d /* ] */ && this.rows === 0) {
            this.state = 'done';
            break;
          }
          [this.state, mark, this.valueLine, this.depth, this.inString, this.escaped] = ['in-value', i, this.line, 0, false, false];
          i--; // read this character as part of the value
          break;
        case 'in-value': {
          if (this.inString) {
            if (this.escaped) {
              this.escaped = false;
              break;
            }
            const j = nextQuoteOrBackslash(chunk, i);
            const stop = j === -1 ? n : j;
            this.line += countNewlines(chunk, i, stop);
            if (j === -1) i = n;
            else if (chunk.charCodeAt(j) === 0x5c) [this.escaped, i] = [true, j];
            else [this.inString, i] = [false, j];
            break;
          }
          if (c === 0x0a) this.line++;
          if (c === 0x22) this.inString = true;
          else if (c === 0x7b || c === 0x5b) this.depth++;
          else if (c === 0x7d || c === 0x5d) {
            if (this.depth === 0) {
              this.endValue(chunk.slice(mark, i), out);
              i--; // the bracket closes the table; read it in 'after-value'
            } else if (--this.depth === 0) this.endValue(chunk.slice(mark, i + 1), out);
          } else if (c === 0x2c /* , */ && this.depth === 0) {
            this.endValue(chunk.slice(mark, i), out);
            i--;
          }
          break;
        }
        case 'after-value':
          if (c === 0x0a) this.line++;
          if (WS(c)) break;
          if (c === 0x2c) this.state = this.list ? 'value' : 'key-or-end';
          else if (c === (this.list ? 0x5d : 0x7d)) this.state = 'done';
          else this.syntax(`Expected ',' or '${this.list ? ']' : '}'}' after ${this.list ? 'a row' : 'an entry'}`);
          break;
        case 'done':
          if (c === 0x0a) this.line++;
          if (!WS(c)) this.syntax('Unexpected non-whitespace character after JSON');
          break;
      }
    }
    // Keep the unfinished key or value for the next chunk.
    if (this.state === 'key' || this.state === 'in-value') this.pieces.push(chunk.slice(mark));
    else if (this.state === 'scalar' && this.pieces.reduce((s, p) => s + p.length, 0) < MAX_SCALAR) this.pieces.push(chunk.slice(mark, mark + MAX_SCALAR));
    return out;
  }

  end(): RawRow[] {
    const out: RawRow[] = [];
    const rest = this.pieces.join('');
    this.pieces = [];
    switch (this.state) {
      case 'start':
        this.log.fail(undefined, 'file is empty; expected one JSON object keyed by item id, or JSONL with one item per line');
        break;
      case 'scalar': {
        let value: unknown;
        try {
          value = JSON.parse(rest);
        } catch (e) {
          this.failAt(rest, 1, (e as Error).message);
          break;
        }
        this.log.fail(1, `expected a JSON object keyed by item id (the OneRec-Think layout) or a list of rows, not ${describe(value)}`);
        break;
      }
      case 'in-value':
        // A primitive value may end at the end of the file; anything else is cut off.
        if (this.depth === 0 && !this.inString && rest.trim() !== '') this.endValue(rest, out);
        if (this.state === 'in-value') this.failAt(rest, this.valueLine, parseError(rest));
        else if (this.state !== 'failed') this.syntax('Unexpected end of JSON input');
        break;
      case 'done':
      case 'failed':
        break;
      default:
        this.syntax('Unexpected end of JSON input');
    }
    return out;
  }

  private endValue(text: string, out: RawRow[]): void {
    const whole = this.pieces.length > 0 ? this.pieces.join('') + text : text;
    this.pieces = [];
    let value: unknown;
    try {
      value = JSON.parse(whole);
    } catch (e) {
      this.failAt(whole, this.valueLine, (e as Error).message);
      return;
    }
    this.rows++;
    if (this.list) out.push({ label: `row ${this.rows}`, line: this.valueLine, value });
    else out.push({ label: `item "${this.key}"`, line: this.keyLine, id: this.key, value });
    this.state = 'after-value';
  }

  /** A parse error inside `text` (which starts at `line`): report the line of the error itself. */
  private failAt(text: string, line: number, message: string): void {
    const offset = jsonErrorOffset(text, message);
    this.state = 'failed';
    this.log.fail(line + countNewlines(text, 0, offset), `file is not valid JSON: ${jsonErrorReason(message)} at line ${line + countNewlines(text, 0, offset)}; ${NOT_JSON_HINT}`);
  }

  private syntax(reason: string): void {
    this.state = 'failed';
    this.log.fail(this.line, `file is not valid JSON: ${reason} at line ${this.line}; ${NOT_JSON_HINT}`);
  }
}

/** V8's message for a value cut off by the end of the file ("Unterminated string", …). */
function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return 'Unexpected end of JSON input';
}

const QUOTE_OR_BACKSLASH = /["\\]/g;

/** Index of the next `"` or `\` from `from`, or -1; stops at the first, so a chunk full of strings stays linear. */
function nextQuoteOrBackslash(s: string, from: number): number {
  QUOTE_OR_BACKSLASH.lastIndex = from;
  return QUOTE_OR_BACKSLASH.exec(s)?.index ?? -1;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** A OneRec-Think JSON table (or a JSON list of rows) read in chunks. */
export function oneRecThinkSource(path: string, size: number, grammar: CompiledGrammar, mapping?: ColumnMapping): RowSource {
  return textSource(path, size, grammar, mapping, (log) => new JsonTableSplitter(log));
}
