/**
 * Live runs on the demo model — the debugger's step-by-step generation:
 * stepping to the end reproduces runInference's record (thinking,
 * non-thinking, race, several samples), `run` stops at events and lines,
 * forcing and replacing the rest of a step change the continuation and are
 * recorded, the record renders as a trace that analyses without errors,
 * restart repeats the tokens; and the same run in the worker process:
 * identical steps, cancel leaves no process, a killed worker is a clear
 * error.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveSettings } from '../../server/config/settings';
import { resolveTables } from '../../server/config/tables';
import { CancelledError } from '../../server/engine/engine';
import { WorkerLiveRun } from '../../server/engine/live/worker-run';
import { inferenceRequest } from '../../server/engine/request';
import { InferenceService, type InferenceRequest } from '../../server/engine/service';
import { WorkerCrashError } from '../../server/engine/supervisor';
import { ItemStore } from '../../server/items/store';
import { loadUsers } from '../../server/users/load';
import { exited } from '../support/processes';
import { tempDir } from '../support/sources';
import { defaultLayers } from '../../protocol/layers';
import type { DecodeSettings, InferenceRecord } from '../../protocol/inference';
import { runInference } from '../../server/engine/infer';
import { LocalLiveRun, type LiveInput } from '../../server/engine/live/run';
import { closeStep } from '../../server/engine/live/stop';
import type { LiveRecord, LiveStep } from '../../server/engine/live/types';
import { renderTrace } from '../../server/trace/rtrace/from-record';
import { analyzeRtrace } from '../../server/trace/rtrace';
import { demoInput, demoWorld, grammar, loadDemoModel, type DemoModel } from '../support/demo-engine';

const { lookup: world, users } = demoWorld();
const user = users.find((u) => u.id === 'u0910')!;
const created = () => new Date('2026-03-02T14:05:11.000Z');

let reference: DemoModel;
let live: DemoModel;

before(async () => {
  // Separate engines: each computes its caches itself, so equal records mean equal decoding, not a shared cache.
  reference = await loadDemoModel('final');
  live = await loadDemoModel('final');
});

after(async () => {
  await reference?.engine.dispose();
  await live?.engine.dispose();
});

const input = (m: DemoModel, decoding: Partial<DecodeSettings>): LiveInput => ({ ...demoInput(m, world, user, decoding), engine: m.engine, now: created });
const withoutTimings = (r: InferenceRecord) => ({ ...r, timings: undefined });

/** Every step of a run, one `next` at a time. */
async function stepAll(run: LocalLiveRun): Promise<LiveStep[]> {
  const steps: LiveStep[] = [];
  for (let s = await run.next(); s; s = await run.next()) steps.push(s);
  return steps;
}

const THINKING: Partial<DecodeSettings> = { mode: 'thinking', temperature: 1, maxThinkingTokens: 200, beams: 8, numReturn: 5, seed: 11 };

