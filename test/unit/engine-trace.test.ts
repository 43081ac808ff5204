/**
 * Inference records as `.rtrace` traces (`traceFromRecord`, `renderTrace`):
 * records built by hand — headings in English and Chinese, none at all,
 * hostile model text, non-thinking, race and unconstrained decoding — and
 * one record from the real engine on the demo model. Every trace must
 * analyse without errors and read back as the value it was printed from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultLayers, type LayerSpec } from '../../protocol/layers';
import { compileGrammar, presetSpec, resolveGrammar } from '../../server/items/grammar';
import type { ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { loadTable } from '../../server/items/table';
import { renderTrace, traceFromRecord, type TraceContext } from '../../server/trace/rtrace/from-record';
import { defaultDecoding, type Candidate, type InferenceRecord, type TokenRecord } from '../../protocol/inference';
import type { Analysis } from '../../server/trace/model';
import { analyzeRtrace, readTrace, type TraceValue } from '../../server/trace/rtrace';

const grammar = compileGrammar(presetSpec('openonerec'));
const code = (...levels: number[]): string => `<|sid_begin|>${levels.map((v, k) => `<s_${'abc'[k]}_${v}>`).join('')}<|sid_end|>`;

const items: ItemRecord[] = [
  { id: 'i1', levels: [1, 2, 3], title: 'Puppy crate training', source: { path: 't' } },
  { id: 'i2', levels: [1, 2, 4], caption: 'A long caption about a border collie', source: { path: 't' } },
  { id: 'i3', levels: [7, 8, 9], title: 'Weekend hiking vlog', source: { path: 't' } },
  { id: 'i4', levels: [1, 2, 5], title: 'Dachshund tips', source: { path: 't' } },
];
const ctx: TraceContext = { grammar, layers: defaultLayers, lookup: createMemoryLookup(items, ['t']) };

const PROMPT = '<|im_start|>user\nThe user interacted with: ' + code(1, 2, 3) + code(1, 2, 4) + code(7, 8, 9) + '\nPredict the next item. /think<|im_end|>\n<|im_start|>assistant\n<think>\n';
const NON_THINKING_PROMPT = PROMPT.replace('/think', '/no_think').replace(/<think>\n$/, '<think>\n\n</think>\n\n');
const THINKING_CODE = '</think>\n<|sid_begin|>';

function candidate(levels: number[], logprob: number, beam: number, extra: Partial<Candidate> = {}): Candidate {
  return { code: code(...levels), levels, logprob, stepLogprobs: [], valid: true, branch: 'thinking', sample: 0, beam, items: [], seen: false, ...extra };
}

/** A thinking record with three history items, one target and the given thinking text. */
function record(thinking: string, overrides: Partial<InferenceRecord> = {}): InferenceRecord {
  const mode = overrides.mode ?? 'thinking';
  return {
    user: 'u7',
    model: 'demo-final',
    checkpoint: 'step-300',
    executionProvider: 'cpu',
    mode,
    promptSource: 'prompt-template',
    contexts: { thinking: { prompt: PROMPT, code: THINKING_CODE } },
    domain: { name: 'sid', begin: '<|sid_begin|>', source: 'grammar' },
    promptTokens: 40,
    settings: { ...defaultDecoding, mode },
    thinking: [thinking],
    samples: [{ index: 0, text: thinking, opening: '', tokens: [], stop: 'think-end' }],
    candidates: [candidate([1, 2, 5], -0.51234, 1, { hit: true }), candidate([7, 8, 1], -1.2, 2, { hit: false })],
    invalidBeams: 0,
    history: [
      { item: code(1, 2, 3), id: 'i1' },
      { item: code(1, 2, 4), id: 'i2' },
      { item: code(7, 8, 9), id: 'i3' },
    ],
    targets: [{ item: code(1, 2, 5), id: 'i4' }],
    timings: { loadMs: 0, prefillMs: 12.4, thinkingMs: 443, thinkingTokens: 140, beamMs: 148.2, beamSteps: 96, totalMs: 619.3, runMs: 500 },
    created: '2026-03-02T14:05:11.000Z',
    ...overrides,
  };
}

