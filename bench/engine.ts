/**
 * Inference engine figures on the demo model (CPU unless told otherwise):
 * thinking tokens/s, code-stage beam expansions/s, loop overhead (wall time
 * ÷ time inside `session.run`), and the KV-cache loop against recomputing
 * the whole sequence at every step — all in one run, on the same users.
 * Also recall@10 / pass@10 of the held-out users for `early` and `final`,
 * thinking and non-thinking, decoded by this engine with the protocol of
 * demo/build/model/evaluate.py (greedy thinking, constrained beam 30, the
 * ten best codes not in the history), and for `final` the thinking stage
 * under vLLM's penalties and under the sampling defaults before and after
 * they became OneReason's (top-k 20 → 50, presence and frequency 0 → 1).
 */
import { runInference } from '../server/engine/infer';
import { topIndexes } from '../server/engine/sampling';
import type { DecodeSettings, InferenceRecord, ProviderSetting } from '../protocol/inference';
import { codeKey } from '../server/items/grammar';
import type { ItemLookup } from '../server/items/lookup';
import type { UserRecord } from '../server/users/types';
import { demoInput, demoWorld, loadDemoModel, type DemoModel } from '../test/support/demo-engine';

export interface EngineBench {
  provider: string;
  users: number;
  thinkingTokens: number;
  tokensPerSecond: number;
  beamWidth: number;
  beamExpansionsPerSecond: number;
  beamStageMs: number;
  overhead: number;
  overheadThinking: number;
  kv: { tokens: number; kvMs: number; fullMs: number; same: boolean };
}

export interface RecallRow {
  model: string;
  /** The mode, and how the thinking was decoded when not greedily without penalties. */
  mode: string;
  recall10: number;
  pass10: number;
  pass1: number;
  seconds: number;
}

const run = (m: DemoModel, lookup: ItemLookup, user: UserRecord, decoding: Partial<DecodeSettings>): Promise<InferenceRecord> => runInference(demoInput(m, lookup, user, decoding));

/** The held-out users of the demo world. */
function world(): { lookup: ItemLookup; users: UserRecord[] } {
  const { lookup, users } = demoWorld();
  return { lookup, users: users.filter((u) => u.split === 'test') };
}

export async function benchEngine(provider: ProviderSetting = 'cpu', n = 20): Promise<EngineBench> {
  const { lookup, users } = world();
  const m = await loadDemoModel('final', provider);
  const sample = users.slice(0, n);
  await run(m, lookup, sample[0], { temperature: 0 }); // warm-up
  let tokens = 0;
  let thinkingMs = 0;
  let wall = 0;
  let inRun = 0;
  let thinkWall = 0;
  let thinkRun = 0;
  for (const u of sample) {
    const r = await run(m, lookup, u, { mode: 'thinking', temperature: 0.6, topP: 0.95, topK: 20, presencePenalty: 0, frequencyPenalty: 0, seed: 1, beams: 32 });
    tokens += r.timings.thinkingTokens;
    thinkingMs += r.timings.thinkingMs;
    wall += r.timings.totalMs;
    inRun += r.timings.runMs;
  }
  // Thinking stage alone: the generation loop against session.run inside it.
  for (const u of sample) {
    const before = m.engine.runMs;
    const t0 = performance.now();
    await m.engine.generateThinking({
      context: m.tokenizer.encode(`${u.id}${u.history.length}<think>\n`),
      samples: 1,
      temperature: 0.6,
      topP: 0.95,
      topK: 20,
      presencePenalty: 0,
      frequencyPenalty: 0,
      seed: 1,
      maxTokens: 128,
      stopAt: -1,
      eos: [],
      alternatives: 5,
    });
    thinkRun += m.engine.runMs - before;
    thinkWall += performance.now() - t0;
  }
  let beamMs = 0;
  let expansions = 0;
  for (const u of sample) {
    const r = await run(m, lookup, u, { mode: 'non-thinking', beams: 32 });
    beamMs += r.timings.beamMs;
    expansions += r.timings.beamSteps;
  }
  // KV cache against recomputation: greedy decoding of the same 96 tokens both ways.
  const steps = 96;
  const context = m.tokenizer.encode(`${sample[0].id} <think>\n`);
  const decoder = m.engine.decoder;
  const argmax = (row: Float32Array): number => topIndexes(row, 1)[0];
  let t0 = performance.now();
  let { logits, cache } = await decoder.forward([context], decoder.emptyCache(1));
  const kvTokens: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = argmax(logits);
    kvTokens.push(t);
    ({ logits, cache } = await decoder.forward([[t]], cache));
  }
  const kvMs = performance.now() - t0;
  t0 = performance.now();
  const ids = [...context];
  const fullTokens: number[] = [];
  for (let i = 0; i < steps; i++) {
    const out = await decoder.forward([ids], decoder.emptyCache(1));
    const t = argmax(out.logits);
    fullTokens.push(t);
    ids.push(t);
  }
  const fullMs = performance.now() - t0;
  await m.engine.dispose();
  return {
    provider: m.engine.provider,
    users: sample.length,
    thinkingTokens: tokens,
    tokensPerSecond: tokens / (thinkingMs / 1000),
    beamWidth: 32,
    beamExpansionsPerSecond: expansions / (beamMs / 1000),
    beamStageMs: beamMs / sample.length,
    overhead: wall / inRun,
    overheadThinking: thinkWall / thinkRun,
    kv: { tokens: steps, kvMs, fullMs, same: kvTokens.join() === fullTokens.join() },
  };
}

