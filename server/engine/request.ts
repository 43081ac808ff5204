/**
 * From settings (and command-line or command overrides) to the plain
 * request the engine runs: absolute model path, decoding settings, prompt
 * settings, grammar. Shared by the CLI and the language server.
 */
import * as path from 'node:path';
import type { ReclensSettings } from '../../protocol/settings';
import type { UserRecord } from '../users/types';
import type { InferenceRequest } from './service';
import { defaultDecoding, defaultPrompt, type DecodeOverrides, type DecodeSettings } from '../../protocol/inference';

/** The decoding settings of one run: the configured ones with the overrides given (numReturn at most the beam width). */
export function decodeSettings(settings: ReclensSettings, overrides: DecodeOverrides = {}): DecodeSettings {
  const { historyLength: _history, promptTemplate: _template, ...configured } = settings.inference;
  // Only the decoding settings a caller may change, and only those it gave (a client may send more).
  const given = Object.fromEntries(Object.entries(overrides).filter(([k, v]) => k in configured && v !== undefined)) as Partial<DecodeSettings>;
  const merged: DecodeSettings = { ...configured, ...given, alternatives: defaultDecoding.alternatives };
  merged.numReturn = Math.min(merged.numReturn, merged.beams);
  return merged;
}

/** The model folder a run uses, absolute; undefined when none is configured. */
export function modelPath(settings: ReclensSettings, base: string, override?: string): string | undefined {
  const p = override ?? settings.model.path;
  return p ? path.resolve(base, p) : undefined;
}

/** The request of one run, from settings, the user and the run's overrides; throws when no model is configured. */
export function inferenceRequest(settings: ReclensSettings, base: string, user: UserRecord, indexFiles: string[], overrides: DecodeOverrides = {}): InferenceRequest {
  const model = modelPath(settings, base, overrides.model);
  if (!model) throw new Error('no model: set reclens.model.path to a model folder (model.onnx, config.json, tokenizer.json), or pass --model');
  return {
    model,
    provider: overrides.provider ?? settings.model.executionProvider,
    user,
    decoding: decodeSettings(settings, overrides),
    prompt: { ...defaultPrompt, template: settings.inference.promptTemplate, historyLength: settings.inference.historyLength },
    grammar: { preset: settings.itemicTokens.preset, custom: settings.itemicTokens.custom },
    tableDomains: settings.alignment.paths.map((entry) => (typeof entry === 'string' ? undefined : entry.domain)),
    indexFiles,
  };
}
