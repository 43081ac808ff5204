/**
 * What the inference engine takes and gives: decoding settings, the request
 * for one user, the record of everything that happened (tokens with their
 * top-k alternatives, beams with their log-probabilities, timings), and the
 * progress events sent while it runs. Plain data: it crosses the worker's
 * IPC channel, the LSP connection and the CLI's `--json` unchanged.
 */

export type InferenceMode = 'thinking' | 'non-thinking' | 'race';
export type Branch = 'thinking' | 'non-thinking';
export type ProviderSetting = 'auto' | 'cuda' | 'cpu';

/** Decoding settings; every field has a default (`defaultDecoding`). */
export interface DecodeSettings {
  mode: InferenceMode;
  /** Beam width of the code stage (1–128). */
  beams: number;
  /** Candidates returned per branch (≤ beams). */
  numReturn: number;
  /** Thinking traces sampled in two-stage thinking decoding. */
  thinkingSamples: number;
  /** Sampling temperature of the thinking stage; 0 = greedy. */
  temperature: number;
  topP: number;
  /** 0 = no top-k cut-off. */
  topK: number;
  seed: number;
  maxThinkingTokens: number;
  /** Constrain the code stage to codes of the alignment table (OneRec-Think), or decode freely and report invalid beams (OpenOneRec). */
  constrained: boolean;
  /** Top-k alternatives recorded per generated token. */
  alternatives: number;
}

export const defaultDecoding: DecodeSettings = {
  mode: 'thinking',
  beams: 32,
  numReturn: 10,
  thinkingSamples: 1,
  temperature: 0.6,
  topP: 0.95,
  topK: 20,
  seed: 42,
  maxThinkingTokens: 1024,
  constrained: true,
  alternatives: 5,
};

/** How the prompt is written (`reclens.inference.promptTemplate`, `historyLength`). */
export interface PromptSettings {
  /**
   * Text with placeholders: `{history}` (the history codes, concatenated),
   * `{mode}` (`/think` or `/no_think`), `{user}` (the user id).
   */
  template: string;
  /** Most recent history items put in the prompt (0 = all). */
  historyLength: number;
  /** Appended after the prompt to open the thinking stage (may be empty: the model then writes `<think>` itself). */
  thinkOpen: string;
  /** Appended after the prompt in non-thinking mode: an empty think block, as Qwen3 writes it. */
  emptyThink: string;
  /** Written after the thinking to close it before the code (`</think>\n`). */
  thinkClose: string;
}

export const defaultPrompt: PromptSettings = {
  template:
    "<|im_start|>system\nYou are a recommender. Read the user's history of itemic tokens and recommend the next item.<|im_end|>\n" +
    '<|im_start|>user\nThe user interacted with: {history}\nPredict the next item. {mode}<|im_end|>\n<|im_start|>assistant\n',
  historyLength: 20,
  thinkOpen: '<think>\n',
  emptyThink: '<think>\n\n</think>\n\n',
  thinkClose: '</think>\n',
};

/** One token the model generated, with what it weighed. */
export interface TokenRecord {
  id: number;
  text: string;
  /** Log-probability of the chosen token under the unmodified distribution (temperature 1). */
  logprob: number;
  /** The top alternatives (chosen one included), most probable first. */
  top: { id: number; text: string; prob: number }[];
}

/** One thinking trace. */
export interface ThinkingSample {
  index: number;
  /** The generated thinking text (after the opening, up to but excluding `</think>`). */
  text: string;
  tokens: TokenRecord[];
  /** Why generation stopped. */
  stop: 'think-end' | 'eos' | 'max-tokens';
}

/** One code the beam search returned. */
export interface Candidate {
  /** The code in the grammar's spelling, e.g. `<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>`. */
  code: string;
  levels: number[];
  /** Cumulative log-probability of the code tokens given the prompt (and thinking). */
  logprob: number;
  /** Log-probability of each level's token. */
  stepLogprobs: number[];
  /** Whether the code names an item of the alignment table. */
  valid: boolean;
  branch: Branch;
  /** The thinking sample this beam continued (thinking branch). */
  sample?: number;
  /** Rank of the beam within its search (1 = best). */
  beam: number;
  /** Items with this code (ids), when the table knows it. */
  items: string[];
  /** Whether the code is one of the user's held-out targets. */
  hit?: boolean;
}

export interface Timings {
  /** Model load (session creation), when this request loaded it. */
  loadMs: number;
  prefillMs: number;
  thinkingMs: number;
  thinkingTokens: number;
  beamMs: number;
  /** Beams expanded per second in the code stage (beam width × levels ÷ time). */
  beamSteps: number;
  totalMs: number;
  /** Time spent inside `session.run`. */
  runMs: number;
}

/** The record of one inference: everything needed to reproduce and debug it. */
export interface InferenceRecord {
  user: string;
  model: string;
  /** The model folder's name or config `reclens_demo.checkpoint`, for the trace header. */
  checkpoint?: string;
  executionProvider: string;
  /** Why the requested provider was not used, when it was not. */
  providerNote?: string;
  mode: InferenceMode;
  /** The exact text fed to the model (before the thinking opening or the empty think block). */
  prompt: string;
  /** The prompt of each branch (race mode has two: `/think` and `/no_think`). */
  prompts: Partial<Record<Branch, string>>;
  promptTokens: number;
  settings: DecodeSettings;
  /** Text of each thinking sample (empty in non-thinking mode). */
  thinking: string[];
  samples: ThinkingSample[];
  /** Best first (merged across branches in race mode). */
  candidates: Candidate[];
  /** Beams that did not decode to a valid code (unconstrained decoding). */
  invalidBeams: number;
  history: { item: string; id?: string }[];
  targets: { item: string; id?: string }[];
  timings: Timings;
  created: string;
}

/** Sent while an inference runs. */
export type ProgressEvent =
  | { kind: 'loading'; message: string }
  | { kind: 'prefill'; promptTokens: number }
  | { kind: 'thinking'; sample: number; samples: number; text: string; tokens: number; tokensPerSecond: number }
  | { kind: 'beams'; branch: Branch; sample?: number; level: number; levels: number }
  | { kind: 'done'; totalMs: number };