/** Render, analyse, and check: no errors, every evidence id defined, and the text reads back as the value. */
function check(rec: InferenceRecord, c: TraceContext = ctx): { text: string; value: TraceValue; analysis: Analysis } {
  const value = traceFromRecord(rec, c);
  const text = renderTrace(rec, c);
  const analysis = analyzeRtrace(text, c);
  assert.deepEqual(
    analysis.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}: ${p.message} at ${JSON.stringify(text.slice(p.span.start, p.span.end))}`),
    [],
    text,
  );
  const read = readTrace(text);
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.value, value, 'the printed text reads back as the value');
  const ids = new Set([...value.history.map((h) => h.id), ...value.layers.flatMap((l) => l.steps.map((s) => s.id))]);
  for (const s of value.layers.flatMap((l) => l.steps)) for (const e of s.evidence) assert.ok(ids.has(e), `${s.id} cites ${e}`);
  for (const r of value.recommendations) for (const e of r.evidence) assert.ok(ids.has(e), `#${r.rank} cites ${e}`);
  assert.equal(analysis.traces.length, 1);
  return { text, value, analysis };
}

const steps = (v: TraceValue): Record<string, { text: string; evidence: string[] }> =>
  Object.fromEntries(v.layers.flatMap((l) => l.steps.map((s) => [s.id, { text: s.text, evidence: s.evidence }])));
const rawText = (v: TraceValue, label: string): string | undefined => v.raw.find((r) => r.label === label)?.text;

const DEMO_THINKING = [
  'Perception:',
  `- ${code(1, 2, 3)} is "Puppy crate training" (Dogs / Dog breeds).`,
  `- ${code(1, 2, 4)} is a border collie video.`,
  `- ${code(7, 8, 9)} is "Weekend hiking vlog" (Outdoors).`,
  '',
  'Cognition:',
  `- 2 of 3 items are Dogs ${code(1, 2)}: an interest in dog breeds.`,
  `- 1 of 3 items is Outdoors ${code(7)}: a lighter interest.`,
  '',
  'Recommendation:',
  `Recommend an unseen item from Dogs ${code(1, 2)}.`,
  '',
].join('\n');

test('a demo-style thinking becomes header, history, layered steps with evidence, recommendations, ground truth and raw text', () => {
  const { value, analysis } = check(record(DEMO_THINKING));
  const h = value.header;
  assert.equal(h.user, 'u7');
  assert.equal(h.sample, 'u7/thinking/2026-03-02T14:05:11.000Z');
  assert.equal(h.model, 'demo-final');
  assert.equal(h.checkpoint, 'step-300');
  assert.equal(h.mode, 'thinking');
  assert.equal(h.provider, 'cpu');
  assert.equal(h.domain, 'sid');
  assert.deepEqual(h.decoding, {
    temperature: 0.6,
    top_p: 0.95,
    top_k: 50,
    presence_penalty: 1,
    frequency_penalty: 1,
    seed: 42,
    beams: 32,
    num_return: 10,
    max_thinking_tokens: 1024,
    thinking_samples: 1,
    constrained: true,
    filter_seen: false,
  });
  assert.deepEqual(h.extensions, { 'x-timings': 'prefill=12ms (40 prompt tokens) thinking=443ms (140 tokens, 316 tok/s) beams=148ms total=619ms' });
  assert.deepEqual(value.history, [
    { id: 'h1', item: code(1, 2, 3), note: 'Puppy crate training' },
    { id: 'h2', item: code(1, 2, 4), note: 'A long caption about a border collie' },
    { id: 'h3', item: code(7, 8, 9), note: 'Weekend hiking vlog' },
  ]);
  assert.deepEqual(
    value.layers.map((l) => `${l.name}:${l.steps.map((s) => s.id).join(',')}`),
    // `Cognition:` names the stage, not a layer of the onereason scheme: the generic cognition layer.
    ['perception:p1,p2,p3', 'cognition:c1,c2', 'recommendation:r1'],
  );
  assert.deepEqual(steps(value), {
    p1: { text: `${code(1, 2, 3)} is "Puppy crate training" (Dogs / Dog breeds).`, evidence: ['h1'] },
    p2: { text: `${code(1, 2, 4)} is a border collie video.`, evidence: ['h2'] },
    p3: { text: `${code(7, 8, 9)} is "Weekend hiking vlog" (Outdoors).`, evidence: ['h3'] },
    c1: { text: `2 of 3 items are Dogs ${code(1, 2)}: an interest in dog breeds.`, evidence: ['p1', 'p2'] },
    c2: { text: `1 of 3 items is Outdoors ${code(7)}: a lighter interest.`, evidence: ['p3'] },
    r1: { text: `Recommend an unseen item from Dogs ${code(1, 2)}.`, evidence: ['c1'] },
  });
  assert.deepEqual(
    value.recommendations.map((r) => [r.rank, r.item, r.score, r.beam, r.branch, r.hit, r.evidence]),
    [
      [1, code(1, 2, 5), -0.5123, 1, undefined, true, ['r1']],
      [2, code(7, 8, 1), -1.2, 2, undefined, false, ['r1']],
    ],
  );
  assert.deepEqual(value.groundTruth, [{ item: code(1, 2, 5), note: 'Dachshund tips' }]);
  assert.deepEqual(
    value.raw.map((r) => r.label),
    ['prompt', 'code', 'thinking-1'],
  );
  assert.equal(rawText(value, 'prompt'), PROMPT);
  assert.equal(rawText(value, 'code'), THINKING_CODE);
  assert.equal(rawText(value, 'thinking-1'), DEMO_THINKING);
  const trace = analysis.traces[0];
  assert.equal(trace.steps.filter((s) => s.kind === 'history').length, 3);
  assert.deepEqual(
    trace.recommendations?.map((r) => r.hit),
    [true, false],
  );
  assert.equal(analysis.problems.length, 0, JSON.stringify(analysis.problems));
});

