/**
 * The header of an `.rtrace` document, read cheaply for code lenses and
 * "Run again": where the `%rtrace` line is, and the `key: value` fields
 * above the first section. The full parser lives in the server; this only
 * scans the first lines. Pure.
 */
import type { DecodeOverrides } from '../server/engine/request';
import type { InferenceMode } from '../server/engine/types';

export interface TraceHeader {
  /** Zero-based line of `%rtrace`. */
  line: number;
  /** Header fields; repeated keys (`decoding:` over two lines) are joined with a space. */
  fields: Record<string, string>;
}

/** Header lines scanned at most: a header is a dozen lines, a comment block a few more. */
const MAX_HEADER_LINES = 200;

/** The header of an `.rtrace` text, or undefined when it has no `%rtrace` line. */
export function traceHeader(text: string): TraceHeader | undefined {
  const lines = text.split(/\r\n|\r|\n/, MAX_HEADER_LINES);
  const start = lines.findIndex((l) => /^\uFEFF?%rtrace\b/.test(l));
  if (start < 0) return undefined;
  const fields: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[')) break;
    const m = /^([A-Za-z][\w-]*):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    fields[m[1]] = fields[m[1]] ? `${fields[m[1]]} ${m[2]}` : m[2];
  }
  return { line: start, fields };
}

const MODES: readonly InferenceMode[] = ['thinking', 'non-thinking', 'race'];

/** `decoding:` keys as the trace writes them → the numeric override they set. */
const NUMERIC: Record<string, keyof DecodeOverrides> = {
  temperature: 'temperature',
  top_p: 'topP',
  top_k: 'topK',
  seed: 'seed',
  beams: 'beams',
  num_return: 'numReturn',
  thinking_samples: 'thinkingSamples',
  max_thinking_tokens: 'maxThinkingTokens',
};

/**
 * What "Run again" needs from a header: the user, the model as written, and
 * the mode and decoding settings the trace was made with (values that do
 * not parse are left to the current settings).
 */
export function rerunRequest(fields: Record<string, string>): { user?: string; model?: string; overrides: DecodeOverrides } {
  const overrides: Record<string, unknown> = {};
  const mode = fields.mode as InferenceMode | undefined;
  if (mode && MODES.includes(mode)) overrides.mode = mode;
  for (const pair of (fields.decoding ?? '').split(/\s+/)) {
    const [key, value = ''] = pair.split('=');
    if (key === 'constrained' && (value === 'true' || value === 'false')) overrides.constrained = value === 'true';
    else if (NUMERIC[key] && value !== '' && Number.isFinite(Number(value))) overrides[NUMERIC[key]] = Number(value);
  }
  return { user: fields.user || undefined, model: fields.model || undefined, overrides: overrides as DecodeOverrides };
}
