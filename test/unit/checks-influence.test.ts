/**
 * Counterfactual influence on the demo model: a greedy thinking trace of one
 * world user, written as the engine writes it, then analysed. Every score
 * is checked against an independent teacher-forced computation (the
 * variant's text built here, tokenized whole, one forward without cache);
 * a model that provably cannot read a step (the demo model restricted to a
 * window of the last tokens) gives it no influence; cancellation, progress,
 * the shared-prefix cache, the rebuilt prompt, and the worker process.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeInfluence, type InfluenceAnalysis, type InfluenceScorer } from '../../server/checks/influence';
import { emptyThinkingContext, influencePlan, stepCut, type InfluencePlan } from '../../server/checks/influence-plan';
import { rebuiltStages, type InfluenceRequest } from '../../server/checks/influence-run';
import { InfluenceError, influenceSource, type InfluenceSource } from '../../server/checks/influence-trace';
import { CancelledError } from '../../server/engine/engine';
import { runInference } from '../../server/engine/infer';
import { logSumExp } from '../../server/engine/sampling';
import { EngineSupervisor } from '../../server/engine/supervisor';
import { defaultPrompt, type InferenceRecord } from '../../protocol/inference';
import { schemeLayers, withGenericLayers } from '../../protocol/layers';
import { renderTrace } from '../../server/trace/rtrace/from-record';
import { demoInput, demoModels, demoWorld, grammar, loadDemoModel, type DemoModel } from '../support/demo-engine';

const ctx = { grammar, layers: withGenericLayers(schemeLayers('onereason', [])), scheme: 'onereason' as const };
const TOLERANCE = 1e-4;
const workerScript = path.join(__dirname, '..', '..', 'dist', 'engine.js');

let model: DemoModel;
let record: InferenceRecord;
let trace: string;
let source: InfluenceSource;
let plan: InfluencePlan;
let analysis: InfluenceAnalysis;

const scorerOf = (m: DemoModel, prefill = true): InfluenceScorer => ({
  encode: (text) => m.tokenizer.encode(text),
  score: (context, continuations, signal) => m.engine.score(context, continuations, signal),
  ...(prefill && { prefill: async (context: number[], signal?: AbortSignal) => void (await m.engine.prefill(context, signal)) }),
});

/** log p(continuation | context), computed apart from the engine's scoring: the whole text tokenized, one forward over every position, no cache. */
async function teacherForced(context: string, continuation: string): Promise<number> {
  const ids = model.tokenizer.encode(context + continuation);
  const n = model.tokenizer.encode(continuation).length;
  const { logits } = await model.engine.decoder.forward([ids], model.engine.decoder.emptyCache(1), true);
  const V = model.engine.decoder.vocabSize;
  let total = 0;
  for (let t = ids.length - n; t < ids.length; t++) {
    const row = logits.subarray((t - 1) * V, t * V);
    total += row[ids[t]] - logSumExp(row);
  }
  return total;
}

const cut = (text: string, span: { start: number; end: number }): string => text.slice(0, span.start) + text.slice(span.end);

before(async () => {
  model = await loadDemoModel('final');
  const world = demoWorld();
  const user = world.users.find((u) => u.id === 'u0910')!;
  assert.ok(user && user.targets.length > 0, 'demo user u0910 with targets');
  record = await runInference(demoInput(model, world.lookup, user, { mode: 'thinking', temperature: 0, beams: 8, numReturn: 5, maxThinkingTokens: 400 }));
  trace = renderTrace(record, { ...ctx, lookup: world.lookup });
  source = influenceSource(trace, ctx, 'u0910.rtrace');
  plan = influencePlan(source, { prompt: source.prompt!, code: source.code! }, grammar);
  analysis = await analyzeInfluence(plan, scorerOf(model));
});

after(async () => {
  await model?.engine.dispose();
});

