/**
 * Turns whatever a client sent as `reclens` settings (partial, possibly
 * wrong) into complete settings plus the compiled grammar, with messages for
 * every value that could not be used.
 */
import { LAYER_SCHEMES, schemeLayers, STAGES, withGenericLayers, type LayerSchemeName, type LayerSpec } from '../../protocol/layers';
import { decodingSpecs, describeRange, inRange, PROVIDERS, type DecodingKey, type DecodingSpec } from '../../protocol/inference';
import { defaultSettings, type ChecksSettings, type InferenceSettings, type ReclensSettings } from '../../protocol/settings';
import type { AnalyzeContext } from '../trace/model';
import { resolveGrammar, type CompiledGrammar } from '../items/grammar';
import type { GrammarSpec, PresetName } from '../../protocol/items';

export interface ResolvedSettings {
  settings: ReclensSettings;
  grammar: CompiledGrammar;
  /** One message per setting that was ignored, naming the setting and what to do. */
  errors: string[];
}

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

  const { scheme, layers } = resolveLayerScheme(r, errors);

  const hints = isObject(r.inlayHints) ? r.inlayHints : {};
  const diagnostics = isObject(r.diagnostics) ? r.diagnostics : {};
  const maxLength = typeof hints.maxLength === 'number' && hints.maxLength >= 4 ? Math.floor(hints.maxLength) : d.inlayHints.maxLength;

  return {
    settings: {
      itemicTokens: { preset: error ? 'openonerec' : preset, custom },
      alignment: { paths },
      layerScheme: scheme,
      layers,
      inlayHints: { enabled: typeof hints.enabled === 'boolean' ? hints.enabled : d.inlayHints.enabled, maxLength },
      diagnostics: { unknownCodes: typeof diagnostics.unknownCodes === 'boolean' ? diagnostics.unknownCodes : d.diagnostics.unknownCodes },
      ...resolveInferenceSettings(r, errors),
      checks: resolveChecksSettings(r, errors),
    },
    grammar,
    errors,
  };
}

function isTableEntry(v: unknown): boolean {
  return typeof v === 'string' || (isObject(v) && typeof v.path === 'string' && v.path.length > 0);
}

/** `reclens.layerScheme` and the `custom` scheme's `reclens.layers`, with a message for each value that cannot be used. */
function resolveLayerScheme(r: Record<string, unknown>, errors: string[]): { scheme: LayerSchemeName; layers: LayerSpec[] } {
  const d = defaultSettings;
  let scheme = d.layerScheme;
  if (r.layerScheme !== undefined) {
    if ((LAYER_SCHEMES as readonly unknown[]).includes(r.layerScheme)) scheme = r.layerScheme as LayerSchemeName;
    else errors.push(`reclens.layerScheme must be ${LAYER_SCHEMES.join(', ')} (found ${JSON.stringify(r.layerScheme)}); using "${d.layerScheme}".`);
  }
  let layers = d.layers;
  if (r.layers !== undefined && !(Array.isArray(r.layers) && r.layers.length === 0)) {
    if (!Array.isArray(r.layers) || !r.layers.every(isLayer)) errors.push(`reclens.layers must be a list of { "name", "stage": ${STAGES.join('|')}, "markers": [..] }; ignored.`);
    else layers = r.layers as LayerSpec[];
  }
  if (scheme === 'custom' && layers.length === 0) {
    errors.push(`reclens.layerScheme is "custom" but reclens.layers lists no layers; using "${d.layerScheme}". Add your layers to reclens.layers.`);
    scheme = d.layerScheme;
  } else if (scheme !== 'custom' && layers.length > 0) {
    errors.push(`reclens.layers is set but reclens.layerScheme is "${scheme}", so it is not used; set reclens.layerScheme to "custom" to read thinking with your layers.`);
  }
  return { scheme, layers };
}

/** What analysers need from resolved settings: the grammar and the layers of the scheme (generic layers included). */
export function analyzeContext(resolved: Pick<ResolvedSettings, 'settings' | 'grammar'>): AnalyzeContext {
  const { layerScheme, layers } = resolved.settings;
  return { grammar: resolved.grammar, layers: withGenericLayers(schemeLayers(layerScheme, layers)), scheme: layerScheme, customLayers: layers };
}

