/**
 * The vocabulary of the `.rtrace` format (docs/trace-format.md): version,
 * header keys, decoding keys, section kinds and recommendation attributes.
 * The parser, the printer and the checks all read it from here.
 */

import { INFERENCE_BRANCHES, INFERENCE_MODES, type Branch, type InferenceMode, type Intervention } from '../../../protocol/inference';

/** The format version this reader understands and the printer writes. */
export const RTRACE_VERSION = 1;

/** The directive that opens every document: `%rtrace 1`. */
export const VERSION_DIRECTIVE = '%rtrace';

/** Header keys in the order the printer writes them. */
export const HEADER_KEYS = ['user', 'sample', 'model', 'checkpoint', 'task', 'level', 'mode', 'domain', 'layers', 'provider', 'decoding', 'created', 'source'] as const;
export type HeaderKey = (typeof HEADER_KEYS)[number];

/** Header keys with this prefix are free-form extensions that readers keep but do not interpret. */
export const EXTENSION_KEY_PREFIX = 'x-';

/** Decoding modes (`mode:`): OneReason's race mode splits candidates between thinking and non-thinking (protocol/inference.ts). */
export const MODES = INFERENCE_MODES;
export type Mode = InferenceMode;

export type ScalarType = 'number' | 'integer' | 'boolean';

/** Known decoding settings and the type of their value; unknown keys are kept with a warning. */
export const DECODING_KEYS: Readonly<Record<string, ScalarType>> = {
  temperature: 'number',
  top_p: 'number',
  top_k: 'integer',
  seed: 'integer',
  beams: 'integer',
  num_return: 'integer',
  max_tokens: 'integer',
  max_thinking_tokens: 'integer',
  thinking_samples: 'integer',
  repetition_penalty: 'number',
  presence_penalty: 'number',
  frequency_penalty: 'number',
  constrained: 'boolean',
  filter_seen: 'boolean',
};

/** Section kinds, written `[history]`, `[layer NAME]`, `[recommendations]`, `[ground-truth]`, `[interventions]`, `[raw LABEL <<END]`, `[tokens thinking-N]`. */
export const SECTION_KINDS = ['history', 'layer', 'recommendations', 'ground-truth', 'interventions', 'raw', 'tokens'] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

/** Which branch of a race-mode decode produced a recommendation. */
export const BRANCHES = INFERENCE_BRANCHES;
export type { Branch };

/** Attributes of a recommendation line (`score=-0.42`, `logprobs=-0.01,-0.4,-0.01`: numbers separated by commas), besides the flags (`REC_FLAGS`). */
export const REC_ATTRS: Readonly<Record<string, ScalarType | 'branch' | 'numbers'>> = {
  score: 'number',
  logprobs: 'numbers',
  prob: 'number',
  beam: 'integer',
  branch: 'branch',
};

/** Flags of a recommendation line: `hit` / `miss` (in the ground truth or not; one of them at most) and `seen` (already in the user's history). */
export const REC_FLAGS = ['hit', 'miss', 'seen'] as const;

/** The raw-block label of thinking sample N (1-based), which `[tokens thinking-N]` and interventions name. */
export const SAMPLE_LABEL = /^thinking-([1-9][0-9]*)$/;

/** The label of the 0-based thinking sample `sample`. */
export function sampleLabel(sample: number): string {
  return `thinking-${sample + 1}`;
}

/** The 0-based thinking sample a label names, or undefined. */
export function labelSample(label: string): number | undefined {
  const m = SAMPLE_LABEL.exec(label);
  return m ? Number(m[1]) - 1 : undefined;
}

/** What an intervention forced: one token in place of the model's choice, or typed text. */
export type InterventionKind = Intervention['kind'];
export const INTERVENTION_KINDS: readonly InterventionKind[] = ['token', 'text'];

/** A step or history id: letters then digits (`p1`, `c12`, `h3`). */
export const ID_PATTERN = /^[A-Za-z]+[0-9]+$/;

/** The raw-block delimiter the printer tries first. */
export const DEFAULT_RAW_DELIMITER = 'END';
