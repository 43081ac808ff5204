/**
 * The generated-token sections of `.rtrace`: `[tokens thinking-N]` (every
 * token of a thinking sample, with its log-probability, top-k list and
 * step) and `[interventions]`. They print and read back unchanged, place
 * each token in its raw block, report malformed lines with what to write,
 * survive hostile input, and parse a 4,096-token sample quickly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultLayers } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import type { Analysis, AnalyzeContext } from '../../server/trace/model';
import { analyzeRtrace, parseRtraceSyntax, placeTokens, printSyntax, printTrace, readTrace, type TokenValue, type TraceValue } from '../../server/trace/rtrace';

const ctx: AnalyzeContext = { grammar: compileGrammar(presetSpec('openonerec')), layers: defaultLayers };

/** `[code, text under the span]` of each problem. */
function found(text: string, a: { problems: Analysis['problems'] }): [string, string][] {
  return a.problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]);
}

const THINKING = 'Perception:\n- dogs 狗\nCognition:\n- likes dogs';
/** The tokens of THINKING: the heading and blanks outside every step; "狗" split into two byte tokens. */
const TOKENS: TokenValue[] = [
  { text: 'Perception', logprob: -0.0001, top: [{ token: 'Perception', prob: 0.9999 }] },
  { text: ':\n- ', logprob: -0.02, top: [] },
  { step: 'p1', text: 'dogs', logprob: -1.204, top: [{ token: 'cats', prob: 0.5 }, { token: 'dogs', prob: 0.3 }, { token: '<s_a_1>', prob: 0.2 }] },
  { step: 'p1', text: ' ', logprob: 0, top: [] },
  { step: 'p1', text: '\uFFFD', logprob: -0.5, top: [{ token: '\uFFFD', prob: 0.6 }] },
  { step: 'p1', text: '\uFFFD', logprob: -0.1, top: [] },
  { text: '\nCognition:\n- ', logprob: -0.3, top: [] },
  { step: 'c1', text: 'likes', logprob: -2.5e-7, top: [{ token: 'likes', prob: 1 }, { token: 'loves', prob: 1.2e-7 }] },
  { step: 'c1', text: ' dogs', logprob: -Infinity, top: [{ token: ' "dogs"\n', prob: 0 }] },
];

function value(): TraceValue {
  return {
    version: 1,
    header: { user: 'u1', mode: 'thinking', layers: 'onereason' },
    history: [],
    layers: [
      { name: 'perception', steps: [{ id: 'p1', text: 'dogs 狗', evidence: [] }] },
      { name: 'transition-inference', steps: [{ id: 'c1', text: 'likes dogs', evidence: ['p1'] }] },
    ],
    recommendations: [],
    groundTruth: [],
    raw: [{ label: 'thinking-1', text: '<think>\n' + THINKING }],
    tokens: [
      { label: 'thinking-1', from: 8, tokens: TOKENS },
      { label: 'thinking-2', tokens: [] },
    ],
    interventions: [
      { label: 'thinking-1', index: 2, kind: 'token', original: { text: 'cats', logprob: -0.6931, id: 9245 }, forced: { text: 'dogs', ids: [1234] } },
      { label: 'thinking-1', index: 7, kind: 'text', original: { text: 'hates', logprob: -0.1 }, forced: { text: 'likes dogs' } },
    ],
  };
}

test('tokens and interventions print compactly and read back as the value', () => {
  const v = value();
  const text = printTrace(v);
  assert.match(text, /\n\[interventions\]\nthinking-1 2 token "cats" -0\.6931 id=9245 -> "dogs" ids=1234\nthinking-1 7 text "hates" -0\.1 -> "likes dogs"\n/);
  assert.match(text, /\n\[tokens thinking-1 from=8\]\n"Perception" -1e-4 "Perception"=0\.9999\n":\\n- " -0\.02\np1 "dogs" -1\.204 "cats"=0\.5 "dogs"=0\.3 "<s_a_1>"=0\.2\n/);
  assert.match(text, /\nc1 "likes" -2\.5e-7 "likes"=1 "loves"=1\.2e-7\nc1 " dogs" -inf " \\"dogs\\"\\n"=0\n\n\[tokens thinking-2\]\n$/);
  const read = readTrace(text);
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.value, v);
  // Without the sections, the value has neither key.
  const bare = readTrace(printTrace({ ...v, tokens: undefined, interventions: undefined })).value;
  assert.ok(!('tokens' in bare) && !('interventions' in bare));
});

