/** `analyzeRtrace`: codes, the trace, outline, folds and problems with precise spans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLayers, type LayerSpec } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import type { Analysis, AnalyzeContext } from '../../server/trace/model';
import { analyzeRtrace } from '../../server/trace/rtrace';

const fixtures = path.join(__dirname, '..', 'fixtures', 'rtrace');
const ctx: AnalyzeContext = { grammar: compileGrammar(presetSpec('openonerec')), layers: defaultLayers };
const read = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');

/** `[code, text under the span]` of each problem, for readable assertions. */
function found(text: string, a: Analysis): [string, string][] {
  return a.problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]);
}

test('the English fixture analyses cleanly into one trace', () => {
  const text = read('thinking.rtrace');
  const a = analyzeRtrace(text, ctx);
  assert.equal(a.kind, 'rtrace');
  assert.deepEqual(a.problems, []);
  const [trace] = a.traces;
  assert.equal(trace.id, 'rec_eval/short_video/000417');
  assert.equal(trace.mode, 'thinking');
  assert.equal(trace.header?.checkpoint, 'sft-think/step-12000');
  assert.deepEqual(
    trace.steps.map((s) => `${s.id}:${s.layer}:${s.stage}`).slice(5, 11),
    ['h6:history:perception', 'p1:perception:perception', 'p2:perception:perception', 'p3:perception:perception', 'c1:derivation:cognition', 'c2:derivation:cognition'],
  );
  const c1 = trace.steps.find((s) => s.id === 'c1');
  assert.equal(c1?.text, 'The strongest interest is learning to cook at home: three of six items,\none of them watched twice, all instructional.');
  assert.deepEqual(
    c1?.evidence.map((e) => e.target),
    ['p1', 'h6'],
  );
  assert.equal(text.slice(c1!.idSpan.start, c1!.idSpan.end), 'c1');
  assert.equal(trace.steps.find((s) => s.id === 'c4')?.layer, 'evolution');
  assert.equal(trace.recommendations?.length, 4);
  assert.equal(trace.recommendations?.[0].hit, true);
  assert.equal(trace.recommendations?.[0].score, -0.41);
  assert.equal(trace.groundTruth?.length, 1);
});

test('codes are found in history, steps, recommendations, ground truth and raw text, with document offsets', () => {
  const text = read('thinking.rtrace');
  const a = analyzeRtrace(text, ctx);
  for (let i = 1; i < a.codes.length; i++) assert.ok(a.codes.get(i - 1).span.start < a.codes.get(i).span.start);
  const first = a.codes.get(0);
  assert.equal(text.slice(first.span.start, first.span.end), '<|sid_begin|><s_a_340><s_b_6566><s_c_5603><|sid_end|>');
  assert.deepEqual(first.levels, [340, 6566, 5603]);
  const h1 = a.traces[0].steps[0];
  assert.deepEqual(h1.codeIndexes, [0]);
  const p1 = a.traces[0].steps.find((s) => s.id === 'p1');
  assert.equal(a.codes.get(p1!.codeIndexes![0]).kind, 'prefix');
  const rec = a.traces[0].recommendations![0];
  assert.deepEqual(a.codes.get(rec.codeIndexes![0]).levels, [340, 6566, 2290]);
  // The raw blocks' codes are there too (the prompt holds the six history codes).
  const rawStart = text.indexOf('[raw prompt');
  assert.equal(a.codes.toArray().filter((c) => c.span.start > rawStart).length, 7);
  // Header and comments are not scanned.
  assert.ok(a.codes.toArray().every((c) => c.span.start > text.indexOf('[history]')));
});

test('Chinese reasoning: steps, text and offsets in UTF-16 units', () => {
  const text = read('zh.rtrace');
  const a = analyzeRtrace(text, ctx);
  assert.deepEqual(a.problems, []);
  const c3 = a.traces[0].steps.find((s) => s.id === 'c3')!;
  assert.equal(c3.text, '最近一次互动（h4，收藏）表明兴趣正从娱乐向“救助、领养”延伸。');
  assert.deepEqual(
    c3.evidence.map((e) => text.slice(e.span!.start, e.span!.end)),
    ['c1', 'h4'],
  );
  const p1 = a.traces[0].steps.find((s) => s.id === 'p1')!;
  const code = a.codes.get(p1.codeIndexes![0]);
  assert.equal(text.slice(code.span.start, code.span.end), '<|sid_begin|><s_a_1502><|sid_end|>');
  assert.equal(a.outline[0].name, 'user u_31877');
});

