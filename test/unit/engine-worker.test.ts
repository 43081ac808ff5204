/**
 * The inference supervisor with the real worker process (`dist/engine.js`,
 * run `npm run build` first) and the demo model: records and progress of
 * thinking and non-thinking runs, a worker killed mid-run, cancellation,
 * a bad model folder, and shutdown.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveSettings, type ResolvedSettings } from '../../server/config/settings';
import { resolveTables } from '../../server/config/tables';
import { CancelledError } from '../../server/engine/engine';
import type { DecodeOverrides, InferenceRecord, ProgressEvent } from '../../protocol/inference';
import { inferenceRequest } from '../../server/engine/request';
import type { InferenceRequest } from '../../server/engine/service';
import { EngineSupervisor, WorkerCrashError } from '../../server/engine/supervisor';
import { formatCode } from '../../server/items/grammar';
import { ItemStore } from '../../server/items/store';
import { loadUsers } from '../../server/users/load';
import type { UserRecord } from '../../server/users/types';
import { exited } from '../support/processes';
import { tempDir } from '../support/sources';

const repoRoot = path.resolve(__dirname, '..', '..');
const workerScript = path.join(repoRoot, 'dist', 'engine.js');
const world = path.join(repoRoot, 'demo', 'world');
const finalModel = path.join(repoRoot, 'demo', 'models', 'final');
const LEVELS = 3;

/** A thinking run that lasts well past its first progress event (sampled, up to 1,024 tokens). */
const LONG_THINKING: DecodeOverrides = { mode: 'thinking', temperature: 1, topK: 0, topP: 1, maxThinkingTokens: 1024, beams: 4, numReturn: 2 };

const tmp = tempDir('reclens-engine-worker-');
const store = new ItemStore(tmp.file('cache'));
let resolved: ResolvedSettings;
let indexFiles: string[];
let user: UserRecord;
let supervisor: EngineSupervisor;

before(async () => {
  assert.ok(fs.existsSync(workerScript), `${workerScript} is missing: run npm run build first`);
  resolved = resolveSettings({ alignment: { paths: [path.join(world, 'pid2sid.parquet')] }, model: { path: finalModel, executionProvider: 'cpu' } });
  assert.deepEqual(resolved.errors, []);
  const loaded = await store.load(resolveTables(resolved.settings.alignment.paths, repoRoot), resolved.grammar);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.lookup.size, 3000);
  indexFiles = store.indexes.map((i) => i.file);
  assert.equal(indexFiles.length, 1);
  const users = await loadUsers([path.join(world, 'users.jsonl')], { grammar: resolved.grammar, lookup: loaded.lookup });
  user = users.get('u0010')!;
  assert.ok(user, 'demo user u0010');
  assert.equal(user.split, 'test');
  supervisor = new EngineSupervisor({ script: workerScript });
});

after(() => {
  supervisor?.dispose();
  store.dispose();
  tmp.cleanup();
});

const request = (overrides: DecodeOverrides = {}): InferenceRequest => inferenceRequest(resolved.settings, repoRoot, user, indexFiles, overrides);

/** Run one request, collecting its progress events. */
async function run(overrides: DecodeOverrides): Promise<{ record: InferenceRecord; events: ProgressEvent[] }> {
  const events: ProgressEvent[] = [];
  const record = await supervisor.infer(request(overrides), { onProgress: (e) => events.push(e) });
  return { record, events };
}

/** Event kinds in order, repeats collapsed, the one-time model load left out. */
const phases = (events: ProgressEvent[]): string[] => events.map((e) => e.kind).filter((k, i, all) => k !== 'loading' && k !== all[i - 1]);

/** Candidates are codes of the table, each with its items, best first. */
function assertValidCandidates(record: InferenceRecord, count: number): void {
  assert.equal(record.candidates.length, count);
  const lookup = store.lookup;
  record.candidates.forEach((c, i) => {
    assert.equal(c.levels.length, LEVELS, c.code);
    assert.equal(c.valid, true, c.code);
    assert.ok(lookup.has(c.levels), `${c.code} is not in the table`);
    assert.equal(c.code, formatCode(resolved.grammar, c.levels));
    assert.deepEqual([...c.items].sort(), lookup.exact(c.levels).map((item) => item.id).sort(), c.code);
    assert.equal(c.stepLogprobs.length, LEVELS);
    assert.ok(Math.abs(c.stepLogprobs.reduce((a, b) => a + b, 0) - c.logprob) < 1e-6, `${c.code}: step log-probabilities add up to the total`);
    if (i > 0) assert.ok(record.candidates[i - 1].logprob >= c.logprob, `candidate ${i + 1} scores above candidate ${i}`);
  });
  assert.equal(new Set(record.candidates.map((c) => c.code)).size, count, 'one entry per code');
  assert.equal(record.invalidBeams, 0);
}

