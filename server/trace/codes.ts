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
import type { CodeList } from '../items/code-list';
import type { CodeMatch } from '../items/types';

interface Fast {
  /** The first character every token starts with (`<`), or -1 when tokens differ (no fast path). */
  lead: number;
  lead1: string;
  /** Second characters of all tokens: most `<` in a dump (`<think>`, `<|im_start|>`…) are rejected by one lookup. */
  second: Uint8Array;
  begins: { token: string; domain: string }[];
  ends: string[];
  prefixes: string[];
  suffixes: string[];
  codebook: number[];
  levels: number;
  bare: boolean;
  /**
   * A run of complete codes, each written begin token, every level, end
   * token, back to back — the shape of nearly every code in a dump. Found by
   * the regex engine, which skips the text between runs far faster than a
   * loop over characters. Absent when the grammar has no begin or end tokens.
   */
  run?: RegExp;
}

const cache = new WeakMap<CompiledGrammar, Fast>();

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A lookup table (by UTF-16 unit) of the tokens' second characters. */
function secondChars(literals: string[]): Uint8Array {
  const table = new Uint8Array(65536);
  for (const l of literals) table[l.charCodeAt(1)] = 1;
  return table;
}

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
  const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const alt = (ts: string[]): string => `(?:${ts.map(esc).join('|')})`;
  const run =
    begins.length > 0 && ends.length > 0
      ? new RegExp(`(?:${alt(begins.map((b) => b.token))}${prefixes.map((pre, k) => `${esc(pre)}\\d{1,9}${esc(suffixes[k])}`).join('')}${alt(ends)})+`, 'g')
      : undefined;
  fast = {
    run,
    lead: ok ? lead : -1,
    lead1: ok ? String.fromCharCode(lead) : '',
    second: secondChars(literals),
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
export function findCodes(text: string, grammar: CompiledGrammar, from: number, to: number, out: CodeList): CodeList {
  const f = prepare(grammar);
  if (f.lead < 0) return pushAll(out, scanCodes(text, grammar, from, to));
  const re = f.run;
  if (!re) return scanRange(text, grammar, f, from, to, out);
  // Most strings of a dump (keys, metadata) hold no token at all.
  const first = nextLead(text, f.lead1, from);
  if (first === -1 || first >= to) return out;
  from = first;
  // Runs of complete codes are read by layout; the text between them by token.
  // Splitting there is exact: a run starts with a begin token, which closes
  // any code before it, and ends with an end token, which closes its last code.
  let gap = from;
  for (let run = nextRun(text, re, from); run.start < to; run = nextRun(text, re, gap)) {
    if (run.end > to) {
      // A run that crosses the range's end: read the rest of the range token by token.
      break;
    }
    if (run.start > gap) scanRange(text, grammar, f, gap, run.start, out);
    readRun(text, grammar, f, run.start, run.end, out);
    gap = run.end;
  }
  if (gap < to) scanRange(text, grammar, f, gap, to, out);
  return out;
}

// The last run search, like `nextLead`: callers scan the strings of one big
// text in order, and each search would otherwise run ahead to the next run.
const noRun = { start: Infinity, end: Infinity };
let runText = '';
let runRe: RegExp | undefined;
let runFrom = 0;
let runHit = noRun;

/** The first run at or after `from` (start = Infinity when none), remembering the answer for the next, nearby query. */
function nextRun(text: string, re: RegExp, from: number): { start: number; end: number } {
  if (re === runRe && text === runText && from >= runFrom && from <= runHit.start) return runHit;
  re.lastIndex = from;
  const m = re.exec(text);
  runText = text;
  runRe = re;
  runFrom = from;
  runHit = m ? { start: m.index, end: re.lastIndex } : noRun;
  return runHit;
}

/** Read a run matched by `Fast.run`: its layout is known, so only the numbers are read. */
function readRun(text: string, grammar: CompiledGrammar, f: Fast, start: number, end: number, out: CodeList): void {
  const n = f.levels;
  let p = start;
  while (p < end) {
    const codeStart = p;
    let b = 0;
    if (f.begins.length > 1) while (!at(text, f.begins[b].token, p)) b++;
    p += f.begins[b].token.length;
    let clean = true;
    for (let k = 0; k < n; k++) {
      p += f.prefixes[k].length;
      const d0 = p;
      let v = 0;
      for (let c = text.charCodeAt(p); c >= 48 && c <= 57; c = text.charCodeAt(++p)) v = v * 10 + (c - 48);
      // Leading zeros and out-of-range numbers are left to scanCodes, which reports or spells them exactly.
      if ((p - d0 > 1 && text.charCodeAt(d0) === 48) || v >= f.codebook[k]) clean = false;
      lvValue[k] = v;
      p += f.suffixes[k].length;
    }
    let e = 0;
    if (f.ends.length > 1) while (!at(text, f.ends[e], p)) e++;
    p += f.ends[e].length;
    if (clean) out.pushClean(codeStart, p, b, e, n, lvValue);
    else pushAll(out, scanCodes(text, grammar, codeStart, p));
  }
}

/** Find the codes of `text[from, to)` token by token. */
function scanRange(text: string, grammar: CompiledGrammar, f: Fast, from: number, to: number, out: CodeList): CodeList {
  let p = nextLead(text, f.lead1, from);
  while (p !== -1 && p < to) {
    const kind = tokenAt(text, f, p, to);
    if (kind === NONE) {
      p = nextLead(text, f.lead1, p + 1);
      continue;
    }
    const mark = out.length;
    let end = readCommon(text, f, p, to, out);
    if (end < 0) {
      out.truncate(mark);
      end = readCluster(text, f, p, to, out);
    }
    if (end < 0) {
      out.truncate(mark);
      const clusterEnd = clusterExtent(text, f, p, to);
      pushAll(out, scanCodes(text, grammar, p, clusterEnd));
      p = nextLead(text, f.lead1, clusterEnd);
    } else {
      p = nextLead(text, f.lead1, end);
    }
  }
  return out;
}

/**
 * The shape nearly every code in a dump has — begin token, every level, end
 * token (or every level and neither) — read with local variables only, for
 * a run of such codes written back to back. Returns the run's end, or -1 at
 * the first token of any other shape (the caller then reads the run again
 * with `readCluster`, which knows every case).
 */
function readCommon(text: string, f: Fast, p: number, to: number, out: CodeList): number {
  const n = f.levels;
  for (;;) {
    const start = p;
    let b = -1;
    for (let i = 0; i < f.begins.length; i++) {
      const t = f.begins[i].token;
      if (p + t.length <= to && at(text, t, p)) {
        b = i;
        p += t.length;
        break;
      }
    }
    for (let k = 0; k < n; k++) {
      const pre = f.prefixes[k];
      if (p + pre.length > to || !at(text, pre, p)) return -1;
      p += pre.length;
      const d0 = p;
      let v = 0;
      let c = p < to ? text.charCodeAt(p) : -1;
      while (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        c = ++p < to ? text.charCodeAt(p) : -1;
      }
      const nd = p - d0;
      if (nd === 0 || nd > 9 || (nd > 1 && text.charCodeAt(d0) === 48) || v >= f.codebook[k]) return -1;
      const suf = f.suffixes[k];
      if (p + suf.length > to || !at(text, suf, p)) return -1;
      p += suf.length;
      lvValue[k] = v;
    }
    let e = -1;
    if (b >= 0) {
      for (let i = 0; i < f.ends.length; i++) {
        const t = f.ends[i];
        if (p + t.length <= to && at(text, t, p)) {
          e = i;
          p += t.length;
          break;
        }
      }
      if (e < 0) return -1;
    }
    out.pushClean(start, p, b, e, n, lvValue);
    // The run goes on only where another token starts right here.
    if (p + 1 >= to || text.charCodeAt(p) !== f.lead || f.second[text.charCodeAt(p + 1)] !== 1) return p;
  }
}

function pushAll(out: CodeList, matches: CodeMatch[]): CodeList {
  for (const m of matches) out.push(m);
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
  if (f.second[text.charCodeAt(p + 1)] !== 1) return NONE;
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
  return endAt(text, f, p, to);
}

/** The end token at `p` (END, with `tokEnd` and `tokIndex` set), or NONE. */
function endAt(text: string, f: Fast, p: number, to: number): number {
  for (let i = 0; i < f.ends.length; i++) {
    const t = f.ends[i];
    if (p + t.length <= to && at(text, t, p)) {
      tokEnd = p + t.length;
      tokIndex = i;
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
  // Leading zeros are rare and would make the token's length differ from the number's: not clean.
  if (!digits || q === numStart || q - numStart > 15 || (q - numStart > 1 && text.charCodeAt(numStart) === 48)) return OTHER;
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
let bIndex = 0;
let eStart = -1;
let eIndex = 0;
let count = 0; // levels read
let firstStart = 0;
let lastEnd = 0;
const lvValue: number[] = [];

/**
 * Read the cluster at `p` as clean codes, appending them to `out`. Returns the
 * cluster's end, or -1 when something in it needs `scanCodes` (the caller
 * then discards what was appended).
 */
function readCluster(text: string, f: Fast, p: number, to: number, out: CodeList): number {
  let active = false; // a code is being read
  bStart = eStart = -1;
  count = 0;
  for (;;) {
    // The expected next level is by far the most common token: try it first.
    let kind = active && eStart < 0 && count < f.levels && (count > 0 || bStart >= 0) && p < to ? levelAt(text, f, count, p, to) : NONE;
    // After the last level of a begun code, its end token is by far the most likely.
    if (kind === NONE && active && bStart >= 0 && eStart < 0 && count === f.levels) kind = endAt(text, f, p, to);
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
      bIndex = tokIndex;
      eStart = -1;
      count = 0;
    } else if (kind === END) {
      if (!active || eStart >= 0) return -1; // an end token that closes nothing
      if (bStart >= 0 && count === 0) return -1; // empty code
      eStart = start;
      eIndex = tokIndex;
      lastEnd = end;
    } else if (kind === 0 && (!active || eStart >= 0 || count !== 0)) {
      // A level-a token starts a new code unless it follows a begin token.
      if ((active && !emit(f, out)) || tokValue >= f.codebook[0]) return -1;
      active = true;
      bStart = eStart = -1;
      firstStart = start;
      lastEnd = end;
      lvValue[0] = tokValue;
      count = 1;
    } else {
      if (!active || eStart >= 0 || kind !== count || tokValue >= f.codebook[kind]) return -1;
      if (count === 0) firstStart = start;
      lastEnd = end;
      lvValue[count] = tokValue;
      count++;
    }
    p = end;
  }
}

/** Append the code read so far, unless `scanCodes` would report a problem with it (a cut-off begin, an empty code). */
function emit(f: Fast, out: CodeList): boolean {
  if (count === 0) return false;
  if (bStart >= 0 && eStart < 0 && f.ends.length > 0) return false;
  out.pushClean(bStart >= 0 ? bStart : firstStart, lastEnd, bStart >= 0 ? bIndex : -1, eStart >= 0 ? eIndex : -1, count, lvValue);
  return true;
}