describe('the trace as the analysis reads it', () => {
  test('the exact stage texts of the raw blocks, and the steps of the trace', () => {
    assert.equal(source.prompt, record.contexts.thinking!.prompt);
    assert.equal(source.code, record.contexts.thinking!.code);
    assert.equal(plan.prompt + plan.thinking + plan.code, record.contexts.thinking!.prompt + record.samples[0].opening + record.thinking[0] + record.contexts.thinking!.code);
    const written = [...trace.slice(0, trace.indexOf('[recommendations]')).matchAll(/^([pcr]\d+) /gm)].map((m) => m[1]);
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      written,
    );
    assert.ok(plan.steps.length >= 3, `${plan.steps.length} steps`);
    assert.deepEqual(plan.notes, []);
    // Top 3 recommendations, then every ground-truth item.
    assert.deepEqual(
      plan.targets.map((t) => t.role),
      [...Array(3).fill('recommendation'), ...record.targets.map(() => 'ground-truth')],
    );
    assert.equal(plan.history.length, record.history.length);
  });

  test('a step removed is its whole line, bullet and line break included; the headings stay', () => {
    const p1 = plan.steps[0];
    const removed = plan.thinking.slice(p1.cut.start, p1.cut.end);
    assert.match(removed, /^- .*\n$/);
    assert.ok(removed.includes(p1.text), removed);
    const lines = plan.thinking.split('\n');
    const at = lines.indexOf(removed.slice(0, -1));
    assert.ok(at >= 0);
    assert.equal(cut(plan.thinking, p1.cut), [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n'));
    assert.match(cut(plan.thinking, p1.cut), /^Perception:\n/);
  });

  test('a history item occluded is its code cut out of the prompt', () => {
    const h3 = plan.history[2];
    assert.equal(plan.prompt.slice(h3.cut.start, h3.cut.end), record.history[2].item);
    const before = plan.prompt.slice(0, h3.cut.start);
    assert.ok(before.endsWith(record.history[1].item));
    assert.ok(plan.prompt.slice(h3.cut.end).startsWith(record.history[3].item));
  });

  test('stepCut keeps a heading that shares the step line; the empty think block replaces the think block', () => {
    const text = 'Perception:\n- first\n- second\n**Persona:** likes bread\nnext\n';
    assert.deepEqual(stepCut(text, { start: 14, end: 19 }), { start: 12, end: 20 });
    const persona = text.indexOf('likes');
    assert.equal(cut(text, stepCut(text, { start: persona, end: persona + 11 })), 'Perception:\n- first\n- second\n**Persona:** \nnext\n');
    assert.equal(emptyThinkingContext('P /think\n<think>\n', 'reasoning\n', '</think>\n<|sid_begin|>'), 'P /think\n<think>\n\n</think>\n\n<|sid_begin|>');
    // The model wrote the opening itself (a chat template that ends at `assistant\n`).
    assert.equal(emptyThinkingContext('assistant\n', '<think>\nreasoning\n', '</think>\n<|sid_begin|>'), 'assistant\n<think>\n\n</think>\n\n<|sid_begin|>');
  });

  test('a non-thinking trace and a trace without thinking are refused with what to do', () => {
    assert.throws(() => influenceSource(trace.replace(/^mode: thinking$/m, 'mode: non-thinking'), ctx, 'x.rtrace'), (e: unknown) => e instanceof InfluenceError && /non-thinking trace/.test((e as Error).message));
    const noThinking = trace.replace(/\[raw thinking-1 <<END\][\s\S]*?\nEND\n/, '').replace(/\[tokens thinking-1\][\s\S]*$/, '');
    assert.throws(() => influenceSource(noThinking, ctx, 'x.rtrace'), (e: unknown) => e instanceof InfluenceError && /no chain of thought/.test((e as Error).message));
  });
});

describe('counterfactual scores', () => {
  test('with the chain: the trace’s own scores', () => {
    for (const t of analysis.targets.filter((x) => x.role === 'recommendation')) {
      const c = record.candidates.find((x) => x.code === t.item)!;
      assert.ok(Math.abs(t.withThinking - c.logprob) < TOLERANCE, `${t.item}: ${t.withThinking} vs ${c.logprob}`);
    }
  });

  test('every score equals an independent teacher-forced computation (1e-4)', async () => {
    const full = plan.prompt + plan.thinking + plan.code;
    for (const [k, t] of plan.targets.entries()) {
      const withThinking = await teacherForced(full, t.continuation);
      assert.ok(Math.abs(analysis.targets[k].withThinking - withThinking) < TOLERANCE, `with thinking, ${t.item}`);
      const withoutThinking = await teacherForced(plan.prompt.replace(/<think>\n$/, '') + '<think>\n\n</think>\n\n' + plan.code.replace(/^<\/think>\n/, ''), t.continuation);
      assert.ok(Math.abs(analysis.targets[k].withoutThinking - withoutThinking) < TOLERANCE, `without thinking, ${t.item}`);
      for (const [i, s] of plan.steps.entries()) {
        const variant = await teacherForced(plan.prompt + cut(plan.thinking, s.cut) + plan.code, t.continuation);
        assert.ok(Math.abs(analysis.steps[i].byTarget[k] - (withThinking - variant)) < TOLERANCE, `step ${s.id}, ${t.item}`);
      }
      for (const [i, h] of plan.history.entries()) {
        const variant = await teacherForced(cut(plan.prompt, h.cut) + plan.thinking + plan.code, t.continuation);
        assert.ok(Math.abs(analysis.history[i].byTarget[k] - (withThinking - variant)) < TOLERANCE, `history ${h.id}, ${t.item}`);
      }
    }
    for (const s of analysis.steps) assert.ok(Math.abs(s.influence - s.byTarget.reduce((a, x) => a + x, 0) / s.byTarget.length) < 1e-12);
  });

  test('the shared prefixes are reused, and reusing them changes no score', async () => {
    assert.equal(analysis.cost.contexts, 2 + plan.steps.length + plan.history.length);
    assert.ok(analysis.cost.reused > analysis.cost.tokens / 3, `${analysis.cost.reused} of ${analysis.cost.tokens} tokens reused`);
    const unshared = await analyzeInfluence(plan, scorerOf(model, false));
    assert.equal(unshared.cost.reused, 0);
    for (const [i, s] of unshared.steps.entries()) s.byTarget.forEach((x, k) => assert.ok(Math.abs(x - analysis.steps[i].byTarget[k]) < TOLERANCE));
    for (const [i, h] of unshared.history.entries()) h.byTarget.forEach((x, k) => assert.ok(Math.abs(x - analysis.history[i].byTarget[k]) < TOLERANCE));
  });

  test('the demo model uses its chain: not decorative', () => {
    assert.equal(analysis.decorative, false);
    assert.equal(analysis.threshold, 0.1);
    assert.ok(analysis.ms > 0);
  });
});

describe('a model that cannot read a step', () => {
  /** The demo model restricted to the last `k` tokens of every context: it provably reads nothing before them. */
  const windowed = (k: number): InfluenceScorer => ({
    encode: (text) => model.tokenizer.encode(text),
    score: (context, continuations, signal) => model.engine.score(context.slice(-k), continuations, signal),
  });

  test('a step outside its window has no influence; a step inside it has', async () => {
    const full = model.tokenizer.encode(plan.prompt + plan.thinking + plan.code);
    const first = plan.steps[0];
    const last = plan.steps[plan.steps.length - 1];
    // The window starts right after the first step's line: the rest of the chain and the code stage.
    const k = full.length - model.tokenizer.encode(plan.prompt + plan.thinking.slice(0, first.cut.end)).length;
    const a = await analyzeInfluence(plan, windowed(k));
    for (const x of a.steps[0].byTarget) assert.ok(Math.abs(x) < 1e-6, `${first.id}: ${x}`);
    for (const h of a.history) for (const x of h.byTarget) assert.ok(Math.abs(x) < 1e-6, `${h.id}: ${x}`);
    assert.ok(Math.max(...a.steps[a.steps.length - 1].byTarget.map(Math.abs)) > 1e-3, `${last.id} is read`);
  });

  test('a model that reads only the begin token: the chain is decorative', async () => {
    const a = await analyzeInfluence(plan, windowed(1));
    assert.equal(a.decorative, true);
    for (const t of a.targets) assert.ok(Math.abs(t.withThinking - t.withoutThinking) < 1e-6);
  });
});

describe('cancellation and progress', () => {
  test('progress counts every scored context once, in order', async () => {
    const events: [number, number][] = [];
    await analyzeInfluence(plan, scorerOf(model), { onProgress: (done, total) => events.push([done, total]) });
    const total = 2 + plan.steps.length + plan.history.length;
    assert.deepEqual(
      events,
      Array.from({ length: total }, (_, i) => [i + 1, total]),
    );
  });

  test('an abort stops the analysis with CancelledError', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(analyzeInfluence(plan, scorerOf(model), { signal: aborted.signal }), CancelledError);
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      analyzeInfluence(plan, scorerOf(model), {
        signal: controller.signal,
        onProgress: (done) => {
          seen = done;
          if (done === 2) controller.abort();
        },
      }),
      CancelledError,
    );
    assert.equal(seen, 2);
  });
});

