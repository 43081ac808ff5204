/**
 * Types of the itemic-token grammar: how a family spells semantic IDs, and
 * what the scanner reports for each code it finds in a text.
 *
 * All offsets are UTF-16 code-unit offsets into the scanned document text
 * (the unit LSP positions use), half-open `[start, end)`.
 */

/** A half-open range of document offsets. */
export interface Span {
  start: number;
  end: number;
}

/** Why a code is not a clean, complete item reference. */
export type CodeProblemKind =
  | 'out-of-range' // a level's number exceeds its codebook
  | 'unterminated' // a begin token with no end token (generation cut off)
  | 'empty' // begin and end tokens with nothing between
  | 'malformed' // a level out of order, repeated, or garbage between begin and end
  | 'bare-mismatch'; // a bare number between begin/end that does not decode

export interface CodeProblem {
  kind: CodeProblemKind;
  message: string;
  span: Span;
}

/** One itemic code found in a text. */
export interface CodeMatch {
  /** Whole match including begin/end tokens when present. */
  span: Span;
  /** Parsed level values, coarse to fine; shorter than the grammar's level count for a prefix. */
  levels: number[];
  /** Span of each level token. */
  levelSpans: Span[];
  /** Domain named by the begin token (OneReason), if any. */
  domain?: string;
  begin?: Span;
  end?: Span;
  /** `full`: every level present; `prefix`: a leading subset (a cluster reference). */
  kind: 'full' | 'prefix';
  /**
   * The digits of a bare code written between begin/end
   * (`<|sid_begin|>123<|sid_end|>`); `levels` is then empty and the resolver
   * decides what the number names (an item id or a flattened code).
   */
  bare?: string;
  problems: CodeProblem[];
}
