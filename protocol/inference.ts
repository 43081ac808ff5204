/**
 * The vocabulary of single-user inference, shared by the engine, the
 * language server, the CLI and the extension: the decoding settings with
 * their defaults and, per setting, its range, description, command-line
 * flag and trace key (`decodingSpecs` — the settings schema, the settings
 * reader, the CLI and the trace header all read them from here); the
 * prompt settings; and what an inference gives back (the record, its
 * tokens, samples and candidates, the progress events). Plain data: it
 * crosses the worker's IPC channel, the LSP connection and the CLI's
 * `--json` unchanged. Imports nothing.
 */

export type InferenceMode = 'thinking' | 'non-thinking' | 'race';
export type Branch = 'thinking' | 'non-thinking';
export type ProviderSetting = 'auto' | 'cuda' | 'cpu';
/** How the candidates of several searches are listed: OneReason's raw order, or merged by score. */
export type CandidateOrder = 'benchmark' | 'score';

export const INFERENCE_MODES: readonly InferenceMode[] = ['thinking', 'non-thinking', 'race'];
/** The two branches of a decode: race mode runs both. */
export const INFERENCE_BRANCHES: readonly Branch[] = ['thinking', 'non-thinking'];
export const PROVIDERS: readonly ProviderSetting[] = ['auto', 'cuda', 'cpu'];
export const CANDIDATE_ORDERS: readonly CandidateOrder[] = ['benchmark', 'score'];
/** `reclens.inference.domain` value that picks the domain from the user's targets, the table, or the grammar. */
export const AUTO_DOMAIN = 'auto';

/** Decoding settings; every field has a default (`defaultDecoding`). */
export interface DecodeSettings {
  mode: InferenceMode;
  /** Beam width of the code stage. */
  beams: number;
  /** Candidates returned per search (≤ beams); race mode keeps half of them from each branch. */
  numReturn: number;
  /** Thinking traces sampled in two-stage thinking decoding. */
  thinkingSamples: number;
  /** Sampling temperature of the thinking stage; 0 = greedy. */
  temperature: number;
  topP: number;
  /** 0 = no top-k cut-off. */
  topK: number;
  /** vLLM's presence penalty of the thinking stage: subtracted from the logit of every token the sample has generated. */
  presencePenalty: number;
  /** vLLM's frequency penalty of the thinking stage: subtracted once per time the sample has generated the token. */
  frequencyPenalty: number;
  seed: number;
  maxThinkingTokens: number;
  /** Constrain the code stage to codes of the alignment table (OneRec-Think), or decode freely and report invalid beams (OpenOneRec). */
  constrained: boolean;
  /** The domain whose begin token opens the code (`video`, `prod`, `ad`, `living`, `sid`), or `auto`. */
  domain: string;
  /** How candidates of several searches (race mode, several thinking samples) are listed. */
  candidateOrder: CandidateOrder;
  /** Drop candidates whose code is already in the user's history. */
  filterSeen: boolean;
  /** Top-k alternatives recorded per generated token. */
  alternatives: number;
}

/** The decoding settings a user can set (all but the recorded alternatives). */
export type DecodingKey = Exclude<keyof DecodeSettings, 'alternatives'>;

/**
 * OneReason's recommendation config for the thinking stage (temperature 0.6,
 * top-p 0.95, top-k 50, presence and frequency penalties 1.0); beams are
 * unaffected by sampling settings.
 */
export const defaultDecoding: DecodeSettings = {
  mode: 'thinking',
  beams: 32,
  numReturn: 10,
  thinkingSamples: 1,
  temperature: 0.6,
  topP: 0.95,
  topK: 50,
  presencePenalty: 1,
  frequencyPenalty: 1,
  seed: 42,
  maxThinkingTokens: 1024,
  constrained: true,
  domain: AUTO_DOMAIN,
  candidateOrder: 'benchmark',
  filterSeen: false,
  alternatives: 5,
};

/** What a caller may override for one run. */
export type DecodeOverrides = Partial<Omit<DecodeSettings, 'alternatives'>> & { model?: string; provider?: ProviderSetting };

interface SpecBase {
  /** The setting's description (Markdown when `markdown`). */
  description: string;
  markdown?: boolean;
  /** The `reclens infer` flag (`--top-p`), when there is one. */
  flag?: string;
  /** The key of the trace header's `decoding:` line, when the trace records it there. */
  trace?: string;
}

/** How one decoding setting is checked and described. */
export type DecodingSpec =
  | (SpecBase & { kind: 'integer' | 'number'; min: number; max?: number })
  | (SpecBase & { kind: 'boolean' })
  | (SpecBase & { kind: 'string' })
  | (SpecBase & { kind: 'enum'; values: readonly string[]; valueDescriptions?: string[] });