describe('live run in process', () => {
  test('stepping token by token reproduces runInference: thinking text, tokens, candidates', async () => {
    const expected = await runInference(input(reference, THINKING));
    const run = new LocalLiveRun(input(live, THINKING));
    const started = await run.start();
    assert.deepEqual(started, { branches: ['thinking'], samples: 1, promptTokens: expected.promptTokens });
    const steps = await stepAll(run);
    const thinking = steps.filter((s) => s.stage === 'thinking');
    const code = steps.filter((s) => s.stage === 'code');
    assert.equal(thinking[thinking.length - 1].stop, expected.samples[0].stop);
    assert.equal(code.length, 3, 'one step per code level');
    assert.ok(steps[steps.length - 1].done && steps.slice(0, -1).every((s) => !s.done));
    const record = await run.finish();
    assert.deepEqual(withoutTimings(record), withoutTimings(expected));
    // Each thinking step is the record's token, drawn from a distribution that holds it.
    const tokens = expected.samples[0].tokens;
    thinking.slice(0, tokens.length).forEach((s, i) => {
      assert.equal(s.token.id, tokens[i].id);
      assert.equal(s.token.logprob, tokens[i].logprob);
      assert.equal(s.index, i);
      const chosen = s.distribution.top.find((c) => c.id === s.token.id);
      if (chosen) assert.ok(Math.abs(chosen.raw - Math.exp(s.token.logprob)) < 1e-9);
      assert.ok(s.distribution.entropy > 0 && s.distribution.support >= 1);
      assert.equal(s.events.includes('low-confidence'), Math.exp(s.token.logprob) < 0.5);
    });
    // The last level's beams are the search's, best first.
    const last = code[2].beams!;
    assert.deepEqual(
      last.slice(0, 5).map((b) => b.logprob),
      expected.candidates.map((c) => c.logprob),
    );
    assert.ok(last.every((b) => b.continuations === 0 && b.levels.length === 3));
    assert.ok(code[0].beams!.every((b) => b.continuations > 0 && b.levels.length === 1), 'after the first level each beam has valid continuations');
    assert.ok(code.every((s) => s.events.includes('code')));
  });

  test('non-thinking and race mode (the thinking half first, then the non-thinking search), and two samples decoded one after another', async () => {
    for (const decoding of [
      { mode: 'non-thinking', beams: 8, numReturn: 8 },
      { mode: 'race', temperature: 0.6, beams: 8, numReturn: 8, maxThinkingTokens: 120 },
      { mode: 'thinking', temperature: 1, thinkingSamples: 2, beams: 4, numReturn: 4, maxThinkingTokens: 80, seed: 3 },
    ] as Partial<DecodeSettings>[]) {
      const expected = await runInference(input(reference, decoding));
      const run = new LocalLiveRun(input(live, decoding));
      await run.start();
      const steps = await stepAll(run);
      assert.deepEqual(withoutTimings(await run.finish()), withoutTimings(expected), decoding.mode);
      const searches = decoding.mode === 'thinking' ? 2 : decoding.mode === 'race' ? 2 : 1;
      assert.equal(steps.filter((s) => s.stage === 'code').length, 3 * searches);
    }
  });

  test('run until thinking-end stops at </think>; a plain condition computes the distribution of the step it stops at only', async () => {
    const run = new LocalLiveRun(input(live, THINKING));
    await run.start();
    const layer = await run.run({ events: ['layer'] });
    assert.ok(layer && layer.events.includes('layer'));
    assert.equal(layer.layer, 'perception');
    assert.ok(layer.token.text.includes('\n'), 'a heading line is complete at its line break');
    assert.ok(layer.distribution.top.length === 10);
    const end = await run.run({ events: ['thinking-end'] });
    assert.equal(end?.stage, 'thinking');
    assert.equal(end.token.text, '</think>');
    assert.equal(end.stop, 'think-end');
    const peek = await run.peek();
    assert.equal(peek?.stage, 'code');
    assert.equal(peek.index, 0);
    assert.equal(peek.beams!.length, 1);
    assert.ok(peek.distribution.top.every((c) => c.prob > 0), 'constrained: only valid first levels');
    const level = await run.run({ events: ['code'] });
    assert.equal(level?.stage, 'code');
    assert.equal(level.index, 0);
    const record = await run.finish();
    assert.equal(record.interventions, undefined);
    assert.deepEqual(withoutTimings(record), withoutTimings(await runInference(input(reference, THINKING))));
  });

  test('run stops at a line, after a number of steps, on a predicate, and on pause', async () => {
    const run = new LocalLiveRun(input(live, THINKING));
    await run.start();
    const three = await run.run({ lines: [3] });
    assert.equal(three?.endLine, 3);
    assert.ok(three.token.text.endsWith('\n') || three.token.text.includes('\n'));
    const five = await run.run({ steps: 5 });
    assert.equal(five?.index, three.index + 5);
    const low = await run.run((s) => s.distribution.entropy > 0 && s.events.includes('low-confidence'));
    assert.ok(low && low.events.includes('low-confidence'));
    const paused = run.run({});
    run.pause();
    const at = await paused;
    assert.equal(at?.index, low.index + 1, 'pause stops after the step under way');
  });

  test('restart reproduces the tokens', async () => {
    const run = new LocalLiveRun(input(live, THINKING));
    await run.start();
    const first = (await stepAll(run)).map((s) => s.token.id);
    await run.restart();
    await run.force('Hello');
    await run.restart();
    const again = (await stepAll(run)).map((s) => s.token.id);
    assert.deepEqual(again, first);
    assert.equal((await run.finish()).interventions, undefined, 'restart drops the interventions');
  });

  test('force changes the continuation and is recorded (original vs forced); replaceRest likewise; the record renders and analyses', async () => {
    const run = new LocalLiveRun(input(live, THINKING));
    await run.start();
    const plain = new LocalLiveRun(input(live, THINKING));
    await plain.start();
    const natural = await stepAll(plain);
    await run.run({ steps: 4 });
    const peek = await run.peek();
    const alternative = peek!.distribution.top.find((c) => c.id !== peek!.wouldChoose!.id)!;
    const [forced] = await run.force(alternative.id);
    assert.equal(forced.token.id, alternative.id);
    assert.equal(forced.forced, true);
    assert.equal(forced.index, 4);
    assert.equal(natural[4].token.id, peek!.wouldChoose!.id, 'peek tells the token the sampler would choose');
    const after = await run.run({ steps: 10 });
    assert.ok(after);
    // The text forced in one piece: several tokens, fed in order.
    const typed = await run.force(' Dogs and cats');
    assert.ok(typed.length >= 2);
    assert.equal(typed.map((s) => s.token.text).join(''), ' Dogs and cats');
    assert.deepEqual(typed.map((s) => s.index), typed.map((_, i) => after.index + 1 + i));
    // Replace the rest of the step: the text, closed by a blank line; the model goes on with the next step.
    await run.run({ steps: 2 });
    const replaced = await run.replaceRest('the user likes pets');
    assert.equal(replaced.map((s) => s.token.text).join(''), 'the user likes pets\n\n');
    const record: LiveRecord = await run.finish();
    const interventions = record.interventions!;
    assert.equal(interventions.length, 3);
    assert.deepEqual(
      interventions.map((i) => [i.kind, i.index, i.forced.text]),
      [
        ['token', 4, alternative.text],
        ['text', after.index + 1, ' Dogs and cats'],
        ['text', replaced[0].index, 'the user likes pets\n\n'],
      ],
    );
    assert.equal(interventions[0].original.id, natural[4].token.id, 'the original is what the model chose');
    assert.equal(interventions[0].original.logprob, natural[4].token.logprob);
    const tokens = record.samples[0].tokens;
    for (const i of interventions) assert.deepEqual(tokens.slice(i.index, i.index + i.forced.ids.length).map((t) => t.id), i.forced.ids, 'the sample holds what was forced');
    assert.ok(record.thinking[0].includes(' Dogs and cats') && record.thinking[0].includes('the user likes pets\n\n'));
    assert.notEqual(record.thinking[0], natural.filter((s) => s.stage === 'thinking').map((s) => s.token.text).join(''));
    assert.equal(record.candidates.length, 5);
    const ctx = { grammar, layers: defaultLayers, lookup: world };
    const text = renderTrace(record, ctx);
    const analysis = analyzeRtrace(text, ctx);
    assert.deepEqual(analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message), []);
    assert.equal(analysis.traces.length, 1);
  });

  test('forcing </think> ends the thinking; forcing at a code level or past the end is an error saying why', async () => {
    const run = new LocalLiveRun(input(live, THINKING));
    await run.start();
    await run.run({ steps: 3 });
    const steps = await run.force('</think>');
    assert.equal(steps.length, 1);
    assert.equal(steps[0].stop, 'think-end');
    assert.ok(steps[0].events.includes('thinking-end'));
    await assert.rejects(run.force(5), /thinking stage/);
    await assert.rejects(run.force(''), /empty/);
    const record = await run.finish();
    assert.equal(record.samples[0].tokens.length, 3);
    assert.equal(record.interventions![0].forced.ids.length, 0);
    await assert.rejects(run.force(5), /ended/);
    assert.equal(await run.next(), undefined);
  });

  test('closeStep ends the text with exactly one blank line', () => {
    assert.equal(closeStep('a'), 'a\n\n');
    assert.equal(closeStep('a\n'), 'a\n\n');
    assert.equal(closeStep('a\n\n'), 'a\n\n');
  });
});