test('outline: trace → header, sections and layers → entries; folds cover sections and multi-line steps', () => {
  const text = read('thinking.rtrace');
  const a = analyzeRtrace(text, ctx);
  const [trace] = a.outline;
  assert.equal(trace.kind, 'trace');
  assert.equal(trace.detail, 'OpenOneRec-1.7B · sft-think/step-12000 · thinking');
  assert.deepEqual(
    trace.children.map((c) => `${c.kind}:${c.name}`),
    ['section:header', 'section:history', 'layer:perception', 'layer:derivation', 'layer:evolution', 'layer:recommendation', 'section:recommendations', 'section:ground-truth', 'section:raw prompt', 'section:raw output'],
  );
  const derivation = trace.children[3];
  assert.equal(derivation.detail, 'cognition');
  assert.deepEqual(
    derivation.children.map((c) => c.name),
    ['c1', 'c2', 'c3'],
  );
  assert.equal(trace.children[6].children[0].name, '#1');
  const c1 = a.traces[0].steps.find((s) => s.id === 'c1')!;
  assert.ok(a.folds.some((f) => f.start === c1.span.start && f.end === c1.span.end));
  const raw = text.indexOf('[raw output');
  const fold = a.folds.find((f) => f.start === raw)!;
  assert.equal(text.slice(fold.end - 3, fold.end), 'END');
  for (const f of a.folds) assert.ok(f.start < f.end);
});

test('the malformed fixture reports each mistake where it is', () => {
  const text = read('malformed.rtrace');
  const a = analyzeRtrace(text, ctx);
  assert.deepEqual(found(text, a), [
    ['rtrace/missing-version', '# the version line is missing'],
    ['rtrace/unknown-header-key', 'temprature'],
    ['rtrace/bad-value', 'dreaming'],
    ['rtrace/bad-value', 'hot'],
    ['rtrace/unknown-decoding-key', 'nucleus'],
    ['rtrace/syntax', 'this is not a header field'],
    ['step/duplicate-id', 'h1'],
    ['rtrace/bad-history', 'oops'],
    ['rtrace/section-order', '[layer perception]'],
    ['step/evidence-stage', 'r1'],
    ['step/dangling-evidence', 'h9'],
    ['rtrace/bad-step', 'no id on this line'],
    ['rtrace/bad-step', '  this indented line continues nothing'],
    ['rtrace/unknown-layer', 'reflection'],
    ['rtrace/section-order', '[layer derivation]'],
    ['step/forward-evidence', 'c2'],
    ['step/evidence-cycle', 'c1'],
    ['rtrace/bad-evidence', 'and'],
    ['rtrace/bad-value', 'high'],
    ['rtrace/bad-value', 'abc'],
    ['rec/duplicate-rank', '1'],
    ['rtrace/bad-recommendation', 'best'],
    ['rtrace/bad-recommendation', 'zero <|sid_begin|><s_a_340><s_b_6566><s_c_918><|sid_end|>'],
    ['rtrace/unknown-section', '[notes]'],
    ['rtrace/unclosed-raw', '[raw output <<END]'],
  ]);
  const unknown = a.problems.find((p) => p.code === 'rtrace/unknown-layer')!;
  assert.match(unknown.message, /`perception`, `persona`, `interest-expansion`, `transition-inference`, `recommendation`, `cognition` and `thinking`/);
  const stage = a.problems.find((p) => p.code === 'step/evidence-stage')!;
  assert.match(stage.message, /Perception step `p1` cites `r1`/);
  assert.match(a.problems.find((p) => p.code === 'step/duplicate-id')!.message, /line 9/);
  // Steps of the unknown layer are still in the trace.
  assert.ok(a.traces[0].steps.some((s) => s.id === 'x1' && s.layer === 'reflection'));
});

test('cycles are reported, not followed', () => {
  const text = read('cycle.rtrace');
  const a = analyzeRtrace(text, ctx);
  const cycles = a.problems.filter((p) => p.code === 'step/evidence-cycle');
  assert.equal(cycles.length, 2);
  assert.match(cycles[0].message, /c1 → c3 → c2 → c1/);
  assert.match(cycles[1].message, /cites itself/);
  assert.equal(a.traces[0].mode, 'non-thinking');
  // A long cycle through 100k steps terminates and is reported once.
  const lines = ['%rtrace 1', '[layer derivation]'];
  for (let i = 1; i <= 100_000; i++) lines.push(`c${i} step <- c${i === 100_000 ? 1 : i + 1}`);
  const big = analyzeRtrace(lines.join('\n'), ctx);
  assert.equal(big.problems.filter((p) => p.code === 'step/evidence-cycle').length, 1);
});

test('configured layers: names and stages come from the settings', () => {
  const layers: LayerSpec[] = [
    { name: 'R0', stage: 'perception', markers: [] },
    { name: 'induction', stage: 'cognition', markers: [] },
    { name: 'abduction', stage: 'cognition', markers: [] },
    { name: 'R3', stage: 'recommendation', markers: [] },
  ];
  const text = '%rtrace 1\n[history]\nh1 <s_a_1><s_b_2><s_c_3>\n[layer R0]\np1 a <- h1\n[layer induction]\nc1 b <- p1\n[layer abduction]\nc2 c <- c1, p1\n[layer R3]\nr1 d <- c2\n[layer musing]\np2 e\n';
  const a = analyzeRtrace(text, { ...ctx, layers });
  assert.deepEqual(found(text, a), [['rtrace/unknown-layer', 'musing']]);
  assert.match(a.problems[0].message, /`R0`, `induction`, `abduction` and `R3`/);
  assert.deepEqual(
    a.traces[0].steps.map((s) => s.stage),
    ['perception', 'perception', 'cognition', 'cognition', 'recommendation', 'perception'],
  );
  const lower = analyzeRtrace('%rtrace 1\n[layer r0]\n', { ...ctx, layers });
  assert.match(lower.problems[0].message, /Did you mean `R0`\?/);
});