/** Every user-settable decoding setting, in the order the settings list them and the trace header writes them. */
export const decodingSpecs: { readonly [K in DecodingKey]: DecodingSpec } = {
  mode: {
    kind: 'enum',
    values: INFERENCE_MODES,
    valueDescriptions: [
      'Two-stage: sample the thinking (`/think`) until `</think>`, then beam-search codes after each thinking sample.',
      'No thinking (`/no_think`, an empty think block): beam-search codes right after the prompt.',
      'Both, as OneReason evaluates: half of `numReturn` from the thinking branch (one thinking sample, then beams), then half from the non-thinking branch, each candidate labelled with its branch.',
    ],
    description: 'How the model decodes.',
    flag: 'mode',
  },
  temperature: { kind: 'number', min: 0, max: 100, description: 'Sampling temperature of the thinking stage (0 = greedy).', flag: 'temperature', trace: 'temperature' },
  topP: { kind: 'number', min: 0, max: 1, description: 'Nucleus sampling threshold of the thinking stage (1 = off).', flag: 'top-p', trace: 'top_p' },
  topK: { kind: 'integer', min: 0, description: 'Top-k cut-off of the thinking stage (0 = off).', flag: 'top-k', trace: 'top_k' },
  presencePenalty: {
    kind: 'number',
    min: -2,
    max: 2,
    description: "Presence penalty of the thinking stage, as vLLM defines it: subtracted from the logit of every token the sample has already generated (the prompt does not count), before temperature, top-k and top-p. Code beams are unaffected. OneReason's recommendation config uses 1.0.",
    flag: 'presence-penalty',
    trace: 'presence_penalty',
  },
  frequencyPenalty: {
    kind: 'number',
    min: -2,
    max: 2,
    description: "Frequency penalty of the thinking stage, as vLLM defines it: subtracted from a token's logit once per time the sample has already generated it. Code beams are unaffected. OneReason's recommendation config uses 1.0.",
    flag: 'frequency-penalty',
    trace: 'frequency_penalty',
  },
  seed: { kind: 'integer', min: -(2 ** 31), max: 2 ** 32, description: 'Random seed: the same seed and settings give the same trace.', flag: 'seed', trace: 'seed' },
  beams: { kind: 'integer', min: 1, max: 128, description: 'Beam width of the code search (OpenOneRec evaluates with 16–32, OneReason with 64).', flag: 'beams', trace: 'beams' },
  numReturn: {
    kind: 'integer',
    min: 1,
    max: 128,
    description: 'Candidates returned per beam search (at most the beam width). In race mode with the benchmark order, half come from each branch, each branch searching with width half, as OneReason does.',
    flag: 'num-return',
    trace: 'num_return',
  },
  maxThinkingTokens: { kind: 'integer', min: 1, max: 32768, description: 'Most tokens of one thinking sample.', flag: 'max-thinking-tokens', trace: 'max_thinking_tokens' },
  thinkingSamples: { kind: 'integer', min: 1, max: 16, description: 'Thinking traces sampled in thinking mode; codes are beam-searched after each.', flag: 'samples', trace: 'thinking_samples' },
  constrained: {
    kind: 'boolean',
    markdown: true,
    description: 'Constrain code decoding to codes of the alignment table (a prefix trie, as OneRec-Think does). Off: decode freely and report invalid beams, as OpenOneRec does.',
    trace: 'constrained',
  },
  domain: {
    kind: 'string',
    markdown: true,
    description:
      "The domain whose begin token opens the code: `video`, `prod`, `ad`, `living` (`<|video_begin|>` …, the `onereason` spelling) or `sid` (`<|sid_begin|>`); any domain of the itemic-token spelling. `auto` takes the domain of the user's targets, else of the alignment table entry (`domain` in `#reclens.alignment.paths#`), else the spelling's domain-less begin token. The model's tokenizer must have the begin token.",
    flag: 'domain',
  },
  candidateOrder: {
    kind: 'enum',
    values: CANDIDATE_ORDERS,
    valueDescriptions: [
      "OneReason's order: each search's beams best first, searches in run order (thinking samples, then the non-thinking branch), no de-duplication — so pass@k for k up to half of `numReturn` sees only the thinking half in race mode.",
      'Merged: one entry per code (its best beam), all searches together, ordered by log-probability.',
    ],
    markdown: true,
    description: 'How the candidates of several searches (race mode, several thinking samples) are listed.',
    flag: 'candidate-order',
  },
  filterSeen: {
    kind: 'boolean',
    markdown: true,
    description:
      "Drop candidates whose code is already in the user's history. Off by default because OneReason scores the raw candidates, seen or not; either way such candidates are marked `seen` in the trace.",
    flag: 'filter-seen',
    trace: 'filter_seen',
  },
};