function isLayer(v: unknown): v is LayerSpec {
  return (
    isObject(v) &&
    typeof v.name === 'string' &&
    v.name.length > 0 &&
    typeof v.stage === 'string' &&
    (STAGES as readonly unknown[]).includes(v.stage) &&
    Array.isArray(v.markers) &&
    v.markers.every((m) => typeof m === 'string')
  );
}

const providers = new Set<unknown>(PROVIDERS);

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
  const int = (lo: number) => (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= lo;
  const i = d.inference;
  const get = <K extends keyof InferenceSettings>(key: K, ok: (v: unknown) => boolean, expected: string): InferenceSettings[K] => pick('inference', inf, key, i[key], ok, expected);
  // Each decoding setting is checked against its range in protocol/inference.ts.
  const decoding = Object.fromEntries(
    (Object.entries(decodingSpecs) as [DecodingKey, DecodingSpec][]).map(([key, spec]) => [key, get(key, (v) => inRange(spec, v), describeRange(spec))]),
  ) as Pick<InferenceSettings, DecodingKey>;
  const inference: InferenceSettings = {
    ...decoding,
    historyLength: get('historyLength', int(0), 'a whole number ≥ 0'),
    promptTemplate: get('promptTemplate', (v) => typeof v === 'string' && v.includes('{history}'), 'text containing {history}'),
  };
  inference.numReturn = Math.min(inference.numReturn, inference.beams);
  return {
    model: {
      path: pick('model', model, 'path', d.model.path, (v) => typeof v === 'string', 'a folder path'),
      executionProvider: pick('model', model, 'executionProvider', d.model.executionProvider, (v) => providers.has(v), describeRange({ kind: 'enum', values: PROVIDERS, description: '' })),
    },
    users: { paths: pick('users', users, 'paths', d.users.paths, (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'a list of file paths') },
    inference,
  };
}

const CHECK_SWITCHES = ['enabled', 'perception', 'quantity', 'evidence', 'coverage', 'recommendation'] as const;

/** `reclens.checks`: the switches (a boolean, or `{ "enabled": boolean }` as some clients nest them) and the similarity thresholds, each in [0, 1] and in order. */
export function resolveChecksSettings(r: Record<string, unknown>, errors: string[]): ChecksSettings {
  const d = defaultSettings.checks;
  const c = isObject(r.checks) ? r.checks : {};
  if (r.checks !== undefined && r.checks !== null && !isObject(r.checks)) errors.push(`reclens.checks must be an object of switches and thresholds (found ${JSON.stringify(r.checks)}); using the defaults.`);
  const out: ChecksSettings = { ...d, similarity: { ...d.similarity } };
  for (const key of CHECK_SWITCHES) {
    const v = c[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'boolean') out[key] = v;
    else if (isObject(v) && typeof v.enabled === 'boolean') out[key] = v.enabled;
    else errors.push(`reclens.checks.${key} must be true or false (found ${JSON.stringify(v)}); using ${d[key]}.`);
  }
  const sim = isObject(c.similarity) ? c.similarity : {};
  if (c.similarity !== undefined && c.similarity !== null && !isObject(c.similarity)) errors.push(`reclens.checks.similarity must be { "contradictsBelow", "consistentFrom" } (found ${JSON.stringify(c.similarity)}); using the defaults.`);
  for (const key of ['contradictsBelow', 'consistentFrom'] as const) {
    const v = sim[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1) out.similarity[key] = v;
    else errors.push(`reclens.checks.similarity.${key} must be a number from 0 to 1 (found ${JSON.stringify(v)}); using ${d.similarity[key]}.`);
  }
  if (out.similarity.contradictsBelow > out.similarity.consistentFrom) {
    errors.push(
      `reclens.checks.similarity.contradictsBelow (${out.similarity.contradictsBelow}) must not exceed reclens.checks.similarity.consistentFrom (${out.similarity.consistentFrom}); using ${d.similarity.contradictsBelow} and ${d.similarity.consistentFrom}.`,
    );
    out.similarity = { ...d.similarity };
  }
  return out;
}
