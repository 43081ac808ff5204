/**
 * The vocabulary of a live run — a generation the user steps through in
 * the debugger: what one step was (a thinking token or a code level), the
 * distribution it came from, the beams of a code level, and when `run`
 * stops (the interventions are protocol/inference's `Intervention`). Plain
 * data: it crosses the worker's IPC channel.
 */
import type { Branch, InferenceRecord } from '../../../protocol/inference';
import type { LayerSpec } from '../../../protocol/layers';

export type LiveStage = 'thinking' | 'code';

/**
 * What a step triggers (the debugger's function breakpoints):
 * `thinking-end` — the model wrote `</think>`; `layer` — a line that is a
 * layer heading was completed; `code` — a code level was decoded;
 * `low-confidence` — the chosen token's model probability is below the
 * threshold (0.5 unless set).
 */
export type LiveEvent = 'thinking-end' | 'layer' | 'code' | 'low-confidence';

export const LIVE_EVENTS: readonly LiveEvent[] = ['thinking-end', 'layer', 'code', 'low-confidence'];

/** A token with its probability under the model (temperature 1, no penalties). */
export interface LiveToken {
  id: number;
  text: string;
  logprob: number;
}

/** One entry of a next-token distribution. */
export interface LiveChoice {
  id: number;
  text: string;
  /**
   * The probability the decoder chooses with: thinking — after the
   * penalties, temperature, top-k and top-p (0 outside the kept head);
   * code — the model's, renormalised over the trie's valid continuations
   * when decoding is constrained.
   */
  prob: number;
  /** The model's own probability (temperature 1, no penalties). */
  raw: number;
}

export interface LiveDistribution {
  /** The most likely tokens by `prob`, then by `raw`. */
  top: LiveChoice[];
  /** Entropy (nats) of the model's raw distribution. */
  entropy: number;
  /** Tokens the decoder could choose (`prob` > 0). */
  support: number;
}

/** A beam of a code search, after a level. */
export interface LiveBeam {
  tokens: number[];
  text: string;
  /** Decoded levels (shorter than the tokens once a token was not the right level's: unconstrained decoding). */
  levels: number[];
  logprob: number;
  valid: boolean;
  /** Valid next-level tokens in the code trie after `levels` (0 once the code is complete or invalid). */
  continuations: number;
}

/** One step of a live run: a thinking token, or one level of a code search. */
export interface LiveStep {
  stage: LiveStage;
  branch: Branch;
  /** The thinking sample (thinking stage, and the code search after it). */
  sample?: number;
  /** Thinking: the token's index among the sample's generated tokens (0-based, any opening the model wrote included); code: the level (0-based). */
  index: number;
  /** Thinking: the chosen (or forced) token; code: the best beam's token at this level. */
  token: LiveToken;
  /** Whether the user forced this token. */
  forced: boolean;
  /** What the token was chosen from: thinking, the sample's next-token distribution; code, the best beam's parent's. */
  distribution: LiveDistribution;
  events: LiveEvent[];
  /** The layer whose heading line this token completed (`layer` event). */
  layer?: string;
  /** Thinking: the 1-based line of the sample's generated text the token starts on, and the line after it (they differ when it wrote a line break). */
  line?: number;
  endLine?: number;
  /** Set on a sample's last step: why its thinking stopped. */
  stop?: 'think-end' | 'eos' | 'max-tokens';
  /** Code: every beam after this level, best first. */
  beams?: LiveBeam[];
  /** Whether the run has ended: `finish` gives the record. */
  done: boolean;
}

/** The next step's distribution, without taking the step (the debugger's Variables while paused). */
export interface LivePeek {
  stage: LiveStage;
  branch: Branch;
  sample?: number;
  index: number;
  distribution: LiveDistribution;
  /** Thinking: the token the sampler would choose next (same generator, not advanced). */
  wouldChoose?: LiveToken;
  /** Code: the beams before this level. */
  beams?: LiveBeam[];
}

/** The record of a live run: `runInference`'s, with the interventions (protocol/inference's `Intervention`) when any were made. */
export type LiveRecord = InferenceRecord;

/** When `run` stops (besides at the end of the run or on `pause`): the first step that matches any field. */
export interface StopWhen {
  /** A step that triggers any of these events. */
  events?: LiveEvent[];
  /** After this many steps. */
  steps?: number;
  /** A thinking step after which the sample's text reaches one of these 1-based lines (the line is about to be written). */
  lines?: number[];
}

/** `until` of `run`: plain data (evaluated where the model runs), or a predicate (a round trip per step through a worker). */
export type StopCondition = StopWhen | ((step: LiveStep) => boolean);

/** What `start` reports. */
export interface LiveStarted {
  /** The branches in run order and the thinking samples per thinking branch. */
  branches: Branch[];
  samples: number;
  promptTokens: number;
  /** The worker's process id, when the run is in one. */
  pid?: number;
}

/** Options of a live run. */
export interface LiveOptions {
  /** Entries of each distribution (default 10). */
  top?: number;
  /** `low-confidence` below this model probability (default 0.5). */
  lowConfidence?: number;
  /** The layer scheme whose headings raise `layer` (default: protocol/layers' `defaultLayers`). */
  layers?: readonly LayerSpec[];
}

/** A controllable generation for one user: the debugger's live session drives it. */
export interface LiveRun {
  /** Load the model, build the prompt as `runInference` does, and stand before the first step. */
  start(): Promise<LiveStarted>;
  /** Take one step (a thinking token or a code level); undefined once the run has ended. */
  next(): Promise<LiveStep | undefined>;
  /** The next step's distribution without taking it; undefined once the run has ended. */
  peek(): Promise<LivePeek | undefined>;
  /** Make the next token `token` (an id, or text the tokenizer encodes into tokens fed in order); returns the steps fed. */
  force(token: number | string): Promise<LiveStep[]>;
  /** Replace the rest of the current step with `text` (see `replaceRest` in live/run.ts); returns the steps fed. */
  replaceRest(text: string): Promise<LiveStep[]>;
  /** Step until `until` holds for a step, the run ends, or `pause` is called; the last step taken. */
  run(until: StopCondition): Promise<LiveStep | undefined>;
  /** Make a running `run` return after its current step. */
  pause(): void;
  /** Run to the end and give the record. */
  finish(): Promise<LiveRecord>;
  /** End the run (and its worker process). */
  cancel(): Promise<void>;
  /** Start over with the same settings and seed, without the interventions. */
  restart(): Promise<LiveStarted>;
}
