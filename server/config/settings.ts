/**
 * Turns whatever a client sent as `reclens` settings (partial, possibly
 * wrong) into complete settings plus the compiled grammar, with messages for
 * every value that could not be used.
 */
import { defaultSettings, type LayerSpec, type ReclensSettings } from '../../protocol/settings';
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
