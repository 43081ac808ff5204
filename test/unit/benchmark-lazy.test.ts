import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateDump } from '../../bench/dump';
import { defaultLayers } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { benchmarkSlices, scanBenchmark } from '../../server/trace/benchmark';
import { drain } from '../../server/trace/slices';

const ctx = { grammar: compileGrammar(presetSpec('openonerec')), layers: defaultLayers };
const text = generateDump(300_000, 7);

test('big dumps rebuild steps on demand: the same traces, problems and outline details as when kept', () => {
  const kept = drain(benchmarkSlices(text, ctx, { lazyStepsAbove: Infinity }));
  const lazy = drain(benchmarkSlices(text, ctx, { lazyStepsAbove: 0 }));
  assert.ok(kept.traces.length > 20);
  assert.equal(lazy.traces.length, kept.traces.length);
  for (let i = 0; i < kept.traces.length; i++) {
    const a = kept.traces[i];
    const b = lazy.traces[i];
    assert.equal(b.id, a.id);
    assert.equal(b.mode, a.mode);
    assert.ok(a.steps.length > 50, 'history and reasoning steps');
    assert.deepEqual(b.steps, a.steps);
    assert.deepEqual(b.recommendations, a.recommendations);
    assert.deepEqual(b.groundTruth, a.groundTruth);
  }
  assert.deepEqual(lazy.problems, kept.problems);
  const details = (x: typeof kept): string[] => x.outline.flatMap((s) => s.children.flatMap((c) => c.children.map((g) => `${g.name}: ${g.detail}`)));
  assert.deepEqual(details(lazy), details(kept));
  // The kept outline lists steps under each generation; the lazy one stops at generations.
  assert.ok(kept.outline[0].children.some((c) => c.children.some((g) => g.children.length > 0)));
  assert.ok(lazy.outline.every((s) => s.children.every((c) => c.children.every((g) => g.children.length === 0))));
});

test('the first pass alone has every code and every generation, without steps', () => {
  const scanned = scanBenchmark(text, ctx);
  const full = drain(benchmarkSlices(text, ctx));
  assert.equal(scanned.codes.length, full.codes.length);
  assert.deepEqual(
    scanned.traces.map((t) => [t.id, t.span.start, t.span.end]),
    full.traces.map((t) => [t.id, t.span.start, t.span.end]),
  );
  assert.ok(scanned.traces.every((t) => t.steps.length === 0));
});
