/**
 * The codes of a document, stored compactly. A 100 MB dump holds about a
 * million codes; as objects (a match, its spans, its arrays) they cost ten
 * allocations each and most of the analysis time goes to the garbage
 * collector. Clean codes — contiguous tokens, no problems — are kept here as
 * a few integers and turned into `CodeMatch` objects only when asked for;
 * anything else (problems, bare numbers, codes read through JSON escapes) is
 * kept as the object the scanner made.
 */
import { codeKey, type CompiledGrammar } from './grammar';
import type { CodeMatch, Span } from './types';

// meta layout: bits 0–7 begin token index + 1 (0 = none), 8–15 end token index + 1,
// 16–23 level count, bit 24 = stored as an object.
const OBJECT = 1 << 24;

export class CodeList implements Iterable<CodeMatch> {
  private n = 0;
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private meta = new Int32Array(1024);
  private values: Int32Array<ArrayBuffer>;
  private readonly objects = new Map<number, CodeMatch>();
  private readonly width: number;
  private readonly beginTokens: { token: string; domain?: string }[];
  private readonly endTokens: string[];

  constructor(readonly grammar: CompiledGrammar) {
    this.width = grammar.levelCount;
    this.values = new Int32Array(1024 * this.width);
    this.beginTokens = Array.isArray(grammar.spec.begin) ? grammar.spec.begin : [];
    this.endTokens = Array.isArray(grammar.spec.end) ? grammar.spec.end : [];
  }

  /** A list holding `matches` (in document order). */
  static from(grammar: CompiledGrammar, matches: readonly CodeMatch[]): CodeList {
    const list = new CodeList(grammar);
    for (const m of matches) list.push(m);
    return list;
  }

  get length(): number {
    return this.n;
  }

  /** Append a code found by a scanner (kept as the object). */
  push(match: CodeMatch): void {
    const i = this.grow();
    this.starts[i] = match.span.start;
    this.ends[i] = match.span.end;
    this.meta[i] = OBJECT;
    this.objects.set(i, match);
  }

  /**
   * Append a clean code: tokens written back to back, numbers without
   * leading zeros, no problems. `begin`/`end` are token indexes in the
   * grammar's spec (-1 for none); `levels` holds at least `count` values.
   */
  pushClean(start: number, end: number, begin: number, endToken: number, count: number, levels: ArrayLike<number>): void {
    const i = this.grow();
    this.starts[i] = start;
    this.ends[i] = end;
    this.meta[i] = (begin + 1) | ((endToken + 1) << 8) | (count << 16);
    const base = i * this.width;
    for (let k = 0; k < count; k++) this.values[base + k] = levels[k];
  }

  /** Append every code of another list (same grammar). */
  append(other: CodeList): void {
    for (let j = 0; j < other.n; j++) {
      if (other.meta[j] & OBJECT) this.push(other.objects.get(j)!);
      else {
        const i = this.grow();
        this.starts[i] = other.starts[j];
        this.ends[i] = other.ends[j];
        this.meta[i] = other.meta[j];
        this.values.set(other.values.subarray(j * this.width, (j + 1) * this.width), i * this.width);
      }
    }
  }

  /** Drop the codes from index `length` on (a scanner backing out of a guess). */
  truncate(length: number): void {
    for (let i = length; i < this.n; i++) this.objects.delete(i);
    this.n = Math.min(this.n, length);
  }

  start(i: number): number {
    return this.starts[i];
  }

  end(i: number): number {
    return this.ends[i];
  }

  /** Whether code `i` has problems (malformed, out of range, unterminated…). */
  hasProblems(i: number): boolean {
    return (this.meta[i] & OBJECT) !== 0 && this.objects.get(i)!.problems.length > 0;
  }

  /** The level values of code `i` (empty for a bare number). */
  levels(i: number): number[] {
    const meta = this.meta[i];
    if (meta & OBJECT) return this.objects.get(i)!.levels;
    const count = (meta >> 16) & 0xff;
    const base = i * this.width;
    return Array.from(this.values.subarray(base, base + count));
  }

  /** The domain named by code `i`'s begin token, if any. */
  domain(i: number): string | undefined {
    const meta = this.meta[i];
    if (meta & OBJECT) return this.objects.get(i)!.domain;
    const b = meta & 0xff;
    return b ? this.beginTokens[b - 1].domain || undefined : undefined;
  }