/** What a value of `spec` must be, for messages: "a whole number from 1 to 128", "a number ≥ 0", "true or false", `"a", "b" or "c"`. */
export function describeRange(spec: DecodingSpec): string {
  if (spec.kind === 'boolean') return 'true or false';
  if (spec.kind === 'string') return 'text';
  if (spec.kind === 'enum') return spec.values.map((v) => `"${v}"`).join(spec.values.length > 2 ? ', ' : ' or ').replace(/, ([^,]*)$/, ' or $1');
  const what = spec.kind === 'integer' ? 'a whole number' : 'a number';
  return spec.max === undefined ? `${what} ≥ ${spec.min}` : `${what} from ${spec.min} to ${spec.max}`;
}

/** Whether `value` is a valid value of `spec`. */
export function inRange(spec: DecodingSpec, value: unknown): boolean {
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && value.trim() !== '';
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value);
    default:
      return typeof value === 'number' && Number.isFinite(value) && (spec.kind === 'number' || Number.isInteger(value)) && value >= spec.min && value <= (spec.max ?? Infinity);
  }
}

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
  /** Log-probability of the chosen token under the unmodified distribution (temperature 1, no penalties). */
  logprob: number;
  /** The top alternatives (chosen one included), most probable first. */
  top: { id: number; text: string; prob: number }[];
}

/** One thinking trace. */
export interface ThinkingSample {
  index: number;
  /**
   * What the model wrote before its reasoning when the prompt left the
   * opening to it (`<think>\n` after a chat template's `assistant\n`);
   * '' when the prompt opened the thinking. The sample generated
   * `opening + text`.
   */
  opening: string;
  /** The generated thinking text after the opening, up to but excluding `</think>`. */
  text: string;
  /** The tokens of `text`. */
  tokens: TokenRecord[];
  /** Why generation stopped. */
  stop: 'think-end' | 'eos' | 'max-tokens';
}

/**
 * A change the user made to a live run, in the order made: one token forced
 * in place of the model's choice, or typed text replacing the rest of a
 * step. The sample's `tokens` hold what was forced, at
 * `index … index + forced.ids.length - 1`; `original` is what the model
 * had chosen at `index`.
 */
export interface Intervention {
  /** The thinking sample (`ThinkingSample.index`, 0-based). */
  sample: number;
  /** Where the forced tokens start in the sample's `tokens` (0-based). */
  index: number;
  /** `token`: one token forced (`forced.ids` has one id); `text`: typed text, as the tokenizer encodes it. */
  kind: 'token' | 'text';
  /** The token the model chose at `index`, with its log-probability (as `TokenRecord.logprob`). */
  original: { id: number; text: string; logprob: number };
  /** The forced token ids and their text. */
  forced: { ids: number[]; text: string };
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
  /** Whether the code is already in the user's history (the whole history, not only the prompt's part). */
  seen: boolean;
}

/**
 * The exact text one branch fed the model. The engine feeds the
 * tokenizer's encoding of each stage's whole text, as vLLM does with the
 * benchmark's prompt strings, so the text alone re-scores a trace token for
 * token:
 * - thinking stage: `prompt`;
 * - code stage after thinking sample i: `prompt + samples[i].opening + samples[i].text + code`;
 * - non-thinking code stage: `prompt + code`.
 */
export interface BranchContext {
  /** The rendered prompt with what the engine appended to open the branch: the thinking opening (`<think>\n`) or the empty think block, unless the chat template wrote it. */
  prompt: string;
  /** What the code stage appends: `</think>\n` and the begin token after a thinking sample; the begin token in the non-thinking branch. */
  code: string;
}

/** Where the domain of the code stage came from. */
export type DomainSource = 'setting' | 'target' | 'table' | 'grammar';

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
  /** Whether the prompt came from the model's chat template (tokenizer_config.json) or `reclens.inference.promptTemplate`. */
  promptSource: 'chat-template' | 'prompt-template';
  /** The exact text of each branch's stages. */
  contexts: Partial<Record<Branch, BranchContext>>;
  /** The domain of the code stage: its name (`video`, …, `sid` for `<|sid_begin|>`), begin token, and where it came from. */
  domain: { name: string; begin: string; source: DomainSource };
  promptTokens: number;
  settings: DecodeSettings;
  /** Text of each thinking sample (empty in non-thinking mode). */
  thinking: string[];
  samples: ThinkingSample[];
  /** What the user forced during a live run, in the order made; absent when nothing was. */
  interventions?: Intervention[];
  /** In `settings.candidateOrder`; race mode's thinking half first in benchmark order. */
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