/** Thinking-stage settings measured on `final` besides evaluate.py's greedy decoding. */
const THINKING_VARIANTS: { label: string; decoding: Partial<DecodeSettings> }[] = [
  { label: 'thinking, greedy, presence 1 and frequency 1 penalties', decoding: { temperature: 0, presencePenalty: 1, frequencyPenalty: 1 } },
  { label: 'thinking, sampled T 0.6, top-p 0.95, top-k 20, no penalties (the former defaults), seed 42', decoding: { temperature: 0.6, topP: 0.95, topK: 20, presencePenalty: 0, frequencyPenalty: 0 } },
  { label: "thinking, sampled T 0.6, top-p 0.95, top-k 50, presence 1, frequency 1 (OneReason's config, the defaults), seed 42", decoding: { temperature: 0.6, topP: 0.95, topK: 50, presencePenalty: 1, frequencyPenalty: 1 } },
];

/** recall@10, pass@10 and pass@1 of the held-out users for one way of decoding. */
async function recallRow(m: DemoModel, name: string, mode: string, lookup: ItemLookup, users: UserRecord[], decoding: Partial<DecodeSettings>): Promise<RecallRow> {
  const t0 = performance.now();
  let recall = 0;
  let pass10 = 0;
  let pass1 = 0;
  for (const u of users) {
    const r = await run(m, lookup, u, { beams: 30, numReturn: 30, maxThinkingTokens: 200, seed: 42, ...decoding });
    const recs = r.candidates.filter((c) => !c.seen).slice(0, 10);
    const targets = u.targets.map((t) => codeKey(t.levels));
    const hits = recs.map((c) => targets.includes(codeKey(c.levels)));
    recall += targets.filter((t) => recs.some((c) => codeKey(c.levels) === t)).length / targets.length;
    pass10 += hits.some(Boolean) ? 1 : 0;
    pass1 += hits[0] ? 1 : 0;
  }
  const row = { model: name, mode, recall10: recall / users.length, pass10: pass10 / users.length, pass1: pass1 / users.length, seconds: (performance.now() - t0) / 1000 };
  console.log(row);
  return row;
}

/** recall@10, pass@10 and pass@1 of the held-out users: the protocol of evaluate.py (greedy, no penalties), then `final` under `THINKING_VARIANTS`. */
export async function benchRecall(provider: ProviderSetting = 'cpu'): Promise<RecallRow[]> {
  const { lookup, users } = world();
  const rows: RecallRow[] = [];
  for (const name of ['early', 'final']) {
    const m = await loadDemoModel(name, provider);
    for (const mode of ['non-thinking', 'thinking'] as const) rows.push(await recallRow(m, name, mode, lookup, users, { mode, temperature: 0, presencePenalty: 0, frequencyPenalty: 0 }));
    if (name === 'final') for (const v of THINKING_VARIANTS) rows.push(await recallRow(m, name, v.label, lookup, users, { mode: 'thinking', ...v.decoding }));
    await m.engine.dispose();
  }
  return rows;
}
