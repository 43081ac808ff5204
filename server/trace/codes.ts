/**
 * A fast path for `scanCodes` (server/items/grammar.ts) on the text that
 * dominates real dumps: clean codes written back to back. It reads clean
 * codes with `charCodeAt` instead of a many-branch regular expression and
 * hands every run of tokens it does not fully understand (malformed levels,
 * out-of-range numbers, bare numbers, cut-off codes, stray end tokens) to
 * `scanCodes` itself, so the result is identical to `scanCodes` on the same
 * range (test/unit/codes.test.ts checks this on random token soups).
 *
 * Why it is exact: `scanCodes` only joins tokens written back to back, so a
 * maximal run of adjacent tokens (a "cluster") is scanned independently of
 * everything around it. Each cluster is either read here (clean) or rescanned
 * by `scanCodes` over exactly its range.
 */
import { scanCodes, type CompiledGrammar } from '../items/grammar';
import type { CodeMatch, Span } from '../items/types';

interface Fast {
  /** The first character every token starts with (`<`), or -1 when tokens differ (no fast path). */
  lead: number;
  lead1: string;
  begins: { token: string; domain: string }[];
  ends: string[];
  prefixes: string[];
  suffixes: string[];
  codebook: number[];
  levels: number;
  bare: boolean;
}

const cache = new WeakMap<CompiledGrammar, Fast>();

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