test('the analysis places every token in its raw block, with its step, and marks forced tokens', () => {
  const text = printTrace(value());
  const a = analyzeRtrace(text, ctx);
  assert.deepEqual(found(text, a), [['rtrace/tokens-mismatch', '[tokens thinking-2]']]);
  const [trace] = a.traces;
  const tokens = trace.tokens ?? [];
  assert.equal(tokens.length, TOKENS.length);
  const raw = '<think>\n' + THINKING;
  // Offsets in the raw block's text: after the opening; the two U+FFFD pieces sit where "狗" starts, and " " and "\nCognition" resynchronise.
  assert.deepEqual(
    tokens.map((t) => [t.index, t.offset, t.step ?? '']),
    [
      [0, 8, ''],
      [1, 18, ''],
      [2, 22, 'p1'],
      [3, 26, 'p1'],
      [4, 27, 'p1'],
      [5, 27, 'p1'],
      [6, 28, ''],
      [7, 42, 'c1'],
      [8, 47, 'c1'],
    ],
  );
  assert.equal(raw.slice(tokens[7].offset, tokens[7].offset + 5), 'likes');
  assert.equal(text.slice(tokens[2].rawSpan!.start, tokens[2].rawSpan!.end), 'dogs');
  assert.equal(tokens[4].rawSpan, undefined, 'a U+FFFD piece is not in the text');
  assert.equal(text.slice(tokens[2].span!.start, tokens[2].span!.end), 'p1 "dogs" -1.204 "cats"=0.5 "dogs"=0.3 "<s_a_1>"=0.2');
  assert.deepEqual(tokens[8].top, [{ token: ' "dogs"\n', prob: 0 }]);
  assert.equal(tokens[8].logprob, -Infinity);
  assert.deepEqual(
    tokens.map((t) => t.intervention),
    [undefined, undefined, 0, undefined, undefined, undefined, undefined, 1, undefined],
  );
  assert.deepEqual(trace.interventions?.map(({ span, ...x }) => [x, text.slice(span!.start, span!.end).slice(0, 14)]), [
    [{ sample: 0, index: 2, kind: 'token', original: { text: 'cats', logprob: -0.6931, id: 9245 }, forced: { text: 'dogs', ids: [1234] } }, 'thinking-1 2 t'],
    [{ sample: 0, index: 7, kind: 'text', original: { text: 'hates', logprob: -0.1 }, forced: { text: 'likes dogs' } }, 'thinking-1 7 t'],
  ]);
  // Token texts are not itemic codes.
  assert.ok(a.codes.toArray().every((c) => !text.slice(c.span.start, c.span.end).includes('<s_a_1>')));
});

test('a tokens section is one outline entry and one fold', () => {
  const v = value();
  const many: TokenValue[] = Array.from({ length: 500 }, (_, k) => ({ text: k % 2 ? ' ' : 'w', logprob: -0.1, top: [] }));
  v.raw.push({ label: 'thinking-2', text: many.map((t) => t.text).join('') });
  v.tokens![1].tokens = many;
  const text = printTrace(v);
  const a = analyzeRtrace(text, ctx);
  assert.deepEqual(found(text, a), []);
  const sections = a.outline[0].children.filter((c) => c.name.startsWith('tokens'));
  assert.deepEqual(
    sections.map((s) => [s.name, s.detail, s.children.length]),
    [
      ['tokens thinking-1', '9 tokens', 0],
      ['tokens thinking-2', '500 tokens', 0],
    ],
  );
  const head = text.indexOf('[tokens thinking-2]');
  const folds = a.folds.filter((f) => f.start >= head);
  assert.deepEqual(folds, [{ start: head, end: text.trimEnd().length }]);
  const interventions = a.outline[0].children.find((c) => c.name === 'interventions');
  assert.deepEqual(interventions?.children.map((c) => [c.name, c.detail]), [
    ['thinking-1 #2', 'token: "cats" → "dogs"'],
    ['thinking-1 #7', 'text: "hates" → "likes dogs"'],
  ]);
});

