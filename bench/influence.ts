/**
 * The counterfactual influence analysis (server/checks/influence.ts) on the
 * demo model, CPU unless told otherwise: for each of the first held-out
 * users, one plain inference (greedy thinking, constrained beam 32 — what
 * wrote the trace; the baseline), then the full analysis of the trace it
 * wrote, as `reclens explain` runs it (read the `.rtrace`, plan, score
 * every variant: empty think block, each step removed, each history item
 * occluded; top 3 recommendations and the ground truth), and the same
 * analysis without reusing shared prefixes. Each timed thing gets a fresh
 * engine over the one loaded decoder, so no run reuses another's cache.
 */
import { analyzeInfluence, type InfluenceScorer } from '../server/checks/influence';
import { influencePlan } from '../server/checks/influence-plan';
import { influenceSource } from '../server/checks/influence-trace';
import { OnnxEngine } from '../server/engine/engine';
import { runInference } from '../server/engine/infer';
import type { ProviderSetting } from '../protocol/inference';
import { schemeLayers, withGenericLayers } from '../protocol/layers';
import { renderTrace } from '../server/trace/rtrace/from-record';
import { demoInput, demoWorld, grammar, loadDemoModel, type DemoModel } from '../test/support/demo-engine';

export interface InfluenceBench {
  provider: string;
  users: number;
  /** Medians over the users. */
  analysisMs: number;
  unsharedMs: number;
  inferenceMs: number;
  /** Per analysis, medians: contexts scored (steps, history items), targets, tokens fed, tokens from shared prefixes. */
  contexts: number;
  steps: number;
  history: number;
  targets: number;
  tokens: number;
  reused: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ctx = { grammar, layers: withGenericLayers(schemeLayers('onereason', [])), scheme: 'onereason' as const };

/** A model whose engine starts with an empty prefix cache, over the loaded decoder. */
const fresh = (m: DemoModel): DemoModel => ({ ...m, engine: new OnnxEngine(m.engine.decoder, m.tokenizer) });

const scorer = (m: DemoModel, share: boolean): InfluenceScorer => ({
  encode: (text) => m.tokenizer.encode(text),
  score: (context, continuations) => m.engine.score(context, continuations),
  ...(share && { prefill: async (context: number[]) => void (await m.engine.prefill(context)) }),
});

export async function benchInfluence(provider: ProviderSetting = 'cpu', n = 20): Promise<InfluenceBench> {
  const { lookup, users } = demoWorld();
  const sample = users.filter((u) => u.split === 'test' && u.targets.length > 0).slice(0, n);
  const m = await loadDemoModel('final', provider);
  const rows: { analysis: number; unshared: number; inference: number; contexts: number; steps: number; history: number; targets: number; tokens: number; reused: number }[] = [];
  for (const [i, u] of [sample[0], ...sample].entries()) {
    const t0 = performance.now();
    const record = await runInference(demoInput(fresh(m), lookup, u, { mode: 'thinking', temperature: 0, beams: 32 }));
    const inference = performance.now() - t0;
    const text = renderTrace(record, { ...ctx, lookup });
    const analyse = async (share: boolean): Promise<{ ms: number; report: Awaited<ReturnType<typeof analyzeInfluence>> }> => {
      const f = fresh(m);
      const t1 = performance.now();
      const source = influenceSource(text, ctx);
      const report = await analyzeInfluence(influencePlan(source, { prompt: source.prompt!, code: source.code! }, grammar), scorer(f, share));
      return { ms: performance.now() - t1, report };
    };
    const shared = await analyse(true);
    const unshared = await analyse(false);
    if (i === 0) continue; // warm-up
    const r = shared.report;
    rows.push({ analysis: shared.ms, unshared: unshared.ms, inference, contexts: r.cost.contexts, steps: r.steps.length, history: r.history.length, targets: r.targets.length, tokens: r.cost.tokens, reused: r.cost.reused });
  }
  await m.engine.dispose();
  const med = (f: (r: (typeof rows)[number]) => number): number => median(rows.map(f));
  return {
    provider: m.engine.provider,
    users: rows.length,
    analysisMs: med((r) => r.analysis),
    unsharedMs: med((r) => r.unshared),
    inferenceMs: med((r) => r.inference),
    contexts: med((r) => r.contexts),
    steps: med((r) => r.steps),
    history: med((r) => r.history),
    targets: med((r) => r.targets),
    tokens: med((r) => r.tokens),
    reused: med((r) => r.reused),
  };
}