test('cognition without a matching perception step cites history under its prefix; steps without links cite the whole earlier stage', () => {
  const thinking = [
    '## Perception',
    'The user watches dog videos.',
    '',
    '## Derivation',
    `Most items sit in ${code(1, 2)}.`,
    'They like animals in general.',
    '',
    '## Evolution',
    'Lately the interest narrows.',
    '',
    '## Recommendation',
    `- Recommend ${code(9, 9)} for diversity.`,
    `- Or stay with ${code(1, 2, 5)}.`,
  ].join('\n');
  const { value } = check(record(thinking));
  assert.deepEqual(
    value.layers.map((l) => l.name),
    ['perception', 'interest-expansion', 'transition-inference', 'recommendation'],
  );
  const s = steps(value);
  assert.deepEqual(s.p1.evidence, []);
  assert.deepEqual(s.c1, { text: `Most items sit in ${code(1, 2)}.\nThey like animals in general.`, evidence: ['h1', 'h2'] });
  assert.deepEqual(s.c2.evidence, ['p1'], 'no codes: all perception steps');
  assert.deepEqual(s.r1.evidence, ['c1', 'c2'], 'a cluster no cognition step names: all cognition steps');
  assert.deepEqual(s.r2.evidence, ['c1'], 'a code under a cluster c1 names');
  // Candidates cite the recommendation steps whose named code they lie under, else all.
  assert.deepEqual(
    value.recommendations.map((r) => r.evidence),
    [['r2'], ['r1', 'r2']],
  );
});

test('a thinking without headings is one step of the generic thinking layer', () => {
  const thinking = `The user likes ${code(1, 2, 3)} and ${code(7, 8, 9)}.\n\nPerception of dogs is strong, so recommend more.\n`;
  const { value } = check(record(thinking));
  assert.deepEqual(
    value.layers.map((l) => l.name),
    ['thinking'],
  );
  assert.deepEqual(steps(value), { c1: { text: `The user likes ${code(1, 2, 3)} and ${code(7, 8, 9)}.\nPerception of dogs is strong, so recommend more.`, evidence: ['h1', 'h3'] } });
  assert.deepEqual(
    value.recommendations.map((r) => r.evidence),
    [['c1'], ['c1']],
  );
});

test('text before the first heading is a cognition step; out-of-order layers are written in stage order', () => {
  const thinking = ['Let me think.', 'Recommendation: pick a dog video.', 'Perception: h1 is a dog video.', `Cognition: dogs ${code(1, 2)}.`].join('\n');
  const { value, analysis } = check(record(thinking));
  assert.deepEqual(
    value.layers.map((l) => `${l.name}:${l.steps.map((s) => `${s.id}=${s.text}`).join('|')}`),
    ['perception:p1=h1 is a dog video.', 'thinking:c1=Let me think.', `cognition:c2=dogs ${code(1, 2)}.`, 'recommendation:r1=pick a dog video.'],
  );
  assert.deepEqual(steps(value).c2.evidence, ['h1', 'h2']);
  assert.deepEqual(steps(value).r1.evidence, ['c1', 'c2']);
  assert.deepEqual(analysis.problems, []);
});

test('a heading naming its layer twice (`R0 Perception:`) is dropped whole; the rest of a heading line is step text', () => {
  const thinking = ['**R0 Perception:** every item is a dog video.', '## R1 Derivation', 'Dogs.', '### R3 recommendation - a dog video'].join('\n');
  const { value } = check(record(thinking));
  assert.deepEqual(
    value.layers.map((l) => `${l.name}:${l.steps.map((s) => s.text).join('|')}`),
    ['perception:every item is a dog video.', 'interest-expansion:Dogs.', 'recommendation:a dog video'],
  );
});