describe('inference supervisor with the real worker and the demo model', () => {
  test('non-thinking: a record of valid codes best first, progress prefill → beams (each level) → done', async () => {
    const { record, events } = await run({ mode: 'non-thinking', beams: 8, numReturn: 5 });
    assert.ok(supervisor.pid !== undefined && supervisor.pid !== process.pid, 'the model runs in a child process');
    assert.equal(record.user, 'u0010');
    assert.equal(record.mode, 'non-thinking');
    assert.equal(record.model, finalModel);
    assert.equal(record.executionProvider, 'cpu');
    assert.deepEqual(record.thinking, []);
    assert.match(record.contexts['non-thinking']!.prompt, /\/no_think/);
    assert.ok(record.promptTokens > 0);
    assertValidCandidates(record, 5);
    assert.ok(record.candidates.every((c) => c.branch === 'non-thinking'));
    assert.deepEqual(record.candidates.map((c) => c.beam), [1, 2, 3, 4, 5]);
    assert.ok(record.candidates.every((c) => typeof c.hit === 'boolean'), 'a test user has targets, so every candidate says whether it hit');
    assert.equal(events[0].kind, 'loading', 'the first request loads the model');
    assert.deepEqual(phases(events), ['prefill', 'beams', 'done']);
    assert.deepEqual(
      events.filter((e) => e.kind === 'beams').map((e) => (e.kind === 'beams' ? [e.branch, e.level, e.levels] : [])),
      [0, 1, 2].map((level) => ['non-thinking', level, LEVELS]),
    );
    const prefill = events.find((e) => e.kind === 'prefill');
    assert.equal(prefill?.kind === 'prefill' && prefill.promptTokens, record.promptTokens);
  });

  test('thinking: one thinking text, codes after it, progress prefill → thinking → beams → done', async () => {
    const { record, events } = await run({ mode: 'thinking', temperature: 0, maxThinkingTokens: 256, beams: 8, numReturn: 4 });
    assert.equal(record.mode, 'thinking');
    assert.match(record.contexts.thinking!.prompt, /\/think/);
    assert.equal(record.thinking.length, 1);
    assert.ok(record.thinking[0].trim().length > 0, 'the model thought something');
    assert.equal(record.samples[0].text, record.thinking[0]);
    assert.ok(record.samples[0].tokens.length > 0 && record.samples[0].tokens.length <= 256);
    assertValidCandidates(record, 4);
    assert.ok(record.candidates.every((c) => c.branch === 'thinking' && c.sample === 0));
    assert.equal(record.timings.loadMs, 0, 'the worker kept the model loaded');
    assert.ok(!events.some((e) => e.kind === 'loading'));
    assert.deepEqual(phases(events), ['prefill', 'thinking', 'beams', 'done']);
    const thinking = events.filter((e) => e.kind === 'thinking');
    const last = thinking[thinking.length - 1];
    assert.equal(last.kind === 'thinking' && last.text, record.thinking[0], 'the last thinking event carries the whole text');
    for (let i = 1; i < thinking.length; i++) {
      const [a, b] = [thinking[i - 1], thinking[i]];
      assert.ok(a.kind === 'thinking' && b.kind === 'thinking' && b.tokens >= a.tokens, 'thinking grows');
    }
  });

  test('a worker killed during a thinking run rejects that request with WorkerCrashError naming the signal; the next request forks a fresh worker', async () => {
    const first = supervisor.pid;
    assert.ok(first !== undefined);
    let killed = false;
    const crash = supervisor.infer(request(LONG_THINKING), {
      onProgress: (e) => {
        if (e.kind === 'thinking' && !killed) {
          killed = true;
          process.kill(first, 'SIGKILL');
        }
      },
    });
    await assert.rejects(crash, (e: Error) => {
      assert.ok(e instanceof WorkerCrashError, `${e.constructor.name}: ${e.message}`);
      assert.match(e.message, /SIGKILL/);
      assert.match(e.message, /next request starts a fresh worker/);
      return true;
    });
    assert.ok(killed, 'killed after the first thinking event');
    await exited(first);
    const { record } = await run({ mode: 'non-thinking', beams: 4, numReturn: 2 });
    assertValidCandidates(record, 2);
    assert.ok(supervisor.pid !== undefined && supervisor.pid !== first, `a fresh worker (${supervisor.pid}, was ${first})`);
  });

  test('aborting the signal mid-run rejects with CancelledError promptly, and the worker stays usable', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const running = supervisor.infer(request(LONG_THINKING), {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind === 'thinking' && !abortedAt) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    await assert.rejects(running, (e: Error) => e instanceof CancelledError);
    const took = performance.now() - abortedAt;
    assert.ok(abortedAt > 0, 'aborted after the first thinking event');
    assert.ok(took < 2500, `cancelled ${took.toFixed(0)} ms after the abort`);
    // An already-aborted signal never reaches the worker.
    await assert.rejects(supervisor.infer(request(), { signal: AbortSignal.abort() }), CancelledError);
    const pid = supervisor.pid;
    const { record } = await run({ mode: 'non-thinking', beams: 4, numReturn: 2 });
    assertValidCandidates(record, 2);
    assert.equal(supervisor.pid, pid, 'a cancel the worker honours does not restart it');
  });

  test('a missing model folder is an error naming the folder; the worker stays usable', async () => {
    const missing = path.join(tmp.dir, 'no-such-model');
    const pid = supervisor.pid;
    await assert.rejects(supervisor.infer(request({ model: missing, mode: 'non-thinking' })), (e: Error) => {
      assert.ok(!(e instanceof WorkerCrashError) && !(e instanceof CancelledError), e.constructor.name);
      assert.ok(e.message.includes(missing), e.message);
      assert.match(e.message, /no such model folder/);
      return true;
    });
    const { record } = await run({ mode: 'non-thinking', beams: 4, numReturn: 2 });
    assertValidCandidates(record, 2);
    assert.equal(record.model, finalModel);
    assert.equal(supervisor.pid, pid, 'the same worker answered');
  });

  test('dispose ends the worker, and later requests are refused', async () => {
    const own = new EngineSupervisor({ script: workerScript });
    assert.equal(own.pid, undefined, 'no worker before the first request');
    const { candidates } = await own.infer(request({ mode: 'non-thinking', beams: 2, numReturn: 1 }));
    assert.equal(candidates.length, 1);
    const pid = own.pid;
    assert.ok(pid !== undefined);
    own.dispose();
    assert.equal(own.pid, undefined);
    await exited(pid);
    await assert.rejects(own.infer(request()), /shut down/);
  });
});
