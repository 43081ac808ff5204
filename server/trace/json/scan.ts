/**
 * A JSON scanner that builds no values: it checks the syntax, keeps a
 * skeleton of the containers down to a chosen depth (spans and keys only),
 * and finds every itemic code inside string bodies with exact document
 * offsets. It is iterative (a 100k-deep document needs no call stack), never
 * throws, reports the first syntax error of a value and keeps going
 * leniently, and can run in slices (`run(limit)`) so a caller can yield
 * between them.
 *
 * Speed comes from not looking at string bodies character by character:
 * `indexOf('"')` finds the end of a string, and the body is decoded only when
 * one of its escapes could change the codes in it (see strings.ts).
 */
import type { CompiledGrammar } from '../../items/grammar';
import { CodeList } from '../../items/code-list';
import type { Span } from '../../items/types';
import { findCodes } from '../codes';
import { decodeJsonString, remapMatch, escapesAreInert, tokenChars, type OffsetMap, type TokenChars } from './strings';

/** A value in the skeleton. Offsets are into the scanned source text (see `JsonDoc.toDoc`). */
export interface JsonNode {
  kind: 'object' | 'array' | 'string' | 'number' | 'literal';
  start: number;
  /** Exclusive; the end of the scanned range when the value is not closed. */
  end: number;
  /** For an object member: its key (a string node). */
  key?: JsonNode;
  /** Members or items, kept down to the scanner's `keepDepth`. */
  children?: JsonNode[];
  /** Strings: the body holds a backslash (decode before use). */
  escaped?: boolean;
  /** Strings holding a JSON document of their own (OpenOneRec `messages`), scanned as such. */
  nested?: JsonDoc;
  closed: boolean;
}

/** A syntax problem, in document offsets. */
export interface JsonProblem {
  span: Span;
  /** Short reason, e.g. "unexpected end of input". */
  reason: string;
}

/** The result of scanning one range of a source text. */
export interface JsonDoc {
  /** The text the node offsets point into: the document, or a decoded string. */
  text: string;
  /** Decoded-text offsets → document offsets; absent when `text` is the document. */
  map?: OffsetMap;
  values: JsonNode[];
  /** The first syntax error (later ones follow from it too often to be useful), if any. */
  problems: JsonProblem[];
}

export interface JsonScanOptions {
  grammar: CompiledGrammar;
  /** Where found codes go (document offsets, in order). */
  codes: CodeList;
  /** Containers deeper than this are checked and scanned but not kept (0 keeps only top-level values). */
  keepDepth: number;
  /** Accept several top-level values (JSON Lines read as one stream); otherwise one. */
  sequence?: boolean;
  /** Scan strings that hold a JSON document as JSON (their skeleton goes to `JsonNode.nested`). */
  nested?: boolean;
}

const OBJECT = 0;
const ARRAY = 1;
// What a frame (or the top level) expects next.
const VALUE = 0; // a value (array item, member value, top-level value)
const FIRST = 1; // a value or the closer (empty array), a key or the closer (empty object)
const KEY = 2; // a key (after a comma in an object)
const COLON = 3;
const COMMA = 4; // a comma or the closer
const DONE = 5; // top level: the value is complete

/** Scans `text[from, to)`; call `run` until it returns true, then read `doc`. */
export class JsonScanner {
  readonly doc: JsonDoc;
  private pos: number;
  private readonly kinds: number[] = [];
  private readonly states: number[] = [];
  private readonly nodes: (JsonNode | undefined)[] = [];
  private topState = VALUE;
  private pendingKey: JsonNode | undefined;
  private broken = false;
  private nextBackslash = -2; // cached `indexOf('\\')`, -2 = not yet looked up, -1 = none
  private readonly chars: TokenChars;

  constructor(
    private readonly text: string,
    from: number,
    private readonly to: number,
    private readonly options: JsonScanOptions,
    map?: OffsetMap,
  ) {
    this.pos = from;
    this.doc = { text, map, values: [], problems: [] };
    this.chars = tokenChars(options.grammar);
  }