test('Chinese headings 感知/认知/推荐 split into perception, the generic cognition layer and recommendation', () => {
  const thinking = ['感知：', `1. ${code(1, 2, 3)} 是一个小狗训练视频。`, `2、${code(7, 8, 9)} 是户外徒步视频。`, '认知：', `用户主要喜欢狗 ${code(1, 2)}，兴趣集中。`, '【推荐】', `推荐 ${code(1, 2)} 下未看过的视频。`].join('\n');
  const { value } = check(record(thinking));
  assert.deepEqual(
    value.layers.map((l) => l.name),
    ['perception', 'cognition', 'recommendation'],
  );
  assert.deepEqual(steps(value), {
    p1: { text: `${code(1, 2, 3)} 是一个小狗训练视频。`, evidence: ['h1'] },
    p2: { text: `${code(7, 8, 9)} 是户外徒步视频。`, evidence: ['h3'] },
    c1: { text: `用户主要喜欢狗 ${code(1, 2)}，兴趣集中。`, evidence: ['p1'] },
    r1: { text: `推荐 ${code(1, 2)} 下未看过的视频。`, evidence: ['c1'] },
  });
});

test('hostile model text survives: `<-`, lines starting with `[`, `alt "`, `#`, `\\`, and a prompt with `[history]` and END lines', () => {
  const thinking = [
    'Perception:',
    `- a <- b relation: ${code(1, 2, 3)} <- h9`,
    '[history]',
    '# a Markdown heading',
    '',
    'Cognition:',
    '- first line',
    '  alt "x"=0.5 is not an alternative',
    '  <- p1 is not evidence',
    '  \\ a backslash',
    '  [raw <<END]',
    'END',
    '%rtrace 2',
  ].join('\n');
  const prompt = 'system\n[history]\nh1 x\nEND\n[raw <<END]\n%rtrace 1\n# not a comment\n';
  const { value } = check(record(thinking, { contexts: { thinking: { prompt, code: 'END\n' } } }));
  const s = steps(value);
  assert.equal(s.p1.text, `a <- b relation: ${code(1, 2, 3)} <- h9`);
  assert.deepEqual(s.p1.evidence, ['h1']);
  assert.equal(s.p2.text, '[history]\n# a Markdown heading');
  assert.equal(s.c1.text, 'first line\nalt "x"=0.5 is not an alternative\n<- p1 is not evidence\n\\ a backslash\n[raw <<END]');
  assert.equal(s.c2.text, 'END\n%rtrace 2');
  assert.equal(rawText(value, 'prompt'), prompt);
  assert.equal(rawText(value, 'thinking-1'), thinking);
});

test('a candidate already in the history is written `seen` and reads back so; the header names the domain and the penalties', () => {
  const rec = record(DEMO_THINKING, {
    settings: { ...defaultDecoding, presencePenalty: 0.5, frequencyPenalty: 0 },
    domain: { name: 'video', begin: '<|video_begin|>', source: 'target' },
    candidates: [candidate([1, 2, 3], -0.2, 1, { hit: false, seen: true }), candidate([1, 2, 5], -0.5, 2, { hit: true })],
  });
  const { value, text } = check(rec);
  assert.match(text, /^1 \S+ score=-0\.2 beam=1 miss seen <- r1$/m);
  assert.deepEqual(
    value.recommendations.map((r) => r.seen),
    [true, undefined],
  );
  assert.equal(value.header.domain, 'video');
  assert.equal(value.header.decoding?.presence_penalty, 0.5);
  assert.equal(value.header.decoding?.frequency_penalty, 0);
});

test('a step with `<-` and no evidence keeps its text', () => {
  const { value } = check(record('Perception:\n- x <- y\n- z <-\n'));
  assert.deepEqual(steps(value), { p1: { text: 'x <- y', evidence: [] }, p2: { text: 'z <-', evidence: [] } });
});

