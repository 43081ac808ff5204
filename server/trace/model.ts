/**
 * The analysis every document kind is reduced to. Parsers (`.rtrace`,
 * benchmark dumps, JSONL with `messages`, plain text) produce an `Analysis`;
 * the LSP adapter and the CLI consume it. Offsets are UTF-16 code units into
 * the document text, half-open.
 */
import type { LayerSchemeName, LayerSpec, Stage } from '../../protocol/layers';
import type { TaskLevel } from '../../protocol/tasks';
import type { CompiledGrammar } from '../items/grammar';
import type { CodeList } from '../items/code-list';
import type { Span } from '../items/types';

export type DocumentKind = 'rtrace' | 'benchmark' | 'jsonl' | 'text';

export type { Stage };

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem found in a document, with a message a user can act on. */
export interface Problem {
  span: Span;
  severity: Severity;
  /** Stable identifier, e.g. `rtrace/syntax`, `code/out-of-range`, `step/dangling-evidence`. */
  code: string;
  message: string;
}

/** A reference from one step to another (or to a history item). */
export interface EvidenceLink {
  /** The id written in the link, e.g. `p2` or `h3`. */
  target: string;
  /** Where the id is written; absent when the link was inferred from the text (a model's free-text thinking writes no ids). */
  span?: Span;
}

/** A numbered reasoning step (explicit in `.rtrace`, or a layer block split out of free text). */
export interface Step {
  /** Step id, unique in its trace, e.g. `p1`, `c3`, `r1`, or `h2` for a history item. */
  id: string;
  /** Layer name as configured (e.g. `perception`, `derivation`, `evolution`). */
  layer: string;
  stage: Stage;
  /** The whole step. */
  span: Span;
  /** The id as written (target of go-to-definition). */
  idSpan: Span;
  /** The step's text, for hovers and graph labels (plain, decoded). */
  text: string;
  evidence: EvidenceLink[];
  /** Offsets into `Analysis.codes` of the codes inside this step. */
  codeIndexes?: number[];
  /**
   * `history` for an input item of the user's history (layer `history`,
   * stage `perception`: the first thing perception reads); `reasoning` or
   * absent for a reasoning step.
   */
  kind?: 'history' | 'reasoning';
}

/** A ranked recommendation of a trace (a sink of the evidence graph). */
export interface Recommendation {
  rank: number;
  /** The item as written (its itemic code). */
  item: string;
  span: Span;
  itemSpan: Span;
  /** Log-probability of the item's code. */
  score?: number;
  /** `true` hit, `false` miss, absent when not judged. */
  hit?: boolean;
  /** Race mode: which branch produced it. */
  branch?: 'thinking' | 'non-thinking';
  evidence: EvidenceLink[];
  codeIndexes?: number[];
}

/** An item the user actually engaged with next. */
export interface GroundTruthItem {
  item: string;
  span: Span;
  codeIndexes?: number[];
}

/** A node of the document outline. */
export interface OutlineNode {
  name: string;
  detail?: string;
  kind: 'trace' | 'sample' | 'section' | 'layer' | 'step' | 'item' | 'field';
  span: Span;
  selectionSpan: Span;
  children: OutlineNode[];
}

/** One generated token of a thinking sample (an `.rtrace` `[tokens thinking-N]` line). */
export interface GeneratedToken {
  /** The thinking sample, 0-based (`thinking-1` is 0), as `ThinkingSample.index` in protocol/inference.ts. */
  sample: number;
  /** Position in the sample's tokens, 0-based: the line's place in its section, malformed lines counted. */
  index: number;
  text: string;
  /** Log-probability of the token (≤ 0). */
  logprob: number;
  /** The recorded top-k alternatives with their probabilities, most probable first. */
  top: { token: string; prob: number }[];
  /** The step whose text the token starts in; absent for heading and blank tokens. */
  step?: string;
  /**
   * UTF-16 offset of the token in the text of the sample's raw block
   * (`[raw thinking-N]`): the tokens' texts add up to it, and a token that
   * decodes to U+FFFD on its own gets the offset where the sum stood,
   * resynchronised at the next clean token (placement.ts).
   */
  offset: number;
  /** The token's line in the document. */
  span?: Span;
  /** The token's text inside the raw block, when it stands there verbatim (not a U+FFFD piece). */
  rawSpan?: Span;
  /** Index into `TraceUnit.interventions` of the intervention that forced this token. */
  intervention?: number;
}

/** What the user forced in a live run (`Intervention` in protocol/inference.ts, as a trace records it: ids optional). */
export interface TraceIntervention {
  /** The thinking sample, 0-based. */
  sample: number;
  /** Where the forced tokens start in the sample's tokens, 0-based. */
  index: number;
  /** `token`: one token forced in place of the model's choice; `text`: typed text replacing the rest of a step. */
  kind: 'token' | 'text';
  /** The token the model had chosen at `index`. */
  original: { text: string; logprob: number; id?: number };
  /** What was forced; its tokens start at `index` of the sample: `ids.length` of them, or one when the ids are not given. */
  forced: { text: string; ids?: number[] };
  /** The intervention's line in the document. */
  span?: Span;
}

/** One trace inside a document: the whole `.rtrace`, or one sample/record/generation of a dump. */
export interface TraceUnit {
  /** Sample id, record number or file name. */
  id: string;
  span: Span;
  /** Thinking mode as far as it can be told (`/think`, non-empty `<think>`). */
  mode?: 'thinking' | 'non-thinking';
  steps: Step[];
  recommendations?: Recommendation[];
  groundTruth?: GroundTruthItem[];
  /** Header fields as written (`user`, `model`, `checkpoint`, `mode`, `decoding`, …), for hovers and titles. */
  header?: Record<string, string>;
  /** Every generated token of each thinking sample that has a tokens section, by sample then index. */
  tokens?: GeneratedToken[];
  /** What the user forced in a live run, in the order made. */
  interventions?: TraceIntervention[];
}

/** A benchmark run's metadata: the generation runner's top-level fields of `test_generated.json`. */
export interface RunInfo {
  model?: string;
  task?: string;
  split?: string;
  /** OneReason-Bench level of the task, from its name. */
  level?: TaskLevel;
  /** Race mode: the first half of each sample's generations is the thinking branch, the second the non-thinking branch. */
  raceMode?: boolean;
  totalTime?: number;
  avgTimePerSample?: number;
  samples: number;
}

/** One sample of a benchmark dump, for hovers: where its key is and the metrics scored into it. */
export interface SampleInfo {
  id: string;
  keySpan: Span;
  /** The sample's number and boolean fields (`pass@32=1 recall@32=0.5 …`), as written. */
  metrics: [string, string][];
  generations: number;
}

export interface Analysis {
  kind: DocumentKind;
  /** Every itemic code in the document, ordered by `span.start`. */
  codes: CodeList;
  traces: TraceUnit[];
  outline: OutlineNode[];
  folds: Span[];
  problems: Problem[];
  /** Benchmark dumps: the run's metadata. */
  run?: RunInfo;
  /** Benchmark dumps: each sample's key and metrics. */
  samples?: SampleInfo[];
}

/** What an analyser needs from the settings: the itemic-token grammar and the layers of the configured scheme (generic layers included, see `withGenericLayers`). */
export interface AnalyzeContext {
  grammar: CompiledGrammar;
  layers: LayerSpec[];
  /** The scheme `layers` come from, for traces that name their own (`layers:` header). */
  scheme?: LayerSchemeName;
  /** `reclens.layers`: the `custom` scheme's layers. */
  customLayers?: LayerSpec[];
}