test('malformed token and intervention lines are reported with what to write; later tokens keep their index', () => {
  const text = [
    '%rtrace 1',
    '[layer perception]',
    'p1 ab',
    '[raw thinking-1 <<END]',
    'ab',
    'END',
    '[tokens thinking-1]',
    'p1: "a" -0.1',
    'p1 "a -0.1',
    '"a" x',
    '"a"-0.1',
    '"a" -0.1 "b"=nan "c"=1.5 d=0.1',
    '"a" 0.5',
    'p9 "b" -0.1',
    '[interventions]',
    'thinking-0 1 token "a" -0.1 -> "b"',
    'thinking-1 x token "a" -0.1 -> "b"',
    'thinking-1 1 swap "a" -0.1 -> "b"',
    'thinking-1 1 token "a" -> "b"',
    'thinking-1 1 token "a" -0.1 id=x -> "b"',
    'thinking-1 1 token "a" -0.1 => "b"',
    'thinking-1 1 token "a" -0.1 -> b',
    'thinking-1 1 token "a" -0.1 -> "b" ids=1,,2',
    'thinking-1 1 token "a" -0.1 -> "b" ids=1,2',
    'thinking-1 9 text "a" -0.1 -> "b"',
    'thinking-2 0 text "a" -0.1 -> "b"',
    '[tokens thinking-x]',
    '[tokens thinking-1 from=-1]',
  ].join('\n');
  const a = analyzeRtrace(text, ctx);
  const codes = found(text, a);
  assert.deepEqual(codes, [
    ['rtrace/bad-token', 'p1: "a" -0.1'],
    ['rtrace/bad-token', '"a -0.1'],
    ['rtrace/bad-token', 'x'],
    ['rtrace/bad-token', '-0.1'],
    ['rtrace/bad-value', '"b"=nan'],
    ['rtrace/bad-value', '"c"=1.5'],
    ['rtrace/bad-alternative', 'd=0.1'],
    ['rtrace/bad-value', '0.5'],
    ['rtrace/token-step', 'p9'],
    ['rtrace/bad-intervention', 'thinking-0 1 token "a" -0.1 -> "b"'],
    ['rtrace/bad-intervention', 'x token "a" -0.1 -> "b"'],
    ['rtrace/bad-intervention', 'swap "a" -0.1 -> "b"'],
    ['rtrace/bad-intervention', '-> "b"'],
    ['rtrace/bad-intervention', 'id=x -> "b"'],
    ['rtrace/bad-intervention', '=> "b"'],
    ['rtrace/bad-intervention', 'b'],
    ['rtrace/bad-intervention', 'ids=1,,2'],
    ['rtrace/bad-intervention', 'ids=1,2'],
    ['rtrace/intervention-target', 'thinking-1 9 text "a" -0.1 -> "b"'],
    ['rtrace/intervention-target', 'thinking-2'],
    ['rtrace/unknown-section', '[tokens thinking-x]'],
    ['rtrace/unknown-section', '[tokens thinking-1 from=-1]'],
  ]);
  const message = (code: string, under: string): string => a.problems.find((p) => p.code === code && text.slice(p.span.start, p.span.end) === under)?.message ?? '';
  assert.match(message('rtrace/bad-token', '"a -0.1'), /JSON string literal.*e\.g\. `c1 " dog" -0\.105/);
  assert.match(message('rtrace/bad-token', 'x'), /`x` is not a log-probability/);
  assert.match(message('rtrace/bad-intervention', 'swap "a" -0.1 -> "b"'), /The kind is `token` or `text`/);
  assert.match(message('rtrace/intervention-target', 'thinking-1 9 text "a" -0.1 -> "b"'), /has 7 tokens/);
  assert.equal(a.problems.find((p) => p.code === 'rtrace/bad-intervention' && text.slice(p.span.start, p.span.end) === 'ids=1,2')?.severity, 'warning');
  // Rejected lines keep their index: the tokens that parse are 4, 5 and 6.
  assert.deepEqual(
    a.traces[0].tokens?.map((t) => [t.index, t.text, t.step]),
    [
      [4, 'a', undefined],
      [5, 'a', undefined],
      [6, 'b', 'p9'],
    ],
  );
  assert.equal(a.traces[0].interventions?.length, 3);
});

test('tokens that do not make up the raw text, or without one, are warned about', () => {
  const doc = (tokens: string[], raw = 'abc'): string => ['%rtrace 1', '[raw thinking-1 <<END]', raw, 'END', '[tokens thinking-1]', ...tokens.map((t) => `${JSON.stringify(t)} -0.1`)].join('\n');
  const clean = doc(['a', 'b', 'c']);
  assert.deepEqual(found(clean, analyzeRtrace(clean, ctx)), []);
  const wrong = doc(['a', 'x', 'c']);
  assert.deepEqual(found(wrong, analyzeRtrace(wrong, ctx)), [['rtrace/tokens-mismatch', '"x" -0.1']]);
  const short = doc(['a', 'b']);
  assert.deepEqual(found(short, analyzeRtrace(short, ctx)), [['rtrace/tokens-mismatch', '[tokens thinking-1]']]);
  const orphan = '%rtrace 1\n[tokens thinking-3 from=2]\n"a" -1\n"bc" -1\n"d" -1\n';
  const a = analyzeRtrace(orphan, ctx);
  assert.deepEqual(found(orphan, a), [['rtrace/tokens-mismatch', '[tokens thinking-3 from=2]']]);
  assert.deepEqual(
    a.traces[0].tokens?.map((t) => [t.sample, t.offset]),
    [
      [2, 2],
      [2, 3],
      [2, 5],
    ],
  );
  const twice = `${clean}\n[tokens thinking-1]\n"abc" -0.1\n`;
  assert.deepEqual(found(twice, analyzeRtrace(twice, ctx)), [['rtrace/duplicate-section', '[tokens thinking-1]']]);
});

test('placement resynchronises after U+FFFD pieces at the next clean token, and stays linear on tokens that never match', () => {
  // "狗狗": the first one split into two byte tokens.
  const p = placeTokens('- 狗狗 x', [{ text: '- ' }, { text: '\uFFFD' }, { text: '\uFFFD' }, { text: '狗' }, { text: ' x' }]);
  assert.deepEqual(p, { offsets: [0, 2, 2, 3, 4], lost: -1, end: 6 });
  const clean = placeTokens('ab\uFFFDc', [{ text: 'ab\uFFFD' }, { text: 'c' }]);
  assert.deepEqual(clean, { offsets: [0, 3], lost: -1, end: 4 });
  const lost = placeTokens('abc', [{ text: 'a' }, { text: 'z' }, { text: 'q' }]);
  assert.deepEqual(lost, { offsets: [0, 1, 1], lost: 1, end: -1 });
  const text = 'a'.repeat(200_000);
  const t0 = performance.now();
  placeTokens(text, Array.from({ length: 50_000 }, () => ({ text: 'b' })));
  assert.ok(performance.now() - t0 < 500, 'no quadratic search');
});

test('hostile input never throws: huge sections, broken strings, NaN, huge numbers, stray bytes', () => {
  const lines: string[] = ['%rtrace 1', '[raw thinking-1 <<END]', 'x'.repeat(1000), 'END', '[tokens thinking-1 from=99999999999999999999999]'];
  for (let k = 0; k < 20_000; k++) lines.push(['"\\', '"\\u12"', 'p1 "a" nan "b"=nan', '"a" -inf "b"=-inf', '"\u0000" -1', '\uFFFD"\uD800" -1e400', '"a" -1 ' + '"b"=0.1 '.repeat(50)][k % 7]);
  lines.push('[interventions]', 'thinking-1 99999999999999999999 token "a" -1 -> "b"', 'thinking-1 1 text "a" nan -> "b" ids=' + '9'.repeat(400), 'thinking-99999999999999999999 0 token "a" -1 -> "b"');
  lines.push('[tokens thinking-2]', '"' + '\\'.repeat(100_001));
  const text = lines.join('\n');
  const t0 = performance.now();
  const a = analyzeRtrace(text, ctx);
  const ms = performance.now() - t0;
  assert.ok(!a.problems.some((p) => p.code === 'rtrace/internal'), a.problems.find((p) => p.code === 'rtrace/internal')?.message);
  assert.ok(a.problems.length > 10_000);
  assert.ok(ms < 3000, `${ms} ms`);
  assert.equal(printSyntax(parseRtraceSyntax(text)), text, 'every line is kept as written');
  assert.doesNotThrow(() => readTrace(text));
  assert.doesNotThrow(() => printTrace(readTrace(text).value));
  assert.doesNotThrow(() => parseRtraceSyntax('%rtrace 1\n[tokens thinking-1]\n"' + '\\"'.repeat(50_000)));
});

test('a recommendation records the log-probability of each level of its code', () => {
  const v: TraceValue = { ...value(), recommendations: [{ rank: 1, item: '<s_a_1><s_b_2><s_c_3>', score: -0.52, logprobs: [-0.01, -0.5, -0.01], beam: 1, evidence: [] }] };
  const text = printTrace(v);
  assert.match(text, /\n1 <s_a_1><s_b_2><s_c_3> score=-0\.52 logprobs=-0\.01,-0\.5,-0\.01 beam=1\n/);
  assert.deepEqual(readTrace(text).value, v);
  const bad = '%rtrace 1\n[recommendations]\n1 <s_a_1> logprobs=-0.1,,x\n2 <s_a_2> logprobs=\n3 <s_a_3> constructor=1\n';
  assert.deepEqual(found(bad, readTrace(bad)), [
    ['rtrace/bad-value', '-0.1,,x'],
    ['rtrace/bad-value', 'logprobs='],
    ['rtrace/bad-recommendation', 'constructor=1'],
  ]);
});

test('the TextMate grammar colours token lines, their section head and interventions', () => {
  type Rule = { match?: string; begin?: string; patterns?: Rule[]; include?: string };
  const grammar = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'syntaxes', 'rtrace.tmLanguage.json'), 'utf8')) as { patterns: Rule[]; repository: Record<string, Rule> };
  const repo = grammar.repository;
  const order = grammar.patterns.map((p) => p.include);
  assert.ok(order.indexOf('#tokens-section') < order.indexOf('#section') && order.indexOf('#interventions-section') < order.indexOf('#section'), 'kind rules come before the generic head');
  const groups = (source: string | undefined, line: string): (string | undefined)[] => new RegExp(source ?? '').exec(line)?.slice(1) ?? [];
  assert.deepEqual(groups(repo['tokens-section'].begin, '[tokens thinking-2 from=8]'), ['[', 'tokens', 'thinking-2', 'from', '=', '8', ']']);
  const tokens = repo['tokens-section'].patterns ?? [];
  assert.deepEqual(groups(tokens[1].match, 'c1 "a \\"b\\"" -8.253e-4 "a"=0.9'), ['c1', '"a \\"b\\""', '-8.253e-4']);
  assert.deepEqual(groups(tokens[1].match, '"\\n" -inf'), [undefined, '"\\n"', '-inf']);
  const top = [...'c1 "x" -1 "x"=0.5 "<s_a_1>"=1.2e-5'.matchAll(new RegExp(repo['top-entry'].match ?? '', 'g'))].map((m) => m.slice(1));
  assert.deepEqual(top, [
    ['"x"', '=', '0.5'],
    ['"<s_a_1>"', '=', '1.2e-5'],
  ]);
  const line = 'thinking-1 37 token " cats" -0.886 id=9245 -> " dogs" ids=1,2';
  const rules = repo['interventions-section'].patterns ?? [];
  assert.deepEqual(groups(rules[1].match, line), ['thinking-1', '37', 'token']);
  assert.deepEqual(
    rules.slice(2).map((r) => [...line.matchAll(new RegExp(r.match ?? '', 'g'))].map((m) => m[0])),
    [['" cats"', '" dogs"'], ['->'], ['id=9245', 'ids=1,2'], ['37', '-0.886']],
  );
});

/** A thinking of `n` tokens with a top-`k` list each, in the writer's layout. */
function bigTrace(n: number, k: number): string {
  const words = ['The', ' user', ' watched', ' 狗', ' videos', ',', ' "so"', '\n- ', ' next', ' <s_a_12>'];
  const tokens: TokenValue[] = [];
  for (let i = 0; i < n; i++) {
    const w = words[i % words.length];
    const top = Array.from({ length: k }, (_, j) => ({ token: j === 0 ? w : words[(i + j) % words.length] + j, prob: Number((0.9 / (j + 1) ** 3).toPrecision(4)) }));
    tokens.push({ step: `c${1 + (i >> 6)}`, text: w, logprob: Number(Math.log(0.9 - (i % 7) / 10).toPrecision(4)), top });
  }
  const thinking = tokens.map((t) => t.text).join('');
  const steps = Array.from({ length: Math.ceil(n / 64) }, (_, s) => ({ id: `c${s + 1}`, text: `step ${s + 1}`, evidence: [] }));
  return printTrace({
    version: 1,
    header: { user: 'u1', mode: 'thinking', layers: 'onereason' },
    history: [],
    layers: [{ name: 'transition-inference', steps }],
    recommendations: [],
    groundTruth: [],
    raw: [{ label: 'thinking-1', text: thinking }],
    tokens: [{ label: 'thinking-1', tokens }],
  });
}

test('a 4,096-token sample with top-5 lists parses and analyses well under 100 ms', (t) => {
  const text = bigTrace(4096, 5);
  const time = (f: () => void): number => {
    const runs: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      f();
      runs.push(performance.now() - t0);
    }
    return runs.sort((x, y) => x - y)[3];
  };
  const a = analyzeRtrace(text, ctx);
  assert.deepEqual(found(text, a), []);
  assert.equal(a.traces[0].tokens?.length, 4096);
  const parse = time(() => parseRtraceSyntax(text));
  const analyse = time(() => analyzeRtrace(text, ctx));
  // The median of 7 runs.
  t.diagnostic(`4096 tokens × top-5 (${(text.length / 1024).toFixed(0)} KiB): parse ${parse.toFixed(1)} ms, analyse ${analyse.toFixed(1)} ms`);
  assert.ok(parse < 100, `parse took ${parse} ms`);
  assert.ok(analyse < 100, `analysis took ${analyse} ms`);
});