test('non-thinking mode and an empty thinking have no layers; the prompt is kept exactly', () => {
  const nonThinkingPrompt = NON_THINKING_PROMPT;
  const non = check(
    record('', {
      mode: 'non-thinking',
      contexts: { 'non-thinking': { prompt: nonThinkingPrompt, code: '<|sid_begin|>' } },
      thinking: [],
      samples: [],
      candidates: [candidate([1, 2, 5], -0.5, 1, { branch: 'non-thinking', sample: undefined, hit: true })],
      timings: { loadMs: 0, prefillMs: 0, thinkingMs: 0, thinkingTokens: 0, beamMs: 20, beamSteps: 96, totalMs: 25, runMs: 20 },
    }),
  ).value;
  assert.equal(non.header.mode, 'non-thinking');
  assert.equal(non.header.extensions?.['x-timings'], 'beams=20ms total=25ms');
  assert.deepEqual(non.layers, []);
  assert.deepEqual(
    non.raw.map((r) => r.label),
    ['prompt', 'code'],
  );
  assert.equal(rawText(non, 'prompt'), nonThinkingPrompt);
  assert.deepEqual(non.recommendations[0].evidence, []);

  const empty = check(record('', { samples: [{ index: 0, text: '', opening: '', tokens: [], stop: 'max-tokens' }] })).value;
  assert.deepEqual(empty.layers, []);
  assert.equal(rawText(empty, 'thinking-1'), '');
  assert.equal(empty.header.extensions?.['x-thinking-stop'], 'thinking-1=max-tokens');
  assert.deepEqual(empty.recommendations[0].evidence, []);
});

test('race mode: both prompts, every thinking sample, branches on the candidates; only sample 1 of the thinking branch cites its steps', () => {
  const nonThinkingPrompt = NON_THINKING_PROMPT;
  const { value, analysis } = check(
    record(DEMO_THINKING, {
      mode: 'race',
      contexts: { thinking: { prompt: PROMPT, code: THINKING_CODE }, 'non-thinking': { prompt: nonThinkingPrompt, code: '<|sid_begin|>' } },
      thinking: [DEMO_THINKING, 'Second sample.'],
      samples: [
        { index: 0, text: DEMO_THINKING, opening: '', tokens: [], stop: 'think-end' },
        { index: 1, text: 'Second sample.', opening: '', tokens: [], stop: 'think-end' },
      ],
      settings: { ...defaultDecoding, mode: 'race', thinkingSamples: 2 },
      candidates: [
        candidate([1, 2, 5], -0.4, 1, { hit: true }),
        candidate([7, 8, 1], -0.9, 1, { branch: 'non-thinking', sample: undefined, hit: false }),
        candidate([1, 2, 3], -1.1, 1, { sample: 1, hit: false }),
      ],
    }),
  );
  assert.equal(value.header.mode, 'race');
  assert.equal(value.header.decoding?.thinking_samples, 2);
  assert.deepEqual(
    value.raw.map((r) => r.label),
    ['prompt-thinking', 'code-thinking', 'prompt-non-thinking', 'code-non-thinking', 'thinking-1', 'thinking-2'],
  );
  assert.equal(rawText(value, 'prompt-non-thinking'), nonThinkingPrompt);
  assert.equal(rawText(value, 'prompt-thinking'), PROMPT);
  assert.deepEqual(
    value.recommendations.map((r) => [r.rank, r.branch, r.hit, r.evidence]),
    [
      [1, 'thinking', true, ['r1']],
      [2, 'non-thinking', false, []],
      [3, 'thinking', false, []],
    ],
  );
  assert.equal(analysis.traces[0].mode, undefined);
});

test('unconstrained decoding: invalid codes stay one word and the invalid beams are counted', () => {
  const rec = record(DEMO_THINKING, {
    settings: { ...defaultDecoding, constrained: false },
    invalidBeams: 3,
    providerNote: 'CUDA execution provider unavailable; running on CPU.',
    candidates: [
      candidate([1, 2, 5], -0.4, 1, { hit: true }),
      { code: '<s_a_1><s_a_2> hello', levels: [1], logprob: -3, stepLogprobs: [], valid: false, branch: 'thinking', sample: 0, beam: 2, items: [], hit: false, seen: false },
      { code: '\n\n', levels: [], logprob: -Infinity, stepLogprobs: [], valid: false, branch: 'thinking', sample: 0, beam: 3, items: [], hit: false, seen: false },
      { code: '<s_a_99999><s_b_1><s_c_1>', levels: [99999, 1, 1], logprob: -5.55557, stepLogprobs: [], valid: false, branch: 'thinking', sample: 0, beam: 4, items: [], hit: false, seen: false },
    ],
  });
  const { value, text } = check(rec);
  assert.equal(value.header.decoding?.constrained, false);
  assert.equal(value.header.extensions?.['x-invalid-beams'], '3');
  assert.equal(value.header.extensions?.['x-provider-note'], 'CUDA execution provider unavailable; running on CPU.');
  assert.deepEqual(
    value.recommendations.map((r) => [r.rank, r.item, r.score, r.hit]),
    [
      [1, code(1, 2, 5), -0.4, true],
      [2, '"<s_a_1><s_a_2>\\u0020hello"', -3, false],
      [3, '"\\n\\n"', -Infinity, false],
      [4, '<s_a_99999><s_b_1><s_c_1>', -5.5556, false],
    ],
  );
  assert.ok(text.includes('3 "\\n\\n" score=-inf beam=3 miss <- r1'), text);
});

