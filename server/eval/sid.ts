/**
 * How OneReason_Eval_Benchmark (data v3.1) reads SIDs out of model text, quirks
 * included, so that RecLens's metrics equal the benchmark's:
 *
 * - C1 think stripping (`afterThink`) and C2 domain-token normalisation
 *   (`normalizeSidTokens`: every domain's begin/end becomes the generic
 *   `<|sid_begin|>`/`<|sid_end|>`, so the same codes in two domains compare equal);
 * - §1.1 the ground-truth SIDs (`groundTruthSids`) and the one SID of a
 *   generation (`predictedSid`), both plain substrings compared as strings;
 * - §1.5 the codes of a SID (`sidCodes`, for sid_1th_recall and accuracy_at_pos);
 * - §1.7 the code tuple used for validity and PID mapping (`sidTuple`);
 * - §1.1 candidate selection (`selectGenerations`: first_k / top_k_by_logprobs).
 *
 * Whitespace is trimmed with Python's `str.strip` rules, not JavaScript's `trim`.
 * Pure: no I/O.
 */

/** A value, or an error message a user can act on. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The generic SID markers every domain token is normalised to. */
export const SID_BEGIN = '<|sid_begin|>';
export const SID_END = '<|sid_end|>';

/** The benchmark's domain markers (`_SPECIFIC_BEGIN_TOKENS` / `_SPECIFIC_END_TOKENS`); its own list, not RecLens's grammar presets. */
export const DOMAIN_BEGIN_TOKENS: readonly string[] = ['<|video_begin|>', '<|prod_begin|>', '<|living_begin|>', '<|ad_begin|>'];
export const DOMAIN_END_TOKENS: readonly string[] = ['<|video_end|>', '<|prod_end|>', '<|living_end|>', '<|ad_end|>'];

const THINK_CLOSE = '</think>';

// Python's str.isspace set: JavaScript's trim() also strips U+FEFF but not U+001C–U+001F or U+0085.
const PY_SPACE = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

/** Python's `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** C1: the text after the last `</think>`, stripped; text without `</think>` is returned unchanged. */
export function afterThink(text: string): string {
  const i = text.lastIndexOf(THINK_CLOSE);
  return i < 0 ? text : pyStrip(text.slice(i + THINK_CLOSE.length));
}

/** C2: every domain begin/end token replaced by `<|sid_begin|>`/`<|sid_end|>`. */
export function normalizeSidTokens(text: string): string {
  let out = text;
  for (const t of DOMAIN_BEGIN_TOKENS) out = out.replaceAll(t, SID_BEGIN);
  for (const t of DOMAIN_END_TOKENS) out = out.replaceAll(t, SID_END);
  return out;
}

/** The SIDs of a ground-truth answer, in answer order and as a set. */
export interface GroundTruthSids {
  /** Every SID in answer order, duplicates kept. */
  readonly list: readonly string[];
  /** The comparison set GT. */
  readonly set: ReadonlySet<string>;
  /** first_gt: the first SID, or "" when there is none. */
  readonly first: string;
}

/**
 * §1.1 GT SIDs: split the normalised answer on `<|sid_begin|>`; a piece with
 * `<|sid_end|>` gives the stripped text before it, a piece without one is kept
 * verbatim (so text before the first begin token, unstripped, becomes an id, and
 * an answer with no begin token is one id); empty results are dropped.
 */
export function groundTruthSids(answer: string): GroundTruthSids {
  const list: string[] = [];
  for (const piece of normalizeSidTokens(answer).split(SID_BEGIN)) {
    const id = piece.includes(SID_END) ? pyStrip(piece.split(SID_END)[0]) : piece;
    if (id) list.push(id);
  }
  return { list, set: new Set(list), first: list[0] ?? '' };
}

/**
 * §1.1 the SID a generation predicts: strip, C1, C2, then the first piece after
 * a `<|sid_begin|>` split with non-empty content (before `<|sid_end|>` if any).
 * The piece before the first begin token counts too (`"foo<|video_begin|>A"` →
 * `"foo"`); text with no begin token is returned whole (`"hello"`, `""`).
 */
export function predictedSid(generation: string): string {
  const text = normalizeSidTokens(afterThink(pyStrip(generation)));
  if (!text.includes(SID_BEGIN)) return text;
  for (const piece of text.split(SID_BEGIN)) {
    if (piece.includes(SID_END)) {
      const sid = pyStrip(piece.split(SID_END)[0]);
      if (sid) return sid;
    } else if (pyStrip(piece)) {
      return pyStrip(piece);
    }
  }
  return text;
}

/** A code as Python's `int()` then `str()` write it: leading zeros dropped. */
const canonicalCode = (digits: string): string => digits.replace(/^0+(?=\d)/, '');

const CODE = /<s_[a-z]_(\d+)>/g;

/**
 * §1.5 the codes of a SID or a generation (`extract_sid_codes`): after C1 and
 * after deleting the domain tokens, every `<s_[a-z]_N>` in order, as decimal
 * strings without leading zeros. Empty when there are none.
 */
export function sidCodes(text: string): string[] {
  let t = afterThink(text);
  for (const token of [...DOMAIN_BEGIN_TOKENS, ...DOMAIN_END_TOKENS]) t = t.replaceAll(token, '');
  return Array.from(t.matchAll(CODE), (m) => canonicalCode(m[1]));
}

/** The first code of a SID (sid_1th_recall), or "" when it has none. */
export function firstCode(sid: string): string {
  return sidCodes(sid)[0] ?? '';
}

/** A three-level code tuple, each code a decimal string without leading zeros. */
export type SidTuple = readonly [string, string, string];

const TUPLE = /<s_a_(\d+)><s_b_(\d+)><s_c_(\d+)>/;

/** §1.7 the first `<s_a_N><s_b_N><s_c_N>` after C1 of the stripped generation (domain tokens play no part), if any. */
export function sidTuple(generation: string): SidTuple | undefined {
  const m = TUPLE.exec(afterThink(pyStrip(generation)));
  return m ? [canonicalCode(m[1]), canonicalCode(m[2]), canonicalCode(m[3])] : undefined;
}

/** `select_k` strategies. */
export type SelectStrategy = 'first_k' | 'top_k_by_logprobs';

/**
 * §1.1 the candidate order metrics read their first k from: `first_k` keeps the
 * generations as they are (duplicates use up slots); `top_k_by_logprobs`
 * stable-sorts by logprob, highest first, and drops later duplicate strings. The
 * latter needs one logprob per generation and is an error otherwise, as in the
 * benchmark (which stops the whole evaluation).
 */
export function selectGenerations(generations: readonly string[], logprobs: readonly number[] | undefined, strategy: SelectStrategy): Outcome<readonly string[]> {
  if (strategy === 'first_k') return { ok: true, value: generations };
  if (!logprobs || logprobs.length === 0) {
    return { ok: false, error: 'select_k is top_k_by_logprobs but the sample has no "logprobs": generate with logprobs saved, or evaluate with select_k first_k' };
  }
  if (logprobs.length !== generations.length) {
    return { ok: false, error: `select_k is top_k_by_logprobs but the sample has ${logprobs.length} logprobs for ${generations.length} generations: they must pair up one to one; regenerate, or evaluate with select_k first_k` };
  }
  const order = generations.map((_, i) => i).sort((a, b) => logprobs[b] - logprobs[a]);
  return { ok: true, value: [...new Set(order.map((i) => generations[i]))] };
}
