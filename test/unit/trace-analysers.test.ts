import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLayers } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { analyzeDocument, analyzeDocumentAsync, detectKind } from '../../server/trace/analyze';
import { analyzeBenchmark } from '../../server/trace/benchmark';
import { analyzeJsonl } from '../../server/trace/jsonl';
import type { AnalyzeContext } from '../../server/trace/model';
import { AnalysisCancelled } from '../../server/trace/slices';
import { analyzeText } from '../../server/trace/text';

const ctx: AnalyzeContext = { grammar: compileGrammar(presetSpec('openonerec')), layers: defaultLayers };
const fixture = (name: string): string => readFileSync(join(__dirname, '../fixtures/dumps', name), 'utf8');

test('benchmark dump: one trace per generation, history steps, layer steps, recommendations with hits', () => {
  const text = fixture('benchmark-small.json');
  const a = analyzeBenchmark(text, ctx);
  assert.equal(a.kind, 'benchmark');
  assert.deepEqual(a.traces.map((t) => t.id), ['u1/1', 'u1/2', 'u2/1']);
  const [g1, g2, g3] = a.traces;
  assert.deepEqual(g1.steps.map((s) => s.id), ['h1', 'h2', 'h3', 'p1', 'c1']);
  assert.deepEqual(g1.steps.map((s) => s.layer), ['history', 'history', 'history', 'perception', 'interest-expansion']);
  assert.equal(g1.mode, 'thinking');
  const p1 = g1.steps[3];
  assert.deepEqual(p1.evidence.map((e) => e.target), ['h2']);
  assert.match(p1.text, /^The user watched/);
  assert.equal(text.slice(p1.idSpan.start, p1.idSpan.end), 'Perception');
  assert.equal(g1.recommendations?.[0].hit, true);
  assert.equal(g2.mode, 'non-thinking');
  assert.equal(g2.recommendations?.length, 2);
  assert.equal(g2.recommendations?.[0].hit, false);
  // Steps are ordered by stage, whatever order the model wrote its layers in.
  assert.deepEqual(g3.steps.map((s) => s.id), ['h1', 'p1', 'r1']);
  assert.ok(a.problems.some((p) => p.code === 'step/layers-out-of-order' && /layers out of order/.test(p.message)));
  assert.deepEqual(a.outline.map((o) => [o.name, o.detail]), [['u1', 'pass@1=1 recall@32=0.5'], ['u2', 'pass@1=0']]);
  assert.deepEqual(a.outline[0].children.map((c) => c.name), ['prompt', 'generations', 'ground_truth', 'metadata']);
  assert.equal(a.folds.length, 2);
  for (const m of a.codes) assert.match(text.slice(m.span.start, m.span.end), /^<\|sid_begin\|>(<s_[abc]_\d+>){3}<\|sid_end\|>$/);
});

test('JSONL chat records: messages as arrays, as plain strings, as a JSON string; broken line reported', () => {
  const text = fixture('chat.jsonl');
  const a = analyzeJsonl(text, ctx);
  assert.deepEqual(a.traces.map((t) => t.id), ['a1', 'line 2', '7']);
  const [rec1, rec2, rec4] = a.traces;
  assert.deepEqual(rec1.steps.map((s) => `${s.id}:${s.layer}`), ['h1:history', 'h2:history', 'p1:perception', 'c1:interest-expansion']);
  assert.deepEqual(rec1.steps[2].evidence.map((e) => e.target), ['h1']);
  assert.equal(rec1.recommendations?.length, 1);
  assert.equal(text.slice(rec1.steps[2].idSpan.start, rec1.steps[2].idSpan.end), '感知');
  assert.equal(rec2.recommendations?.length, 1);
  assert.deepEqual(rec4.steps.map((s) => s.id), rec1.steps.map((s) => s.id));
  assert.deepEqual(a.outline[0].children.map((c) => c.name), ['user', 'assistant']);
  assert.equal(a.problems.filter((p) => p.code === 'json/syntax').length, 1);
  assert.match(a.problems.find((p) => p.code === 'json/syntax')!.message, /^line 3: /);
  // The broken record's code is still found; every code has exact offsets (decoded once or twice).
  assert.equal(a.codes.length, 11);
  for (const m of a.codes) {
    let s = text.slice(m.span.start, m.span.end);
    while (s.includes('\\')) s = JSON.parse(`"${s}"`) as string;
    assert.match(s, /^<\|sid_begin\|>(<s_[abc]_\d+>){3}<\|sid_end\|>$/);
  }
});

test('generic JSON: codes only, no traces', () => {
  const a = analyzeJsonl(JSON.stringify({ table: { x: '<s_a_1><s_b_2><s_c_3>', y: ['<s_a_4>'] } }, null, 2), ctx);
  assert.equal(a.codes.length, 2);
  assert.equal(a.codes.get(1).kind, 'prefix');
  assert.equal(a.traces.length, 0);
});

test('text: codes, think blocks split into layers, cut-off code reported through analyzeDocument', () => {
  const text = fixture('notes.md');
  const a = analyzeDocument(text, 'text', ctx);
  assert.equal(a.codes.length, 4);
  assert.equal(a.traces.length, 1);
  assert.deepEqual(a.traces[0].steps.map((s) => `${s.id}:${s.layer}`), ['p1:perception', 'c1:interest-expansion']);
  assert.ok(a.problems.some((p) => p.code === 'code/unterminated'));
  assert.equal(a.folds.length, 1);
});

test('text without markers stays one step; headed text without think tags is one trace', () => {
  const one = analyzeText('<think>just some thoughts\nover two lines</think>\n<s_a_1><s_b_2><s_c_3>', ctx);
  assert.deepEqual(one.traces[0].steps.map((s) => `${s.id}:${s.layer}`), ['c1:thinking']);
  assert.equal(one.traces[0].recommendations?.length, 1);
  const headed = analyzeText('Perception:\nitems\n\n1. Derivation\nlinks\n【推荐】\nnext\n预测分析；\nmore', ctx);
  assert.deepEqual(headed.traces[0].steps.map((s) => s.layer), ['perception', 'interest-expansion', 'cognition', 'recommendation']);
  assert.ok(headed.problems.some((p) => p.code === 'step/layers-out-of-order'));
  const plain = analyzeText('Perception of the user matters.\nno headings here', ctx);
  assert.equal(plain.traces.length, 0);
});

test('detectKind', () => {
  assert.equal(detectKind('file:///a/t.rtrace', undefined, ''), 'rtrace');
  assert.equal(detectKind('file:///a/eval.json', 'json', '{\n  "samples": {}}'), 'benchmark');
  assert.equal(detectKind('file:///a/data.jsonl', 'jsonl', '{"samples": 1}'), 'jsonl');
  assert.equal(detectKind('file:///a/x.json', undefined, '[1]'), 'jsonl');
  assert.equal(detectKind('file:///a/notes.md', 'markdown', '# hi'), 'text');
  assert.equal(detectKind('untitled:1', undefined, '{"messages": []}'), 'jsonl');
});

test('analyzeDocumentAsync gives the same result and can be cancelled', async () => {
  const text = fixture('benchmark-small.json');
  const sync = analyzeDocument(text, 'benchmark', ctx);
  assert.deepEqual(await analyzeDocumentAsync(text, 'benchmark', ctx), sync);
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(analyzeDocumentAsync(text, 'benchmark', ctx, { signal: abort.signal }), AnalysisCancelled);
});
