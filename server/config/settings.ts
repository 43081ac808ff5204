/**
 * Turns whatever a client sent as `reclens` settings (partial, possibly
 * wrong) into complete settings plus the compiled grammar, with messages for
 * every value that could not be used.
 */
import { defaultSettings, type InferenceSettings, type LayerSpec, type ReclensSettings } from '../../protocol/settings';
import { resolveGrammar, type CompiledGrammar } from '../items/grammar';
import type { GrammarSpec, PresetName } from '../items/types';

export interface ResolvedSettings {
  settings: ReclensSettings;
  grammar: CompiledGrammar;
  /** One message per setting that was ignored, naming the setting and what to do. */
  errors: string[];
}

const stages = new Set(['perception', 'cognition', 'recommendation']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Complete and validate raw `reclens` settings (from `workspace/configuration` or `initializationOptions`). */
export function resolveSettings(raw: unknown): ResolvedSettings {
  const errors: string[] = [];
  const r = isObject(raw) ? raw : {};
  const d = defaultSettings;

  const tokens = isObject(r.itemicTokens) ? r.itemicTokens : {};
  const preset = (typeof tokens.preset === 'string' ? tokens.preset : d.itemicTokens.preset) as PresetName;
  const custom = isObject(tokens.custom) ? (tokens.custom as unknown as GrammarSpec) : null;
  const { grammar, error } = resolveGrammar(preset, custom);
  if (error) errors.push(error);

  const alignment = isObject(r.alignment) ? r.alignment : {};
  let paths = d.alignment.paths;
  if (alignment.paths !== undefined) {
    if (Array.isArray(alignment.paths) && alignment.paths.every(isTableEntry)) paths = alignment.paths as ReclensSettings['alignment']['paths'];
    else errors.push('reclens.alignment.paths must be a list of table paths, or of objects with a "path" (and optional "captions", "columns", "domain", "format"); ignored.');
  }

  let layers = d.layers;
  if (r.layers !== undefined) {
    const bad = !Array.isArray(r.layers) || r.layers.length === 0 || !r.layers.every(isLayer);
    if (bad) errors.push('reclens.layers must be a non-empty list of { "name", "stage": perception|cognition|recommendation, "markers": [..] }; using the default layers.');
    else layers = r.layers as LayerSpec[];
  }

  const hints = isObject(r.inlayHints) ? r.inlayHints : {};
  const diagnostics = isObject(r.diagnostics) ? r.diagnostics : {};
  const maxLength = typeof hints.maxLength === 'number' && hints.maxLength >= 4 ? Math.floor(hints.maxLength) : d.inlayHints.maxLength;

  return {
    settings: {
      itemicTokens: { preset: error ? 'openonerec' : preset, custom },
      alignment: { paths },
      layers,
      inlayHints: { enabled: typeof hints.enabled === 'boolean' ? hints.enabled : d.inlayHints.enabled, maxLength },
      diagnostics: { unknownCodes: typeof diagnostics.unknownCodes === 'boolean' ? diagnostics.unknownCodes : d.diagnostics.unknownCodes },
      ...resolveInferenceSettings(r, errors),
    },
    grammar,
    errors,
  };
}

function isTableEntry(v: unknown): boolean {
  return typeof v === 'string' || (isObject(v) && typeof v.path === 'string' && v.path.length > 0);
}

function isLayer(v: unknown): v is LayerSpec {
  return (
    isObject(v) &&
    typeof v.name === 'string' &&
    v.name.length > 0 &&
    typeof v.stage === 'string' &&
    stages.has(v.stage) &&
    Array.isArray(v.markers) &&
    v.markers.every((m) => typeof m === 'string')
  );
}

const modes = new Set(['thinking', 'non-thinking', 'race']);
const providers = new Set(['auto', 'cuda', 'cpu']);

/** `reclens.model`, `reclens.users` and `reclens.inference`, each value checked against its range. */
function resolveInferenceSettings(r: Record<string, unknown>, errors: string[]): Pick<ReclensSettings, 'model' | 'users' | 'inference'> {
  const d = defaultSettings;
  const model = isObject(r.model) ? r.model : {};
  const users = isObject(r.users) ? r.users : {};
  const inf = isObject(r.inference) ? r.inference : {};
  const pick = <T>(section: string, obj: Record<string, unknown>, key: string, fallback: T, ok: (v: unknown) => boolean, expected: string): T => {
    const v = obj[key];
    if (v === undefined || v === null) return fallback;
    if (ok(v)) return v as T;
    errors.push(`reclens.${section}.${key} must be ${expected} (found ${JSON.stringify(v)}); using ${JSON.stringify(fallback)}.`);
    return fallback;
  };
  const int = (lo: number, hi = Infinity) => (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  const num = (lo: number, hi = Infinity) => (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
  const bool = (v: unknown) => typeof v === 'boolean';
  const i = d.inference;
  const get = <K extends keyof InferenceSettings>(key: K, ok: (v: unknown) => boolean, expected: string): InferenceSettings[K] => pick('inference', inf, key, i[key], ok, expected);
  const inference: InferenceSettings = {
    mode: get('mode', (v) => modes.has(v as string), '"thinking", "non-thinking" or "race"'),
    beams: get('beams', int(1, 128), 'a whole number from 1 to 128'),
    numReturn: get('numReturn', int(1, 128), 'a whole number from 1 to 128'),
    thinkingSamples: get('thinkingSamples', int(1, 16), 'a whole number from 1 to 16'),
    temperature: get('temperature', num(0, 100), 'a number ≥ 0'),
    topP: get('topP', num(0, 1), 'a number from 0 to 1'),
    topK: get('topK', int(0), 'a whole number ≥ 0'),
    seed: get('seed', int(-(2 ** 31), 2 ** 32), 'a whole number'),
    maxThinkingTokens: get('maxThinkingTokens', int(1, 32768), 'a whole number from 1 to 32768'),
    constrained: get('constrained', bool, 'true or false'),
    historyLength: get('historyLength', int(0), 'a whole number ≥ 0'),
    promptTemplate: get('promptTemplate', (v) => typeof v === 'string' && v.includes('{history}'), 'text containing {history}'),
  };
  inference.numReturn = Math.min(inference.numReturn, inference.beams);
  return {
    model: {
      path: pick('model', model, 'path', d.model.path, (v) => typeof v === 'string', 'a folder path'),
      executionProvider: pick('model', model, 'executionProvider', d.model.executionProvider, (v) => providers.has(v as string), '"auto", "cuda" or "cpu"'),
    },
    users: { paths: pick('users', users, 'paths', d.users.paths, (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'a list of file paths') },
    inference,
  };
}