function prepare(grammar: CompiledGrammar): Fast {
  let fast = cache.get(grammar);
  if (fast) return fast;
  const spec = grammar.spec;
  const begins = (Array.isArray(spec.begin) ? spec.begin : []).map((b) => ({ token: b.token, domain: b.domain ?? '' }));
  const ends = Array.isArray(spec.end) ? [...spec.end] : [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  for (const level of spec.levels) {
    const [prefix, suffix] = level.split('{n}');
    prefixes.push(prefix);
    suffixes.push(suffix ?? '');
  }
  const literals = [...begins.map((b) => b.token), ...ends, ...prefixes];
  const lead = literals[0]?.charCodeAt(0) ?? -1;
  // The fast reader assumes: one lead character, no literal a prefix of another,
  // and a level suffix that cannot be confused with the number before it.
  const ok =
    literals.every((l) => l.length > 0 && l.charCodeAt(0) === lead) &&
    literals.every((a, i) => literals.every((b, j) => i === j || !b.startsWith(a))) &&
    suffixes.every((s) => s.length > 0 && !isWord(s.charCodeAt(0)));
  fast = {
    lead: ok ? lead : -1,
    lead1: ok ? String.fromCharCode(lead) : '',
    begins,
    ends,
    prefixes,
    suffixes,
    codebook: grammar.codebook,
    levels: grammar.levelCount,
    bare: begins.length > 0 && ends.length > 0,
  };
  cache.set(grammar, fast);
  return fast;
}

/** Find every code in `text[from, to)` exactly as `scanCodes` does, faster on clean codes. Appends to and returns `out`. */
export function findCodes(text: string, grammar: CompiledGrammar, from = 0, to = text.length, out: CodeMatch[] = []): CodeMatch[] {
  const f = prepare(grammar);
  if (f.lead < 0) return scanCodes(text, grammar, from, to, out);
  let p = nextLead(text, f.lead1, from);
  while (p !== -1 && p < to) {
    const kind = tokenAt(text, f, p, to);
    if (kind === NONE) {
      p = nextLead(text, f.lead1, p + 1);
      continue;
    }
    const mark = out.length;
    const end = readCluster(text, f, p, to, out);
    if (end < 0) {
      out.length = mark;
      const clusterEnd = clusterExtent(text, f, p, to);
      scanCodes(text, grammar, p, clusterEnd, out);
      p = nextLead(text, f.lead1, clusterEnd);
    } else {
      p = nextLead(text, f.lead1, end);
    }
  }
  return out;
}

// The last lead-character search: callers scan many short ranges of one big
// text in order (the strings of a JSON document), and a plain `indexOf` from
// each range would run ahead to the next `<` every time, which may be far.
let leadText = '';
let leadChar = '';
let leadFrom = 0;
let leadHit = -1;

/** The first `lead` at or after `from` in `text`, remembering the answer for the next, nearby query. */
function nextLead(text: string, lead: string, from: number): number {
  if (lead === leadChar && text === leadText && from >= leadFrom && (leadHit === -1 || from <= leadHit)) return leadHit;
  leadText = text;
  leadChar = lead;
  leadFrom = from;
  leadHit = text.indexOf(lead, from);
  return leadHit;
}

// Token kinds; levels are 0..levels-1.
const NONE = -1;
const BEGIN = -2;
const END = -3;
const OTHER = -4; // a token that is never clean (bare number, malformed level)

// Results of the last `tokenAt` call (module-level to avoid allocating per token).
let tokEnd = 0;
let tokValue = 0;
let tokIndex = 0;

/** The token at `p` (kind, with `tokEnd`, `tokValue`, `tokIndex` set), mirroring the alternatives of the grammar's regex in order. */
function tokenAt(text: string, f: Fast, p: number, to: number): number {
  for (let i = 0; i < f.begins.length; i++) {
    const t = f.begins[i].token;
    if (p + t.length <= to && at(text, t, p)) {
      // `<|begin|>123<|end|>` (a bare number) is tried before anything else.
      const c = text.charCodeAt(p + t.length);
      if (f.bare && c >= 48 && c <= 57 && p + t.length < to) {
        let q = p + t.length;
        while (q < to && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
        for (const e of f.ends) {
          if (q + e.length <= to && at(text, e, q)) {
            tokEnd = q + e.length;
            return OTHER;
          }
        }
      }
      tokEnd = p + t.length;
      tokIndex = i;
      return BEGIN;
    }
  }
  for (let k = 0; k < f.levels; k++) {
    const kind = levelAt(text, f, k, p, to);
    if (kind !== NONE) return kind;
  }
  for (let i = 0; i < f.ends.length; i++) {
    const t = f.ends[i];
    if (p + t.length <= to && at(text, t, p)) {
      tokEnd = p + t.length;
      return END;
    }
  }
  return NONE;
}

/** The level-`k` token at `p` (`k`, or OTHER when its number is not a plain number), or NONE. */
function levelAt(text: string, f: Fast, k: number, p: number, to: number): number {
  const pre = f.prefixes[k];
  if (p + pre.length > to || !at(text, pre, p)) return NONE;
  let q = p + pre.length;
  const numStart = q;
  let value = 0;
  let digits = true;
  while (q < to && q - numStart <= 24) {
    const c = text.charCodeAt(q);
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else if (isWord(c)) digits = false;
    else break;
    q++;
  }
  const suf = f.suffixes[k];
  if (q - numStart > 24 || q + suf.length > to || !at(text, suf, q)) return NONE;
  tokEnd = q + suf.length;
  if (!digits || q === numStart || q - numStart > 15) return OTHER;
  tokValue = value;
  return k;
}

/** Whether `lit` is written at `p` (callers check the length). `startsWith` allocates on big two-byte strings; this does not. */
function at(text: string, lit: string, p: number): boolean {
  for (let i = 0; i < lit.length; i++) if (text.charCodeAt(p + i) !== lit.charCodeAt(i)) return false;
  return true;
}

/** Where the run of back-to-back tokens starting at `p` ends (any token, clean or not). */
function clusterExtent(text: string, f: Fast, p: number, to: number): number {
  while (p < to && tokenAt(text, f, p, to) !== NONE) p = tokEnd;
  return p;
}

// The code being read, kept in scalars and scratch arrays until it closes,
// so that each match is allocated once with exact-size arrays (a dump holds
// millions of codes: allocation and GC are most of the cost).
let bStart = -1;
let bEnd = -1;
let bIndex = 0;
let eStart = -1;
let eEnd = -1;
let count = 0; // levels read
const lvStart: number[] = [];
const lvEnd: number[] = [];
const lvValue: number[] = [];

/**
 * Read the cluster at `p` as clean codes, appending them to `out`. Returns the
 * cluster's end, or -1 when something in it needs `scanCodes` (the caller
 * then discards what was appended).
 */
function readCluster(text: string, f: Fast, p: number, to: number, out: CodeMatch[]): number {
  let active = false; // a code is being read
  bStart = eStart = -1;
  count = 0;
  for (;;) {
    // The expected next level is by far the most common token: try it first.
    let kind = active && eStart < 0 && count < f.levels && (count > 0 || bStart >= 0) && p < to ? levelAt(text, f, count, p, to) : NONE;
    if (kind === NONE && p < to) kind = tokenAt(text, f, p, to);
    if (kind === NONE) {
      if (active && !emit(f, out)) return -1;
      return p;
    }
    if (kind === OTHER) return -1;
    const start = p;
    const end = tokEnd;
    if (kind === BEGIN) {
      if (active && !emit(f, out)) return -1;
      active = true;
      bStart = start;
      bEnd = end;
      bIndex = tokIndex;
      eStart = -1;
      count = 0;
    } else if (kind === END) {
      if (!active || eStart >= 0) return -1; // an end token that closes nothing
      if (bStart >= 0 && count === 0) return -1; // empty code
      eStart = start;
      eEnd = end;
    } else if (kind === 0 && (!active || eStart >= 0 || count !== 0)) {
      // A level-a token starts a new code unless it follows a begin token.
      if ((active && !emit(f, out)) || tokValue >= f.codebook[0]) return -1;
      active = true;
      bStart = eStart = -1;
      lvStart[0] = start;
      lvEnd[0] = end;
      lvValue[0] = tokValue;
      count = 1;
    } else {
      if (!active || eStart >= 0 || kind !== count || tokValue >= f.codebook[kind]) return -1;
      lvStart[count] = start;
      lvEnd[count] = end;
      lvValue[count] = tokValue;
      count++;
    }
    p = end;
  }
}

/** Append the code read so far, unless `scanCodes` would report a problem with it (a cut-off begin, an empty code). */
function emit(f: Fast, out: CodeMatch[]): boolean {
  if (count === 0) return false;
  if (bStart >= 0 && eStart < 0 && f.ends.length > 0) return false;
  const levels = lvValue.slice(0, count);
  const levelSpans: Span[] = new Array(count);
  for (let i = 0; i < count; i++) levelSpans[i] = { start: lvStart[i], end: lvEnd[i] };
  const match: CodeMatch = {
    span: { start: bStart >= 0 ? bStart : lvStart[0], end: eStart >= 0 ? eEnd : lvEnd[count - 1] },
    levels,
    levelSpans,
    kind: count === f.levels ? 'full' : 'prefix',
    problems: [],
  };
  if (bStart >= 0) {
    match.begin = { start: bStart, end: bEnd };
    const domain = f.begins[bIndex].domain;
    if (domain) match.domain = domain;
  }
  if (eStart >= 0) match.end = { start: eStart, end: eEnd };
  out.push(match);
  return true;
}
