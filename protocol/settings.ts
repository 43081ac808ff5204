/**
 * The one definition of RecLens's settings (section `reclens`). The server
 * reads them, the extension's package.json `contributes.configuration` is
 * generated from `settingsSchema` (`npm run gen:settings`), and a test keeps
 * the two in step.
 */
import type { GrammarSpec, PresetName, TableSpec } from './items';
import type { LayerSchemeName, LayerSpec } from './layers';
import { defaultDecoding, defaultPrompt, type DecodeSettings, type ProviderSetting } from './inference';

export interface ReclensSettings {
  itemicTokens: { preset: PresetName; custom: GrammarSpec | null };
  /** Tables: a path, or a `TableSpec` (captions file, column mapping, domain, format). */
  alignment: { paths: (string | TableSpec)[] };
  /** The layer scheme of chains of thought (`reclens.layerScheme`): a preset, or `custom` for `layers`. */
  layerScheme: LayerSchemeName;
  /** The `custom` scheme's layers (`reclens.layers`). */
  layers: LayerSpec[];
  inlayHints: { enabled: boolean; maxLength: number };
  diagnostics: { unknownCodes: boolean };
  /** The local ONNX model: a folder in the standard decoder layout, and where it runs. */
  model: { path: string; executionProvider: ProviderSetting };
  /** Users files (JSONL, or OpenOneRec metadata Parquet) that inference reads histories and targets from. */
  users: { paths: string[] };
  inference: InferenceSettings;
  /** The reasoning checks (docs/checks.md): each switched on or off, and the perception check's similarity thresholds. */
  checks: ChecksSettings;
}

/** `reclens.checks.*`: `enabled` switches them all; each check (the names of `CHECKS` in server/checks/types.ts) has its own switch. */
export interface ChecksSettings {
  enabled: boolean;
  perception: boolean;
  quantity: boolean;
  evidence: boolean;
  coverage: boolean;
  recommendation: boolean;
  /** A description whose similarity to the item is below `contradictsBelow` contradicts it; from `consistentFrom` on it is consistent; between, partly. */
  similarity: { contradictsBelow: number; consistentFrom: number };
}

/** Decoding and prompt settings of single-user inference (`reclens.inference.*`): the engine's decoding settings (less the recorded alternatives) and the prompt's template and history length. */
export type InferenceSettings = Omit<DecodeSettings, 'alternatives'> & { historyLength: number; promptTemplate: string };

export const defaultSettings: ReclensSettings = {
  itemicTokens: { preset: 'openonerec', custom: null },
  alignment: { paths: [] },
  layerScheme: 'onereason',
  layers: [],
  inlayHints: { enabled: true, maxLength: 32 },
  diagnostics: { unknownCodes: true },
  model: { path: '', executionProvider: 'auto' },
  users: { paths: [] },
  inference: {
    ...inferenceDefaults(),
    historyLength: defaultPrompt.historyLength,
    promptTemplate: defaultPrompt.template,
  },
  checks: {
    enabled: true,
    perception: true,
    quantity: true,
    evidence: true,
    coverage: true,
    recommendation: true,
    similarity: { contradictsBelow: 0.25, consistentFrom: 0.8 },
  },
};

function inferenceDefaults(): Omit<DecodeSettings, 'alternatives'> {
  const { alternatives: _, ...rest } = defaultDecoding;
  return rest;
}