  /** Scan up to about offset `limit` (at least one token); true when the range is done. */
  run(limit = Infinity): boolean {
    const text = this.text;
    const to = this.to;
    let pos = this.pos;
    while (pos < to) {
      if (pos >= limit) {
        this.pos = pos;
        return false;
      }
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else if (c === 34) pos = this.string(pos);
      else if (c === 123 || c === 91) {
        this.open(pos, c === 123 ? OBJECT : ARRAY);
        pos++;
      } else if (c === 125 || c === 93) {
        this.close(pos, c === 125 ? OBJECT : ARRAY);
        pos++;
      } else if (c === 44) {
        this.punct(pos, COMMA, 'a comma');
        pos++;
      } else if (c === 58) {
        this.punct(pos, COLON, 'a colon');
        pos++;
      } else pos = this.scalar(pos);
    }
    this.pos = pos;
    this.finish();
    return true;
  }

  private toDoc(offset: number): number {
    return this.doc.map ? this.doc.map.toDoc(offset) : offset;
  }

  private error(start: number, end: number, reason: string): void {
    if (this.broken) return;
    this.broken = true;
    this.doc.problems.push({ span: { start: this.toDoc(start), end: this.toDoc(end) }, reason });
  }

  private get state(): number {
    const n = this.states.length;
    return n === 0 ? this.topState : this.states[n - 1];
  }

  private set state(s: number) {
    const n = this.states.length;
    if (n === 0) this.topState = s;
    else this.states[n - 1] = s;
  }

  /** Check that a value may start here; returns false (after reporting) when it may not. */
  private expectValue(start: number, end: number, what: string): void {
    const s = this.state;
    const inObject = this.kinds.length > 0 && this.kinds[this.kinds.length - 1] === OBJECT;
    if (s === VALUE || (s === FIRST && !inObject)) return;
    if (s === DONE) {
      if (!this.options.sequence) this.error(start, end, `unexpected ${what} after the end of the JSON value`);
      return;
    }
    this.error(start, end, s === COLON ? `expected a colon before ${what}` : s === COMMA ? `expected a comma or a closing bracket before ${what}` : `expected a key (a string) instead of ${what}`);
  }

  /** A complete value: attach it and advance the parent's state. */
  private value(node: JsonNode | undefined): void {
    const depth = this.kinds.length;
    if (depth === 0) {
      if (node) this.doc.values.push(node);
      this.topState = DONE;
      this.pendingKey = undefined;
      return;
    }
    const parent = this.nodes[depth - 1];
    if (node && parent?.children) {
      if (this.pendingKey) node.key = this.pendingKey;
      parent.children.push(node);
    }
    this.pendingKey = undefined;
    this.states[depth - 1] = COMMA;
  }

  private open(pos: number, kind: number): void {
    this.expectValue(pos, pos + 1, kind === OBJECT ? 'an object' : 'an array');
    const keep = this.kinds.length <= this.options.keepDepth && (this.kinds.length === 0 || this.nodes[this.kinds.length - 1] !== undefined);
    const node: JsonNode | undefined = keep ? { kind: kind === OBJECT ? 'object' : 'array', start: pos, end: this.to, children: [], closed: false } : undefined;
    if (node && this.pendingKey) node.key = this.pendingKey;
    this.pendingKey = undefined;
    // The node is attached to its parent when it opens, so that an unclosed
    // container still appears in the skeleton.
    const depth = this.kinds.length;
    if (depth === 0) {
      if (node) this.doc.values.push(node);
      this.topState = DONE;
    } else {
      const parent = this.nodes[depth - 1];
      if (node && parent?.children) parent.children.push(node);
      this.states[depth - 1] = COMMA;
    }
    this.kinds.push(kind);
    this.states.push(FIRST);
    this.nodes.push(node);
  }

