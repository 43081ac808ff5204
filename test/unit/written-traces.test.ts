/**
 * Traces RecLens writes, on the real demo model: every `.rtrace` the engine
 * writes for demo users, in each mode, checks clean (no error, no warning);
 * and one model output reads as the same steps and graph whether it comes
 * in an engine-written trace or as a generation of a benchmark dump.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InferenceMode, InferenceRecord } from '../../protocol/inference';
import { analyzeContext, resolveSettings } from '../../server/config/settings';
import { runInference } from '../../server/engine/infer';
import { buildGraph } from '../../server/graph/build';
import { selectTrace } from '../../server/graph/select';
import { analyzeDocument } from '../../server/trace/analyze';
import type { Analysis } from '../../server/trace/model';
import { analyzeRtrace, readTrace } from '../../server/trace/rtrace';
import { renderTrace } from '../../server/trace/rtrace/from-record';
import { demoInput, demoWorld, grammar, loadDemoModel, type DemoModel } from '../support/demo-engine';

const world = demoWorld();
const ctx = analyzeContext(resolveSettings({ itemicTokens: { preset: 'openonerec' } }));
const users = world.users.filter((u) => u.split === 'test').slice(0, 6);
let model: DemoModel;

before(async () => {
  model = await loadDemoModel('final');
});
after(async () => {
  await model.engine.dispose();
});

/** One demo inference, as `reclens infer` decodes it (small beams to keep the suite quick). */
function infer(user: (typeof users)[number], mode: InferenceMode): Promise<InferenceRecord> {
  return runInference({ ...demoInput(model, world.lookup, user, { mode, beams: 8, numReturn: 6, maxThinkingTokens: 256 }), now: () => new Date('2026-01-01T00:00:00Z') });
}

const loud = (a: Analysis, text: string): string[] =>
  a.problems.filter((p) => p.severity === 'error' || p.severity === 'warning').map((p) => `${p.code}: ${p.message} at ${JSON.stringify(text.slice(p.span.start, p.span.end))}`);

describe('every trace RecLens writes checks clean', () => {
  for (const mode of ['thinking', 'non-thinking', 'race'] as const) {
    test(`${mode}: ${users.length} demo users`, async () => {
      for (const user of users) {
        const text = renderTrace(await infer(user, mode), { ...ctx, lookup: world.lookup });
        const a = analyzeRtrace(text, ctx);
        assert.deepEqual(loud(a, text), [], `${user.id} ${mode}:\n${text}`);
        assert.deepEqual(readTrace(text).problems, [], `${user.id} ${mode} reads back`);
        assert.match(text, /^layers: onereason$/m);
      }
    });
  }
});

test('a dump generation and an engine trace with the same thinking build the same steps and graph', async () => {
  const user = users[0];
  const record = await infer(user, 'thinking');
  assert.ok(record.thinking[0].length > 0, 'the demo model thinks');
  const trace = renderTrace(record, { ...ctx, lookup: world.lookup });
  const fromTrace = analyzeRtrace(trace, ctx);

  // The same output as the benchmark's runner saves a thinking candidate: the thinking, `</think>\n`, the code.
  const contexts = record.contexts.thinking!;
  const generation = `${record.thinking[0]}</think>\n${record.candidates[0].code}`;
  const dump = JSON.stringify({ model_name: 'final', task_name: 'challenge_recommendation_video_full', samples: { [user.id]: { prompt: contexts.prompt, generations: [generation], ground_truth: record.targets.map((t) => t.item).join('') } } }, null, 2);
  const fromDump = analyzeDocument(dump, 'benchmark', ctx);

  const steps = (a: Analysis) => a.traces[0].steps.map((s) => ({ id: s.id, layer: s.layer, stage: s.stage, evidence: s.evidence.map((e) => e.target) }));
  const reasoning = (a: Analysis) => steps(a).filter((s) => !s.id.startsWith('h'));
  assert.ok(reasoning(fromTrace).length > 0);
  assert.deepEqual(reasoning(fromDump), reasoning(fromTrace));
  assert.deepEqual(
    fromDump.traces[0].steps.filter((s) => s.kind === 'reasoning').map((s) => s.text),
    fromTrace.traces[0].steps.filter((s) => s.kind === 'reasoning').map((s) => s.text),
  );

  const env = { grammar, lookup: world.lookup };
  const graph = (a: Analysis, text: string) => {
    const g = buildGraph(a, text, selectTrace(a), env);
    const kept = new Set(g.nodes.filter((n) => n.kind === 'step' || n.kind === 'history').map((n) => n.id));
    return {
      nodes: g.nodes.filter((n) => kept.has(n.id)).map((n) => `${n.id}:${n.stage}:${n.layer}`),
      edges: g.edges.filter((e) => kept.has(e.source) && kept.has(e.target)).map((e) => `${e.source}->${e.target}`).sort(),
      firstRecommendation: g.edges.filter((e) => e.target === 'rec1').map((e) => e.source).sort(),
    };
  };
  assert.deepEqual(graph(fromDump, dump), graph(fromTrace, trace));
});
