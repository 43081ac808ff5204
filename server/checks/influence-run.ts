/**
 * The influence analysis on a real model: the engine of the inference
 * service (loaded once per model folder and provider, as inferences load
 * it), the stage texts of the trace or — when it does not keep them —
 * rebuilt as runInference builds them (the model's chat template, else
 * `reclens.inference.promptTemplate`; the trace's history as the prompt's
 * history; the code stage's begin token from the trace's `domain:`). The
 * worker process runs it for the language server; the CLI runs it in its
 * own process.
 */
import type { PromptSettings, ProgressEvent, ProviderSetting } from '../../protocol/inference';
import type { GrammarSpec, PresetName } from '../../protocol/items';
import { resolveGrammar, type CompiledGrammar } from '../items/grammar';
import { chooseDomain } from '../engine/domain';
import { branchContext, type ChatTemplate } from '../engine/prompt';
import type { InferenceService } from '../engine/service';
import { analyzeInfluence, type InfluenceAnalysis } from './influence';
import { influencePlan, type StageTexts } from './influence-plan';
import { InfluenceError, type InfluenceSource } from './influence-trace';

/** One analysis, as plain data (it crosses the worker's IPC channel). */
export interface InfluenceRequest {
  /** Model folder (absolute). */
  model: string;
  provider: ProviderSetting;
  source: InfluenceSource;
  /** How the prompt is rebuilt when the trace keeps no `[raw prompt]`. */
  prompt: PromptSettings;
  grammar: { preset: PresetName; custom: GrammarSpec | null };
  /** The `domain` of each alignment table entry, for the begin token when the trace names none. */
  tableDomains: (string | undefined)[];
  /** Recommendations scored (default 3). */
  top?: number;
  /** Nats below which the chain counts as decorative (default 0.1). */
  threshold?: number;
}

export interface InfluenceRunOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Model loading. */
  onLoading?: (e: ProgressEvent) => void;
}

/** The stage texts of a trace that keeps none, rebuilt from its history as runInference builds them. */
export function rebuiltStages(source: InfluenceSource, prompt: PromptSettings, grammar: CompiledGrammar, tableDomains: readonly (string | undefined)[], chat?: ChatTemplate): StageTexts {
  const history = source.history.map((h) => (h.domain ? { levels: h.levels, domain: h.domain } : { levels: h.levels }));
  const targets = source.groundTruth.map((h) => (h.domain ? { levels: h.levels, domain: h.domain } : { levels: h.levels }));
  const domain = chooseDomain(grammar, source.domain ?? 'auto', targets, tableDomains);
  // The trace's history is the prompt's history already: all of it goes in.
  const user = { id: source.user ?? '', history, targets, source: { path: source.traceId } };
  return branchContext(user, 'thinking', { ...prompt, historyLength: 0 }, grammar, domain.begin, chat);
}

/** Run the analysis of `req.source` on its model. */
export async function runInfluence(service: InferenceService, req: InfluenceRequest, options: InfluenceRunOptions = {}): Promise<InfluenceAnalysis> {
  const { grammar, error } = resolveGrammar(req.grammar.preset, req.grammar.custom);
  if (error) throw new InfluenceError(error);
  const { engine, tokenizer, folder } = await service.engineFor(req.model, req.provider, options.onLoading);
  const { source } = req;
  const stages = source.prompt !== undefined && source.code !== undefined ? { prompt: source.prompt, code: source.code } : rebuiltStages(source, req.prompt, grammar, req.tableDomains, folder.chatTemplate);
  const plan = influencePlan(source, stages, grammar, req.top);
  if (source.prompt === undefined) plan.notes.push(`the trace keeps no [raw prompt]: the prompt was rebuilt from its history with ${folder.chatTemplate ? "the model's chat template" : 'reclens.inference.promptTemplate'}`);
  return analyzeInfluence(
    plan,
    {
      encode: (text) => tokenizer.encode(text),
      score: (context, continuations, signal) => engine.score(context, continuations, signal),
      prefill: async (context, signal) => void (await engine.prefill(context, signal)),
    },
    { threshold: req.threshold, signal: options.signal, onProgress: options.onProgress },
  );
}