  private close(pos: number, kind: number): void {
    const depth = this.kinds.length;
    const closer = kind === OBJECT ? '"}"' : '"]"';
    if (depth === 0 || this.kinds[depth - 1] !== kind) {
      this.error(pos, pos + 1, depth === 0 ? `unexpected ${closer}: nothing to close` : `unexpected ${closer}: the open ${this.kinds[depth - 1] === OBJECT ? 'object needs "}"' : 'array needs "]"'}`);
      return;
    }
    const s = this.states[depth - 1];
    if (s !== COMMA && s !== FIRST) this.error(pos, pos + 1, s === COLON ? `expected a colon and a value before ${closer}` : s === KEY ? `trailing comma before ${closer}` : `expected a value before ${closer}`);
    const node = this.nodes[depth - 1];
    if (node) {
      node.end = pos + 1;
      node.closed = true;
    }
    this.kinds.pop();
    this.states.pop();
    this.nodes.pop();
  }

  private punct(pos: number, kind: number, what: string): void {
    const depth = this.kinds.length;
    const s = this.state;
    if (depth === 0) {
      this.error(pos, pos + 1, `unexpected ${what} outside any object or array`);
      return;
    }
    const inObject = this.kinds[depth - 1] === OBJECT;
    if (kind === COMMA) {
      if (s === COMMA) this.state = inObject ? KEY : VALUE;
      else this.error(pos, pos + 1, s === FIRST || s === KEY || s === VALUE ? `unexpected ${what}: a value is missing before it` : `unexpected ${what}: expected a colon`);
    } else if (s === COLON) this.state = VALUE;
    else this.error(pos, pos + 1, `unexpected ${what}${inObject ? '' : ' inside an array'}`);
  }

  /** A string at `pos` (the opening quote); returns the offset after it. */
  private string(pos: number): number {
    const text = this.text;
    const to = this.to;
    const bodyStart = pos + 1;
    let q = text.indexOf('"', bodyStart);
    while (q !== -1 && q < to && text.charCodeAt(q - 1) === 92) {
      let k = q - 1;
      while (k >= bodyStart && text.charCodeAt(k) === 92) k--;
      if ((q - 1 - k) % 2 === 0) break; // an even run of backslashes escapes itself, not the quote
      q = text.indexOf('"', q + 1);
    }
    const closed = q !== -1 && q < to;
    const bodyEnd = closed ? q : to;
    const end = closed ? q + 1 : to;
    if (this.nextBackslash !== -1 && this.nextBackslash < bodyStart) this.nextBackslash = text.indexOf('\\', bodyStart);
    const escaped = this.nextBackslash !== -1 && this.nextBackslash < bodyEnd;

    const s = this.state;
    const isKey = s === KEY || (s === FIRST && this.kinds.length > 0 && this.kinds[this.kinds.length - 1] === OBJECT);
    if (!closed) this.error(pos, end, 'unterminated string (missing closing quote)');
    const keep = this.kinds.length === 0 || this.nodes[this.kinds.length - 1] !== undefined;
    const node: JsonNode | undefined = keep ? { kind: 'string', start: pos, end, closed } : undefined;
    if (node && escaped) node.escaped = true;

    if (isKey) {
      this.pendingKey = node;
      this.state = COLON;
      this.codesIn(bodyStart, bodyEnd, escaped);
      return end;
    }
    this.expectValue(pos, end, 'a string');
    if (!(node && this.options.nested && closed && this.scanNested(node, bodyStart, bodyEnd, escaped))) this.codesIn(bodyStart, bodyEnd, escaped);
    this.value(node);
    return end;
  }

  /** Find the codes of a string body, decoding it only when its escapes matter. */
  private codesIn(start: number, end: number, escaped: boolean): void {
    const codes = this.options.codes;
    const map = this.doc.map;
    if (!escaped || escapesAreInert(this.text, end, this.nextBackslash, this.chars)) {
      if (!map) {
        findCodes(this.text, this.options.grammar, start, end, codes);
        return;
      }
      this.remapped(this.text, start, end, map);
      return;
    }
    const decoded = decodeJsonString(this.text, start, end, map);
    this.remapped(decoded.text, 0, decoded.text.length, decoded.map);
    if (decoded.invalid.length > 0) {
      const b = decoded.invalid[0];
      this.error(b, Math.min(b + 2, end), `invalid escape "${this.text.slice(b, Math.min(b + 2, end))}" in a string`);
    }
  }

