/**
 * The lossless syntax tree of an `.rtrace` document. Every physical line of
 * the document belongs to exactly one node, in document order, so printing
 * the tree (print.ts) gives the text back byte for byte — including lines
 * that do not parse, which become `invalid` nodes. Offsets are UTF-16 code
 * units into the document text, half-open.
 */
import type { Span } from '../../items/types';
import type { Problem } from '../model';
import type { SourceLine } from './lines';
import type { Branch, InterventionKind, Mode, SectionKind } from './spec';

/** A step or history id written in an evidence list. */
export interface Ref {
  id: string;
  span: Span;
}

/** One alternative token of a step's top-k list. */
export interface AltToken {
  token: string;
  prob: number;
  span: Span;
}

/** An `alt "tok"=0.6 "other"=0.3` line under a step. */
export interface AltLine {
  span: Span;
  tokens: AltToken[];
}

/** One `key=value` of a `decoding:` header field, value typed when the key is known. */
export interface DecodingEntry {
  key: string;
  keySpan: Span;
  value: string | number | boolean;
  valueSpan: Span;
}

interface NodeBase {
  /** The physical lines of this node, in order. */
  lines: SourceLine[];
  /** From the first line's start to the last line's text end, trailing blanks excluded. */
  span: Span;
}

export interface BlankNode extends NodeBase {
  kind: 'blank';
}

export interface CommentNode extends NodeBase {
  kind: 'comment';
}

/** A line that does not parse; its problem is in `RtraceSyntax.problems`. */
export interface InvalidNode extends NodeBase {
  kind: 'invalid';
}

/** A line inside a section of unknown kind: kept, not interpreted. */
export interface OpaqueNode extends NodeBase {
  kind: 'opaque';
}

/** The `%rtrace N` line. */
export interface VersionNode extends NodeBase {
  kind: 'version';
  /** The version number, when it is a whole number. */
  version?: number;
  versionSpan: Span;
}

/** A `key: value` header line. */
export interface FieldNode extends NodeBase {
  kind: 'field';
  key: string;
  keySpan: Span;
  /** The value as written, trimmed. */
  value: string;
  valueSpan: Span;
  /** Set for `mode:` when the value is a known mode. */
  mode?: Mode;
  /** Set for `decoding:`: the entries that parse. */
  decoding?: DecodingEntry[];
}

/** A reasoning step: a head line `p1 text <- h1, h2`, then indented continuation lines. */
export interface StepNode extends NodeBase {
  kind: 'step';
  id: string;
  idSpan: Span;
  /** Head text and continuation text, one line each, trimmed, joined with `\n`. */
  text: string;
  evidence: Ref[];
  alternatives: AltLine[];
}

/** A history line `h1 ITEM note`. */
export interface HistoryNode extends NodeBase {
  kind: 'history';
  id: string;
  idSpan: Span;
  item: string;
  itemSpan: Span;
  note?: string;
  noteSpan?: Span;
}

/** A recommendation line `1 ITEM score=-0.42 hit <- r1`. */
export interface RecNode extends NodeBase {
  kind: 'rec';
  rank: number;
  rankSpan: Span;
  item: string;
  itemSpan: Span;
  score?: number;
  /** `logprobs=`: the log-probability of each level's token of the code. */
  logprobs?: number[];
  prob?: number;
  beam?: number;
  branch?: Branch;
  hit?: boolean;
  /** `seen`: the item was already in the user's history. */
  seen?: boolean;
  evidence: Ref[];
}

/** A ground-truth line `ITEM note`. */
export interface TruthNode extends NodeBase {
  kind: 'truth';
  item: string;
  itemSpan: Span;
  note?: string;
}

/** The verbatim content of a raw block (zero or more lines). */
export interface RawTextNode extends NodeBase {
  kind: 'raw-text';
  /** The content: the lines with their breaks, except the break before the closing delimiter. */
  text: string;
}

/** A line of a `[tokens thinking-N]` section: `c1 "text" -0.105 "text"=0.9 "other"=0.05`. */
export interface TokenNode extends NodeBase {
  kind: 'token';
  /** The step the token starts in, when the line names one. */
  step?: string;
  stepSpan?: Span;
  text: string;
  /** The JSON string literal of the text. */
  textSpan: Span;
  logprob: number;
  /** The recorded top-k alternatives, most probable first. */
  top: AltToken[];
}

/** A line of `[interventions]`: `thinking-1 37 token "cats" -0.886 id=9245 -> "dogs" ids=1234`. */
export interface InterventionNode extends NodeBase {
  kind: 'intervention';
  /** The raw-block label of the sample, `thinking-N`. */
  label: string;
  labelSpan: Span;
  /** The 0-based thinking sample the label names. */
  sample: number;
  /** Position of the forced token(s) in the sample's tokens, 0-based. */
  index: number;
  interventionKind: InterventionKind;
  original: { text: string; logprob: number; id?: number; span: Span };
  forced: { text: string; ids?: number[]; span: Span };
}

export type Node =
  | BlankNode
  | CommentNode
  | InvalidNode
  | OpaqueNode
  | VersionNode
  | FieldNode
  | StepNode
  | HistoryNode
  | RecNode
  | TruthNode
  | RawTextNode
  | TokenNode
  | InterventionNode;

/** A `[...]` section: its head line, its body, and for a raw block the closing delimiter line. */
export interface Section {
  kind: SectionKind | 'unknown';
  head: SourceLine;
  /** The head line's text, trailing blanks excluded. */
  headSpan: Span;
  /** Layer name of `[layer NAME]`. */
  name?: string;
  nameSpan?: Span;
  /** Label of `[raw LABEL <<END]`. */
  label?: string;
  /** Delimiter of `[raw <<END]`. */
  delimiter?: string;
  /** `[tokens thinking-N]`: the 0-based sample the label names (the label is in `label`). */
  sample?: number;
  /** `[tokens thinking-N from=K]`: where the tokens start in the raw block's text (0 when not given). */
  from?: number;
  body: Node[];
  /** The delimiter line closing a raw block; absent when the block runs to the end of the file. */
  close?: SourceLine;
  /** Blank, comment and stray lines between a raw block's delimiter line and the next section. */
  after?: Node[];
  /** From the head line to the last non-blank content. */
  span: Span;
}

/** A parsed document. */
export interface RtraceSyntax {
  /** `'\uFEFF'` when the text starts with a byte-order mark, else `''`. */
  bom: string;
  /** The version line, header fields, comments and blanks before the first section. */
  prologue: Node[];
  sections: Section[];
  /** Problems that need no settings to find: lines that do not parse, bad values, unclosed raw blocks. */
  problems: Problem[];
}