describe('on the model, through the service and the worker', () => {
  const request = (s: InfluenceSource): InfluenceRequest => ({
    model: path.join(demoModels, 'final'),
    provider: 'cpu',
    source: s,
    prompt: defaultPrompt,
    grammar: { preset: 'openonerec', custom: null },
    tableDomains: [],
  });

  test('a trace without [raw prompt] and [raw code]: the stages rebuilt as the engine built them', () => {
    const bare = influenceSource(trace.replace(/\[raw prompt <<END\][\s\S]*?\nEND\n/, '').replace(/\[raw code <<END\][\s\S]*?\nEND\n/, ''), ctx);
    assert.equal(bare.prompt, undefined);
    const stages = rebuiltStages(bare, defaultPrompt, grammar, [], model.folder.chatTemplate);
    assert.deepEqual(stages, record.contexts.thinking);
  });

  test('the worker process gives the same report, with progress', { timeout: 60_000 }, async (t) => {
    if (!fs.existsSync(workerScript)) return t.skip('dist/engine.js is missing: run npm run build first');
    const supervisor = new EngineSupervisor({ script: workerScript });
    try {
      const counts: number[] = [];
      const report = await supervisor.influence(request(source), { onCount: (done) => counts.push(done) });
      assert.equal(counts.length, analysis.cost.contexts);
      assert.deepEqual(
        report.targets.map((x) => x.item),
        analysis.targets.map((x) => x.item),
      );
      report.targets.forEach((x, k) => assert.ok(Math.abs(x.withThinking - analysis.targets[k].withThinking) < TOLERANCE));
      report.steps.forEach((s, i) => assert.ok(Math.abs(s.influence - analysis.steps[i].influence) < TOLERANCE));
      report.history.forEach((h, i) => assert.ok(Math.abs(h.influence - analysis.history[i].influence) < TOLERANCE));
    } finally {
      await supervisor.shutdown();
    }
  });
});