  /** Codes of a text whose offsets are not document offsets, moved to the document through `map`. */
  private remapped(text: string, start: number, end: number, map: OffsetMap): void {
    const found = findCodes(text, this.options.grammar, start, end, new CodeList(this.options.grammar));
    for (let i = 0; i < found.length; i++) {
      const m = found.get(i);
      remapMatch(m, map);
      this.options.codes.push(m);
    }
  }

  /** A string whose body is itself JSON (`"[{\"role\": …}]"`): scan it as such. False when it is not valid JSON. */
  private scanNested(node: JsonNode, start: number, end: number, escaped: boolean): boolean {
    const text = this.text;
    let p = start;
    while (p < end && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    const c = text.charCodeAt(p);
    const last = text.charCodeAt(end - 1);
    if (!((c === 91 && last === 93) || (c === 123 && last === 125))) return false;
    const decoded = escaped ? decodeJsonString(text, start, end, this.doc.map) : undefined;
    if (decoded && decoded.invalid.length > 0) return false;
    const codes = new CodeList(this.options.grammar);
    const inner = decoded
      ? new JsonScanner(decoded.text, 0, decoded.text.length, { ...this.options, codes, sequence: false }, decoded.map)
      : new JsonScanner(text, start, end, { ...this.options, codes, sequence: false }, this.doc.map);
    inner.run();
    if (inner.doc.problems.length > 0) return false;
    this.options.codes.append(codes);
    node.nested = inner.doc;
    return true;
  }

  /** A number or literal (or garbage) at `pos`; returns the offset after it. */
  private scalar(pos: number): number {
    const text = this.text;
    let end = pos;
    while (end < this.to) {
      const c = text.charCodeAt(end);
      // Read up to a delimiter so that `tru` or `12x` is reported as one bad token.
      if (c === 44 || c === 58 || c === 93 || c === 125 || c === 91 || c === 123 || c === 34 || c === 32 || c === 10 || c === 13 || c === 9) break;
      end++;
    }
    if (end === pos) end = pos + 1;
    const word = text.slice(pos, end);
    const isLiteral = word === 'true' || word === 'false' || word === 'null';
    const isNumber = !isLiteral && /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(word);
    if (!isLiteral && !isNumber) {
      this.error(pos, end, `unexpected ${word.length > 20 ? `"${word.slice(0, 20)}…"` : `"${word}"`} (not a JSON value)`);
      return end;
    }
    const s = this.state;
    const inObject = this.kinds.length > 0 && this.kinds[this.kinds.length - 1] === OBJECT;
    if (inObject && (s === KEY || s === FIRST)) {
      this.error(pos, end, `expected a key (a string) instead of ${word}`);
      return end;
    }
    this.expectValue(pos, end, word);
    const keep = this.kinds.length === 0 || this.nodes[this.kinds.length - 1] !== undefined;
    this.value(keep ? { kind: isNumber ? 'number' : 'literal', start: pos, end, closed: true } : undefined);
    return end;
  }

  private finish(): void {
    const depth = this.kinds.length;
    if (depth > 0) this.error(this.to, this.to, `unexpected end of input: ${depth} ${depth === 1 ? 'bracket is' : 'brackets are'} not closed (was the file cut off?)`);
    else if (this.topState === VALUE && this.doc.values.length === 0) this.error(this.to, this.to, 'no JSON value');
    else if (this.pendingKey) this.error(this.to, this.to, 'unexpected end of input after a key');
  }
}

/** Scan `text[from, to)` in one go. */
export function scanJson(text: string, from: number, to: number, options: JsonScanOptions): JsonDoc {
  const scanner = new JsonScanner(text, from, to, options);
  scanner.run();
  return scanner.doc;
}