/** Tokens for `text`: words and blanks, each certain except those named with their probability and rivals. */
function tokensFor(text: string, unsure: Record<string, [number, string[]]>): TokenRecord[] {
  return (text.match(/\s+|[^\s]+/g) ?? []).map((t, id) => {
    const [p, rivals] = unsure[t] ?? [0.9, []];
    const rest = rivals.map((r, k) => ({ id: 1000 + k, text: r, prob: (1 - p) / (rivals.length + 1) }));
    return { id, text: t, logprob: Math.log(p), top: [{ id, text: t, prob: p }, ...rest].sort((a, b) => b.prob - a.prob) };
  });
}

test('alternatives: decision points below 0.5 land in their step, at most the three least certain, in text order', () => {
  const thinking = 'Perception:\n- alpha beta gamma delta epsilon\n\nCognition:\n- zeta eta';
  const tokens = tokensFor(thinking, {
    'Perception:': [0.1, ['Notes:']],
    alpha: [0.4, ['one']],
    beta: [0.3, ['two']],
    gamma: [0.49, ['three']],
    delta: [0.2, ['four']],
    epsilon: [0.5, ['five']],
    eta: [0.25, ['theta', 'iota']],
  });
  const rec = record(thinking, { samples: [{ index: 0, opening: '', text: thinking, tokens, stop: 'think-end' }] });
  const { value } = check(rec);
  const [p1] = value.layers[0].steps;
  assert.deepEqual(
    p1.alternatives?.map((a) => a.map((t) => t.token)),
    [
      ['alpha', 'one'],
      ['two', 'beta'],
      ['four', 'delta'],
    ],
  );
  assert.deepEqual(p1.alternatives?.[1], [
    { token: 'two', prob: 0.35 },
    { token: 'beta', prob: 0.3 },
  ]);
  const [c1] = value.layers[1].steps;
  assert.deepEqual(c1.alternatives, [
    [
      { token: 'eta', prob: 0.25 },
      { token: 'theta', prob: 0.25 },
      { token: 'iota', prob: 0.25 },
    ],
  ]);
});

test('alternatives: tokens that decode to U+FFFD alone do not shift the later tokens', () => {
  const thinking = '感知：\n- 狗狗 训练\n认知：\n- 喜欢 狗';
  // "狗" split into two byte tokens, each decoding to U+FFFD on its own.
  const pieces: [string, number][] = [['感知：', 0.9], ['\n', 0.9], ['- ', 0.9], ['\uFFFD', 0.9], ['\uFFFD', 0.9], ['狗', 0.9], [' ', 0.9], ['训练', 0.3], ['\n', 0.9], ['认知：', 0.9], ['\n', 0.9], ['- ', 0.9], ['喜欢', 0.9], [' ', 0.9], ['狗', 0.2]];
  const tokens: TokenRecord[] = pieces.map(([t, p], id) => ({ id, text: t, logprob: Math.log(p), top: [{ id, text: t, prob: p }] }));
  const { value } = check(record(thinking, { samples: [{ index: 0, opening: '', text: thinking, tokens, stop: 'think-end' }] }));
  assert.deepEqual(
    value.layers.map((l) => l.steps.map((s) => [s.text, s.alternatives?.map((a) => a[0].token)])),
    [[['狗狗 训练', ['训练']]], [['喜欢 狗', ['狗']]]],
  );
});

