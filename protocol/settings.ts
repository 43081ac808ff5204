/**
 * The one definition of RecLens's settings (section `reclens`). The server
 * reads them, the extension's package.json `contributes.configuration` is
 * generated from `settingsSchema` (`npm run gen:settings`), and a test keeps
 * the two in step.
 */
import type { TableSpec } from '../server/items/sources/types';
import type { GrammarSpec, PresetName } from '../server/items/types';
import type { Stage } from '../server/trace/model';
import { defaultDecoding, defaultPrompt, type DecodeSettings, type ProviderSetting } from '../server/engine/types';

/** A reasoning layer and the headings that start it in free-text thinking. */
export interface LayerSpec {
  name: string;
  stage: Stage;
  /** Heading words that open this layer, matched case-insensitively at a line start. */
  markers: string[];
}

export interface ReclensSettings {
  itemicTokens: { preset: PresetName; custom: GrammarSpec | null };
  /** Tables: a path, or a `TableSpec` (captions file, column mapping, domain, format). */
  alignment: { paths: (string | TableSpec)[] };
  layers: LayerSpec[];
  inlayHints: { enabled: boolean; maxLength: number };
  diagnostics: { unknownCodes: boolean };
  /** The local ONNX model: a folder in the standard decoder layout, and where it runs. */
  model: { path: string; executionProvider: ProviderSetting };
  /** Users files (JSONL, or OpenOneRec metadata Parquet) that inference reads histories and targets from. */
  users: { paths: string[] };
  inference: InferenceSettings;
}

/** Decoding and prompt settings of single-user inference (`reclens.inference.*`): the engine's decoding settings (less the recorded alternatives) and the prompt's template and history length. */
export type InferenceSettings = Omit<DecodeSettings, 'alternatives'> & { historyLength: number; promptTemplate: string };

/** Default layers: OneReason's R0–R3 as public sources describe them, English and Chinese headings. */
export const defaultLayers: LayerSpec[] = [
  { name: 'perception', stage: 'perception', markers: ['perception', 'R0', 'item perception', '感知', '物品感知'] },
  {
    name: 'derivation',
    stage: 'cognition',
    markers: ['cognition', 'derivation', 'R1', 'induction', 'abduction', 'interests', '认知', '推导', '归纳', '溯因', '兴趣推断', '预测分析'],
  },
  { name: 'evolution', stage: 'cognition', markers: ['evolution', 'R2', 'preference evolution', '演化', '演变', '偏好演变'] },
  { name: 'recommendation', stage: 'recommendation', markers: ['recommendation', 'R3', 'deduction', '推荐', '演绎', '精炼推理'] },
];

export const defaultSettings: ReclensSettings = {
  itemicTokens: { preset: 'openonerec', custom: null },
  alignment: { paths: [] },
  layers: defaultLayers,
  inlayHints: { enabled: true, maxLength: 32 },
  diagnostics: { unknownCodes: true },
  model: { path: '', executionProvider: 'auto' },
  users: { paths: [] },
  inference: {
    ...inferenceDefaults(),
    historyLength: defaultPrompt.historyLength,
    promptTemplate: defaultPrompt.template,
  },
};

function inferenceDefaults(): Omit<DecodeSettings, 'alternatives'> {
  const { alternatives: _, ...rest } = defaultDecoding;
  return rest;
}
