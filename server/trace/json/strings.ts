/**
 * JSON string bodies: decoding with an exact map from decoded offsets back to
 * the text the string was read from, and a test for whether a string's escapes
 * can change which codes it holds (when they cannot, codes are read straight
 * from the raw body with identity offsets and nothing is decoded).
 *
 * Offsets are UTF-16 code units, like the rest of the analysis.
 */
import type { CompiledGrammar } from '../../items/grammar';
import type { CodeMatch, Span } from '../../items/types';

/**
 * Maps offsets in a decoded string to offsets in the document, piecewise
 * linear: breakpoint i says "decoded offset dec[i] is document offset raw[i]",
 * and the offsets after it advance one for one until the next breakpoint.
 * A map of a string decoded out of another decoded string (string-encoded
 * JSON) composes with its parent's map.
 */
export class OffsetMap {
  constructor(
    readonly dec: number[],
    readonly raw: number[],
    readonly parent?: OffsetMap,
  ) {}

  /** The document offset of decoded offset `d` (the start of the raw text that decodes to unit `d`). */
  toDoc(d: number): number {
    const dec = this.dec;
    let lo = 0;
    let hi = dec.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (dec[mid] <= d) lo = mid;
      else hi = mid - 1;
    }
    const local = this.raw[lo] + (d - dec[lo]);
    return this.parent ? this.parent.toDoc(local) : local;
  }
}

/** A decoded string body, with where each unit came from and the escapes that were not valid JSON. */
export interface DecodedString {
  text: string;
  map: OffsetMap;
  /** Offsets (in the source text) of escapes that are not valid JSON; each was kept as written. */
  invalid: number[];
}

const hex = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/** The value of `\uXXXX` at `p` (pointing at the backslash), or -1 when it is not four hex digits. */
function unicodeEscape(src: string, p: number, end: number): number {
  if (p + 6 > end) return -1;
  let v = 0;
  for (let i = p + 2; i < p + 6; i++) {
    const h = hex(src.charCodeAt(i));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decode the JSON string body `src[start, end)` (between the quotes). Never
 * throws: an invalid escape is kept as written and reported in `invalid`;
 * a lone surrogate (`\ud800`) decodes to that code unit, as `JSON.parse` does.
 */
export function decodeJsonString(src: string, start: number, end: number, parent?: OffsetMap): DecodedString {
  const dec: number[] = [0];
  const raw: number[] = [start];
  const invalid: number[] = [];
  const parts: string[] = [];
  let p = start;
  let out = 0; // decoded length so far
  for (let b = src.indexOf('\\', p); b !== -1 && b < end; b = src.indexOf('\\', p)) {
    parts.push(src.slice(p, b));
    out += b - p;
    let unit: string;
    let len: number;
    const c = src[b + 1];
    if (c === 'u') {
      const v = unicodeEscape(src, b, end);
      if (v >= 0) {
        unit = String.fromCharCode(v);
        len = 6;
      } else {
        invalid.push(b);
        unit = '\\';
        len = 1;
      }
    } else if (c !== undefined && b + 1 < end && simple[c] !== undefined) {
      unit = simple[c];
      len = 2;
    } else {
      invalid.push(b);
      unit = '\\';
      len = 1;
    }
    parts.push(unit);
    out += 1;
    p = b + len;
    dec.push(out);
    raw.push(p);
  }
  parts.push(src.slice(p, end));
  return { text: parts.join(''), map: new OffsetMap(dec, raw, parent), invalid };
}

/** The decoded value of a JSON string body, cheaply (no offset map). */
export function stringValue(src: string, start: number, end: number): string {
  if (src.indexOf('\\', start) === -1 || src.indexOf('\\', start) >= end) return src.slice(start, end);
  try {
    return JSON.parse(src.slice(start - 1, end + 1)) as string;
  } catch {
    return decodeJsonString(src, start, end).text;
  }
}

/** Which decoded characters could belong to a code token of a grammar (so an escape producing one must be decoded). */
export interface TokenChars {
  ascii: Uint8Array;
  other: Set<number>;
  /** False when some token could start inside an escape sequence (then every escaped string is decoded). */
  rawSafe: boolean;
}

const tokenCharCache = new WeakMap<CompiledGrammar, TokenChars>();

/** The characters of a grammar's tokens, plus word characters (a level's number is read loosely as `\w`). */
export function tokenChars(grammar: CompiledGrammar): TokenChars {
  let t = tokenCharCache.get(grammar);
  if (t) return t;
  const ascii = new Uint8Array(128);
  const other = new Set<number>();
  const spec = grammar.spec;
  const literals = [...spec.levels.flatMap((l) => l.split('{n}')), ...(spec.begin ?? []).map((b) => b.token), ...(spec.end ?? [])];
  for (const lit of literals)
    for (let i = 0; i < lit.length; i++) {
      const c = lit.charCodeAt(i);
      if (c < 128) ascii[c] = 1;
      else other.add(c);
    }
  for (let c = 0; c < 128; c++) if (/\w/.test(String.fromCharCode(c))) ascii[c] = 1;
  // Raw escapes read as `\`, then one of `"\/bfnrtu` and hex digits: a token
  // that contains `\` or starts with one of those could match inside one.
  const rawSafe = literals.every((l) => l.indexOf('\\') === -1) && [...(spec.begin ?? []).map((b) => b.token), ...(spec.end ?? []), ...spec.levels].every((l) => !/^["\\/bfnrtu0-9a-fA-F]/.test(l));
  t = { ascii, other, rawSafe };
  tokenCharCache.set(grammar, t);
  return t;
}

/**
 * Whether the escapes in `src[start, end)` leave the codes of the string
 * unchanged when it is scanned raw: every escape decodes to a character that
 * no token contains. Then a token can neither be formed nor split by an
 * escape, in the raw text (where `\` breaks any token) as in the decoded one
 * (where the decoded character does), and codes join only when written back
 * to back. `firstBackslash` is the first `\` of the body, `end` where it ends.
 */
export function escapesAreInert(src: string, end: number, firstBackslash: number, chars: TokenChars): boolean {
  if (!chars.rawSafe) return false;
  for (let b = firstBackslash; b !== -1 && b < end; b = src.indexOf('\\', b + 2)) {
    const c = src.charCodeAt(b + 1);
    let v: number;
    if (c === 117 /* u */) {
      v = unicodeEscape(src, b, end);
      if (v < 0) return false;
      b += 4;
    } else if (c === 34 || c === 92 || c === 47) v = c;
    else if (c === 110 || c === 116 || c === 114 || c === 98 || c === 102) continue; // control characters
    else return false; // invalid escape: let the decoder report it
    if (v < 128 ? chars.ascii[v] === 1 : chars.other.has(v)) return false;
  }
  return true;
}

/** Move every span of a code found in a decoded string to document offsets (in place). */
export function remapMatch(m: CodeMatch, map: OffsetMap): void {
  // A span object shared by two fields must move once.
  const spans = new Set<Span>([m.span, ...m.levelSpans, ...m.problems.map((p) => p.span)]);
  if (m.begin) spans.add(m.begin);
  if (m.end) spans.add(m.end);
  for (const s of spans) {
    s.start = map.toDoc(s.start);
    s.end = map.toDoc(s.end);
  }
}