test('every token of every sample is written with its step, log-probability and top list; an opening is skipped; interventions are written', () => {
  const thinking = 'Perception:\n- alpha beta\n\nCognition:\n- zeta eta';
  const tokens = tokensFor(thinking, { beta: [0.3, ['two']], eta: [0.25, ['theta', 'iota']] });
  // Rounding leaves a log-probability a hair above 0 and a probability a hair above 1: written as 0 and 1.
  tokens[0] = { ...tokens[0], logprob: 1e-9, top: [{ id: 0, text: 'Perception:', prob: 1.0000001 }, { id: 7, text: 'Notes:', prob: 0.000012345678 }] };
  const second = tokensFor('Second sample.', {});
  const rec = record(thinking, {
    thinking: [thinking, 'Second sample.', 'Unrecorded.'],
    samples: [
      { index: 0, opening: '', text: thinking, tokens, stop: 'think-end' },
      { index: 1, opening: '<think>\n', text: 'Second sample.', tokens: second, stop: 'think-end' },
      { index: 2, opening: '', text: 'Unrecorded.', tokens: [], stop: 'think-end' },
    ],
    settings: { ...defaultDecoding, thinkingSamples: 3 },
    candidates: [candidate([1, 2, 5], -0.51234, 1, { hit: true, stepLogprobs: [-0.0100004, -0.5, -0.00234] })],
    interventions: [
      { sample: 0, index: 4, kind: 'token', original: { id: 77, text: 'gamma', logprob: -0.91629073 }, forced: { ids: [4], text: 'beta' } },
      { sample: 1, index: 2, kind: 'text', original: { id: 78, text: 'thing', logprob: -2.3 }, forced: { ids: [2], text: 'sample.' } },
      { sample: 1, index: 1, kind: 'text', original: { id: 79, text: '\n', logprob: -0.05 }, forced: { ids: [], text: '' } },
    ],
  });
  const { value, text, analysis } = check(rec);
  assert.deepEqual(
    value.tokens?.map((t) => [t.label, t.from, t.tokens.length]),
    [
      ['thinking-1', undefined, tokens.length],
      ['thinking-2', 8, second.length],
    ],
    'a sample without recorded tokens gets no section',
  );
  const first = value.tokens![0].tokens;
  assert.deepEqual(first[0], { text: 'Perception:', logprob: 0, top: [{ token: 'Perception:', prob: 1 }, { token: 'Notes:', prob: 0.00001235 }] });
  assert.deepEqual(
    first.map((t) => `${t.step ?? '-'}:${t.text}`),
    ['-:Perception:', '-:\n', '-:-', '-: ', 'p1:alpha', 'p1: ', 'p1:beta', '-:\n\n', '-:Cognition:', '-:\n', '-:-', '-: ', 'c1:zeta', 'c1: ', 'c1:eta'],
  );
  assert.deepEqual(first[6], { step: 'p1', text: 'beta', logprob: -1.204, top: [{ token: 'beta', prob: 0.3 }, { token: 'two', prob: 0.35 }].sort((a, b) => b.prob - a.prob) });
  assert.ok(value.tokens![1].tokens.every((t) => t.step === undefined), 'later samples have no steps');
  assert.match(text, /\n\[tokens thinking-2 from=8\]\n"Second" -0\.1054 "Second"=0\.9\n" " -0\.1054 " "=0\.9\n/);
  assert.match(text, /\n\[interventions\]\nthinking-1 4 token "gamma" -0\.9163 id=77 -> "beta" ids=4\nthinking-2 2 text "thing" -2\.3 id=78 -> "sample\." ids=2\nthinking-2 1 text "\\n" -0\.05 id=79 -> ""\n/);
  const placed = analysis.traces[0].tokens ?? [];
  assert.deepEqual(
    placed.filter((t) => t.sample === 1).map((t) => [t.offset, t.text, t.intervention]),
    [
      [8, 'Second', undefined],
      [14, ' ', 2],
      [15, 'sample.', 1],
    ],
  );
  assert.equal(placed.find((t) => t.sample === 0 && t.index === 4)?.intervention, 0);
  assert.deepEqual(analysis.problems, [], 'the interventions name tokens of their samples');

  assert.deepEqual(value.recommendations[0].logprobs, [-0.01, -0.5, -0.0023], 'the code stage: per-level log-probabilities');
  assert.match(text, /^1 \S+ score=-0\.5123 logprobs=-0\.01,-0\.5,-0\.0023 beam=1 hit <- /m);

  const empty = check(record('', { samples: [{ index: 0, text: '', opening: '', tokens: [], stop: 'max-tokens' }] })).value;
  assert.deepEqual(empty.tokens, [{ label: 'thinking-1', tokens: [] }], 'an empty sample has an empty section');
});

