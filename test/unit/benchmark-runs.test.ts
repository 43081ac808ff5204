/**
 * Benchmark result files laid out exactly as the OneReason / OpenOneRec
 * generation runner writes them: run fields before `samples`, race mode,
 * per-sample logprobs and token counts, metrics merged in after scoring,
 * `pid_generations`, and the `.debug` copy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLayers } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { hoverAt } from '../../server/language/hover';
import { analyzeDocument, detectKind, hasSamples } from '../../server/trace/analyze';
import type { AnalyzeContext } from '../../server/trace/model';

const grammar = compileGrammar(presetSpec('onereason'));
const ctx: AnalyzeContext = { grammar, layers: defaultLayers };
const dir = join(__dirname, '../fixtures/dumps/onereason/onereason-8b-step1200/challenge_recommendation_video_full');
const file = join(dir, 'test_generated.json');
const text = readFileSync(file, 'utf8');

test('a runner-written file is a dump wherever "samples" stands, and its .debug copy too', () => {
  assert.ok(!/^\{\s*"samples"/.test(text), 'the fixture starts with the run fields, as the runner writes it');
  assert.equal(detectKind(`file://${file}`, 'json', text), 'benchmark');
  assert.equal(detectKind(`file://${file}.debug`, undefined, readFileSync(`${file}.debug`, 'utf8')), 'benchmark');
  // "samples" nested in a run field, or a string value, is not a dump.
  assert.equal(hasSamples('{"hardware_info": {"samples": {}}, "x": "\\"samples\\": {"}'), false);
  assert.equal(hasSamples('{"model_name": "m", "samples": [ ]}'), true);
  assert.equal(hasSamples('{"samples": 3}'), false);
  assert.equal(detectKind('file:///a/results.json', 'json', '{"model_name": "m", "samples": 3}'), 'jsonl');
});

test('the run fields: outline, level from the task name, race mode', () => {
  const a = analyzeDocument(text, 'benchmark', ctx);
  assert.deepEqual(a.run, {
    model: 'onereason-8b-step1200',
    task: 'challenge_recommendation_video_full',
    level: 'R3',
    split: 'test',
    raceMode: true,
    totalTime: 812.4,
    avgTimePerSample: 0.27,
    samples: 2,
  });
  const [run, s0, s1] = a.outline;
  assert.equal(run.name, 'onereason-8b-step1200');
  assert.equal(run.detail, 'challenge_recommendation_video_full · R3 · race mode · 2 samples');
  assert.equal(s0.name, '0');
  assert.equal(s0.detail, 'pass@1=true (+13)');
  assert.equal(s1.detail, 'pass@1=false (+4)');
  const gens = s0.children.find((c) => c.name === 'generations')!.children;
  assert.deepEqual(
    gens.map((g) => g.detail),
    ['thinking half, 3 steps, 1 recommended, hit', 'thinking half, 3 steps, 1 recommended, hit', 'non-thinking half, 0 steps, 1 recommended, miss', 'non-thinking half, 0 steps, 1 recommended, miss'],
  );
  // LSP requires each symbol's selection range inside its range (VS Code drops the outline otherwise).
  const inside = (n: (typeof a.outline)[number]): void => {
    assert.ok(n.selectionSpan.start >= n.span.start && n.selectionSpan.end <= n.span.end, `${n.name}: selection outside range`);
    n.children.forEach(inside);
  };
  a.outline.forEach(inside);
  for (const t of a.traces) assert.deepEqual(t.header, { model: 'onereason-8b-step1200', task: 'challenge_recommendation_video_full', level: 'R3', mode: 'race' });
  assert.deepEqual(
    a.traces.filter((t) => t.id.startsWith('1/')).map((t) => t.recommendations?.[0].branch),
    ['thinking', 'thinking', 'non-thinking', 'non-thinking'],
  );
});

test('hits follow the benchmark: the SID after the last </think>, domains normalised, compared as strings', () => {
  const a = analyzeDocument(text, 'benchmark', ctx);
  const hit = (id: string): boolean | undefined => a.traces.find((t) => t.id === id)!.recommendations?.[0].hit;
  // 0/2 answers with <|prod_begin|> for a video ground truth: the benchmark normalises both to <|sid_begin|> and counts it.
  assert.equal(hit('0/1'), true);
  assert.equal(hit('0/2'), true);
  assert.equal(hit('0/3'), false);
  assert.equal(hit('1/4'), true);
});

test('chains of thought in the default scheme: Chinese OneReason layers and R0–R3 headings', () => {
  const a = analyzeDocument(text, 'benchmark', ctx);
  const steps = (id: string): string[] => a.traces.find((t) => t.id === id)!.steps.filter((s) => s.kind === 'reasoning').map((s) => `${s.id}:${s.layer}`);
  assert.deepEqual(steps('0/1'), ['c1:persona', 'c2:interest-expansion', 'c3:transition-inference']);
  assert.deepEqual(steps('0/2'), ['p1:perception', 'c1:interest-expansion', 'r1:recommendation']);
  const c1 = a.traces.find((t) => t.id === '0/1')!.steps.find((s) => s.id === 'c1')!;
  assert.deepEqual(c1.evidence.map((e) => e.target), ['h1'], 'the persona step names the first history item');
  const problems = a.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
  assert.deepEqual(problems, []);
});

test('hover on a sample key: the run, race halves and every metric, grouped', () => {
  const a = analyzeDocument(text, 'benchmark', ctx);
  const key = text.indexOf('"0": {') + 1;
  const hover = hoverAt(a, key, { grammar, lookup: createMemoryLookup([], []) });
  assert.ok(hover);
  assert.match(hover.markdown, /\*\*Sample 0\*\* · 4 generations/);
  assert.match(hover.markdown, /model `onereason-8b-step1200` · task `challenge_recommendation_video_full` · R3 recommendation/);
  assert.match(hover.markdown, /generations 1–2 are the thinking branch, 3–4 the non-thinking branch/);
  assert.match(hover.markdown, /\| SID \| value \|[\s\S]*\| `pass@4` \| true \|/);
  assert.match(hover.markdown, /\| PID \| value \|[\s\S]*\| `pid_pass@1` \| true \|/);
  assert.match(hover.markdown, /\| weighted PID recall \| value \|[\s\S]*incremental_value_weighted_pid_recall@1/);
});