  /** How many levels code `i` has (0 for a bare number). */
  levelCount(i: number): number {
    const meta = this.meta[i];
    return meta & OBJECT ? this.objects.get(i)!.levels.length : (meta >> 16) & 0xff;
  }

  /** A key equal for codes that name the same items: `codeKey` of the levels, or `#digits` for a bare number. */
  key(i: number): string {
    const meta = this.meta[i];
    if (meta & OBJECT) {
      const m = this.objects.get(i)!;
      return m.bare !== undefined ? `#${m.bare}` : codeKey(m.levels, m.domain);
    }
    // Built straight from the packed values: this runs once per code in big dumps.
    const count = (meta >> 16) & 0xff;
    const base = i * this.width;
    let key = count > 0 ? String(this.values[base]) : '';
    for (let k = 1; k < count; k++) key += `.${this.values[base + k]}`;
    const domain = this.domain(i);
    return domain ? `${domain}:${key}` : key;
  }

  /** Code `i` as a `CodeMatch` (a fresh object for compactly stored codes). */
  get(i: number): CodeMatch {
    const meta = this.meta[i];
    if (meta & OBJECT) return this.objects.get(i)!;
    const start = this.starts[i];
    const end = this.ends[i];
    const b = meta & 0xff;
    const e = (meta >> 8) & 0xff;
    const count = (meta >> 16) & 0xff;
    const match: CodeMatch = { span: { start, end }, levels: [], levelSpans: [], kind: count === this.width ? 'full' : 'prefix', problems: [] };
    let p = start;
    if (b) {
      const token = this.beginTokens[b - 1];
      match.begin = { start, end: start + token.token.length };
      if (token.domain) match.domain = token.domain;
      p = match.begin.end;
    }
    const base = i * this.width;
    for (let k = 0; k < count; k++) {
      const value = this.values[base + k];
      const affix = this.grammar.levelAffixes[k];
      const tokenEnd = p + affix.prefix.length + digits(value) + affix.suffix.length;
      match.levels.push(value);
      match.levelSpans.push({ start: p, end: tokenEnd });
      p = tokenEnd;
    }
    if (e) match.end = { start: end - this.endTokens[e - 1].length, end };
    return match;
  }

  /** Index of the first code that ends at or after `offset`. */
  firstEndingFrom(offset: number): number {
    return lowerBound(this.ends, this.n, offset);
  }

  /** Index of the first code that starts at or after `offset`. */
  firstStartingFrom(offset: number): number {
    return lowerBound(this.starts, this.n, offset);
  }

  /** How many codes lie wholly inside `span`. */
  countWithin(span: Span): number {
    let n = 0;
    for (let i = this.firstStartingFrom(span.start); i < this.n && this.ends[i] <= span.end; i++) n++;
    return n;
  }

  /** Indexes of the codes lying wholly inside `span`. */
  within(span: Span): number[] {
    const out: number[] = [];
    for (let i = this.firstStartingFrom(span.start); i < this.n && this.ends[i] <= span.end; i++) out.push(i);
    return out;
  }

  /** The code whose span contains `offset` (end inclusive, so a cursor right after a code finds it). */
  at(offset: number): CodeMatch | undefined {
    const i = this.firstEndingFrom(offset);
    return i < this.n && this.starts[i] <= offset ? this.get(i) : undefined;
  }

  /** The codes stored as objects (the only ones that can carry problems). */
  irregular(): IterableIterator<CodeMatch> {
    // Indexes only grow and `truncate` removes the tail, so insertion order is document order.
    return this.objects.values();
  }

  /** Every code as an object (tests and small documents; big ones should index). */
  toArray(): CodeMatch[] {
    const out: CodeMatch[] = new Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.get(i);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<CodeMatch> {
    for (let i = 0; i < this.n; i++) yield this.get(i);
  }

  private grow(): number {
    if (this.n === this.starts.length) {
      const size = this.starts.length * 2;
      const widen = (a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(n);
        b.set(a);
        return b;
      };
      this.starts = widen(this.starts, size);
      this.ends = widen(this.ends, size);
      this.meta = widen(this.meta, size);
      this.values = widen(this.values, size * this.width);
    }
    return this.n++;
  }
}

/** The first index below `n` whose value is at least `offset` (values ascending). */
function lowerBound(values: Int32Array, n: number, offset: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Decimal digits of a non-negative integer. */
function digits(v: number): number {
  let d = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    d++;
  }
  return d;
}