test('a custom scheme writes its own layer names; the preamble is a step of the generic thinking layer, which reads back in any scheme', () => {
  const layers: LayerSpec[] = [
    { name: 'seen', stage: 'perception', markers: ['Perception'] },
    { name: 'pick', stage: 'recommendation', markers: ['Recommendation'] },
  ];
  const c: TraceContext = { grammar, layers };
  const { value } = check(record(`Intro.\n${DEMO_THINKING}`, {}), c);
  assert.deepEqual(
    value.layers.map((l) => `${l.name}:${l.steps.map((s) => s.id).join(',')}`),
    ['seen:p1,p2,p3,p4,p5,p6', 'thinking:c1', 'pick:r1'],
  );
  assert.deepEqual(
    value.history.map((h) => h.note),
    [undefined, undefined, undefined],
  );
  // With no layers at all the thinking is one unheaded step, and kept raw.
  const none = check(record(DEMO_THINKING), { grammar, layers: [] }).value;
  assert.deepEqual(none.layers.map((l) => `${l.name}:${l.steps.length}`), ['thinking:1']);
  assert.equal(rawText(none, 'thinking-1'), DEMO_THINKING);
});

test('a record from the real engine on the demo model renders to a clean trace', async () => {
  const { OnnxDecoder } = await import('../../server/engine/session');
  const { OnnxEngine } = await import('../../server/engine/engine');
  const { CodeVocabulary } = await import('../../server/engine/codes');
  const { readModelFolder } = await import('../../server/engine/model-folder');
  const { loadTokenizer } = await import('../../server/engine/tokenizer');
  const { runInference } = await import('../../server/engine/infer');
  const { defaultPrompt } = await import('../../protocol/inference');
  const root = path.join(__dirname, '..', '..', 'demo');
  const demoGrammar = resolveGrammar('openonerec', null).grammar;
  const itemsPath = path.join(root, 'world', 'items.json');
  const lookup = createMemoryLookup(loadTable(itemsPath, fs.readFileSync(itemsPath, 'utf8'), demoGrammar).items, [itemsPath]);
  const users = fs
    .readFileSync(path.join(root, 'world', 'users.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { user: string; split: string; history: number[]; targets: number[] });
  const u = users.find((x) => x.split === 'test')!;
  const item = (p: number): { id: string; levels: number[] } => {
    const r = lookup.byId(String(p))!;
    return { id: r.id, levels: r.levels };
  };
  const folder = readModelFolder(path.join(root, 'models', 'final'));
  const tokenizer = loadTokenizer(folder);
  const decoder = await OnnxDecoder.load(folder, 'cpu');
  const engine = new OnnxEngine(decoder, tokenizer);
  const rec = await runInference({
    user: { id: u.user, history: u.history.map(item), targets: u.targets.map(item), source: { path: 'users.jsonl' } },
    engine,
    tokenizer,
    codes: new CodeVocabulary(demoGrammar, tokenizer, lookup),
    grammar: demoGrammar,
    decoding: { ...defaultDecoding, temperature: 0, beams: 8, numReturn: 5, maxThinkingTokens: 256 },
    prompt: { ...defaultPrompt, historyLength: 10 },
    eos: folder.config.eos,
    model: 'final',
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  const c: TraceContext = { grammar: demoGrammar, layers: defaultLayers, lookup };
  const { value, text } = check(rec, c);
  assert.equal(value.history.length, rec.history.length);
  assert.ok(value.history.every((h) => h.note !== undefined), 'every demo item has a title');
  assert.deepEqual(
    value.layers.map((l) => l.name),
    ['perception', 'cognition', 'recommendation'],
    rec.thinking[0],
  );
  assert.ok(value.layers[0].steps.length >= 1);
  assert.ok(
    value.layers[1].steps.every((s) => s.evidence.length > 0 && s.evidence.every((e) => e.startsWith('p') || e.startsWith('h'))),
    text,
  );
  assert.deepEqual(
    value.recommendations.map((r) => r.rank),
    rec.candidates.map((_, i) => i + 1),
  );
  assert.deepEqual(
    value.recommendations.map((r) => r.hit),
    rec.candidates.map((x) => x.hit),
  );
  // The code stage of sample 1 read prompt + thinking-1 + code, as the record says.
  assert.equal(rawText(value, 'prompt'), rec.contexts.thinking!.prompt);
  assert.equal(rawText(value, 'code'), '</think>\n<|sid_begin|>');
  assert.equal(rawText(value, 'thinking-1'), rec.thinking[0]);
  assert.equal(value.header.created, '2026-01-01T00:00:00.000Z');
  assert.match(value.header.extensions?.['x-timings'] ?? '', /thinking=\d+ms \(\d+ tokens, \d+ tok\/s\) beams=\d+ms total=\d+ms$/);
});