describe('live run in the worker process', () => {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const worldDir = path.join(repoRoot, 'demo', 'world');
  // The worker from source (no build needed): the same module dist/engine.js bundles.
  const worker = { script: path.join(repoRoot, 'server', 'engine', 'worker.ts'), execArgv: ['--import', 'tsx'] };
  const tmp = tempDir('reclens-engine-live-');
  const store = new ItemStore(tmp.file('cache'));
  let request: (overrides: Partial<DecodeSettings>) => InferenceRequest;
  const runs: WorkerLiveRun[] = [];
  const open = (overrides: Partial<DecodeSettings>, options: Partial<ConstructorParameters<typeof WorkerLiveRun>[1]> = {}): WorkerLiveRun => {
    const run = new WorkerLiveRun(request(overrides), { ...worker, ...options });
    runs.push(run);
    return run;
  };

  before(async () => {
    const resolved = resolveSettings({ alignment: { paths: [path.join(worldDir, 'pid2sid.parquet')] }, model: { path: path.join(repoRoot, 'demo', 'models', 'final'), executionProvider: 'cpu' } });
    const loaded = await store.load(resolveTables(resolved.settings.alignment.paths, repoRoot), resolved.grammar);
    const indexFiles = store.indexes.map((i) => i.file);
    const u = (await loadUsers([path.join(worldDir, 'users.jsonl')], { grammar: resolved.grammar, lookup: loaded.lookup })).get('u0910')!;
    request = (overrides) => inferenceRequest(resolved.settings, repoRoot, u, indexFiles, overrides);
  });

  after(async () => {
    for (const r of runs) await r.cancel();
    store.dispose();
    tmp.cleanup();
  });

  test('steps in the worker equal steps in process; the per-token round trip is small', async (t) => {
    const decoding = { ...THINKING, maxThinkingTokens: 120 };
    const service = new InferenceService();
    const { input: local } = await service.prepare(request(decoding));
    const here = new LocalLiveRun({ ...local, now: created });
    await here.start();
    const there = open(decoding);
    const started = await there.start();
    assert.ok(started.pid && started.pid !== process.pid && started.pid === there.pid, 'the model runs in a child process');
    const timed = async (f: () => Promise<LiveStep | undefined>): Promise<{ steps: LiveStep[]; ms: number }> => {
      const steps: LiveStep[] = [];
      const t0 = performance.now();
      for (let s = await f(); s && s.stage === 'thinking'; s = await f()) steps.push(s);
      return { steps, ms: performance.now() - t0 };
    };
    const a = await timed(() => here.next());
    const b = await timed(() => there.next());
    assert.deepEqual(b.steps, a.steps);
    const perToken = (x: { steps: LiveStep[]; ms: number }) => x.ms / x.steps.length;
    t.diagnostic(`per token: ${perToken(a).toFixed(2)} ms in process, ${perToken(b).toFixed(2)} ms through the worker (${a.steps.length} tokens)`);
    const [mine, theirs] = [await here.finish(), await there.finish()];
    assert.deepEqual(theirs.samples, mine.samples);
    assert.deepEqual(theirs.candidates.map((c) => c.code), mine.candidates.map((c) => c.code));
    await service.dispose();
  });

  test('run and pause in the worker; cancel mid-run rejects the call and leaves no process', async () => {
    const run = open({ ...THINKING, maxThinkingTokens: 4000, temperature: 1, topK: 0, topP: 1 });
    await run.start();
    const end = await run.run({ events: ['layer'] });
    assert.equal(end?.layer, 'perception');
    const running = run.run({});
    await new Promise((r) => setTimeout(r, 100));
    run.pause();
    const paused = await running;
    assert.ok(paused && !paused.done, 'paused before the end');
    const pid = run.pid!;
    const again = run.run({});
    await new Promise((r) => setTimeout(r, 100));
    await run.cancel();
    await assert.rejects(again, CancelledError);
    await exited(pid);
    assert.equal(run.pid, undefined);
    await assert.rejects(run.next(), CancelledError);
  });

  test('a killed worker ends the run with an error naming the signal; restart runs again in a fresh worker', async () => {
    const crashes: Error[] = [];
    const run = open(THINKING, { onCrash: (e) => crashes.push(e) });
    await run.start();
    const first = (await run.run({ steps: 5 }))!;
    const pid = run.pid!;
    process.kill(pid, 'SIGKILL');
    await exited(pid);
    await assert.rejects(run.next(), (e: Error) => {
      assert.ok(e instanceof WorkerCrashError, e.message);
      assert.match(e.message, /the inference worker was stopped by SIGKILL/);
      assert.match(e.message, /the live run ended: restart it/);
      return true;
    });
    assert.equal(crashes.length, 1, 'the crash of an idle run is reported once');
    await run.restart();
    assert.ok(run.pid && run.pid !== pid, 'a fresh worker');
    assert.deepEqual((await run.run({ steps: 5 }))?.token, first.token, 'the same seed gives the same tokens');
  });
});