test('recommendations: evidence checked, hit/miss checked against the ground truth', () => {
  const text = [
    '%rtrace 1',
    '[layer recommendation]',
    'r1 x',
    '[recommendations]',
    '1 <s_a_1><s_b_2><s_c_3> hit <- r1',
    '2 <s_a_1><s_b_2><s_c_4> hit <- r9',
    '3 <|sid_begin|><s_a_1><s_b_2><s_c_5><|sid_end|> miss',
    '[ground-truth]',
    '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>',
    '<s_a_1><s_b_2><s_c_5>',
  ].join('\n');
  const a = analyzeRtrace(text, ctx);
  assert.deepEqual(found(text, a), [
    ['rec/hit-mismatch', '2 <s_a_1><s_b_2><s_c_4> hit <- r9'],
    ['step/dangling-evidence', 'r9'],
    ['rec/hit-mismatch', '3 <|sid_begin|><s_a_1><s_b_2><s_c_5><|sid_end|> miss'],
  ]);
});

test('code problems become warnings with the grammar’s message', () => {
  const text = '%rtrace 1\n[history]\nh1 <|sid_begin|><s_a_99999><s_b_1><s_c_1><|sid_end|>\n';
  const a = analyzeRtrace(text, ctx);
  assert.equal(a.problems.length, 1);
  assert.equal(a.problems[0].code, 'code/out-of-range');
  assert.equal(a.problems[0].severity, 'warning');
});

test('hostile inputs never throw and always yield an analysis', () => {
  const thinking = read('thinking.rtrace');
  const inputs = [
    '',
    '%rtrace 1',
    '\uFEFF%rtrace 1\r\n[history]\r\nh1 <s_a_1><s_b_2><s_c_3>\r\n',
    '\uFFFD\uFFFD\uFFFD\n[layer \uFFFD]\n\uFFFD1 x',
    thinking.slice(0, 2000),
    thinking.replace(/\n/g, '\r\n'),
    '[[[[\n]]]]\n<-<-<-\n  alt "',
    '%rtrace 1\n[layer perception]\np1 <- <- <- ,,, <-',
    'x'.repeat(10_000_000),
  ];
  for (const text of inputs) {
    const a = analyzeRtrace(text, ctx);
    assert.equal(a.traces.length, 1);
    assert.ok(a.problems.every((p) => p.span.start >= 0 && p.span.end <= text.length && p.span.start <= p.span.end));
    assert.ok(!a.problems.some((p) => p.code === 'rtrace/internal'));
  }
  assert.deepEqual(analyzeRtrace('%rtrace 1', ctx).problems, []);
  const bom = analyzeRtrace('\uFEFF%rtrace 1\r\n[history]\r\nh1 <s_a_1><s_b_2><s_c_3>\r\n', ctx);
  assert.deepEqual(bom.problems, []);
  assert.equal(bom.codes.get(0).span.start, '\uFEFF%rtrace 1\r\n[history]\r\nh1 '.length);
});

test('100k steps analyse in reasonable time', () => {
  const lines = ['%rtrace 1', '[history]', 'h1 <|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>', '[layer derivation]'];
  for (let i = 1; i <= 100_000; i++) lines.push(`c${i} step ${i} <- ${i === 1 ? 'h1' : `c${i - 1}, h1`}`);
  const t0 = performance.now();
  const a = analyzeRtrace(lines.join('\n'), ctx);
  const ms = performance.now() - t0;
  assert.equal(a.traces[0].steps.length, 100_001);
  assert.deepEqual(a.problems, []);
  assert.ok(ms < 5000, `analysis took ${ms.toFixed(0)} ms`);
});

test('evidence written at the end of a continuation line is flagged, an escaped line is not', () => {
  const text = ['%rtrace 1', '[history]', 'h1 <s_a_1><s_b_2><s_c_3>', '[layer perception]', 'p1 First line,', '  and more <- h1', '  \\kept as text <- h1', '  <- h1', ''].join('\n');
  const a = analyzeRtrace(text, ctx);
  const flagged = a.problems.filter((p) => p.code === 'rtrace/evidence-in-text');
  assert.equal(flagged.length, 1);
  assert.equal(text.slice(flagged[0].span.start, flagged[0].span.end), '<- h1');
  assert.equal(text.slice(0, flagged[0].span.start).split('\n').length, 6);
  const p1 = a.traces[0].steps.find((s) => s.id === 'p1')!;
  assert.deepEqual(p1.evidence.map((e) => e.target), ['h1']);
});
