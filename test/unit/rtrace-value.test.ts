/** Structured trace values print to `.rtrace` and read back unchanged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { printTrace, rawDelimiter, readTrace, type TraceValue } from '../../server/trace/rtrace';

const fixtures = path.join(__dirname, '..', 'fixtures', 'rtrace');
const code = (a: number, b: number, c: number): string => `<|sid_begin|><s_a_${a}><s_b_${b}><s_c_${c}><|sid_end|>`;

function sample(): TraceValue {
  return {
    version: 1,
    header: {
      user: 'u_42',
      sample: 'eval/7',
      model: 'OpenOneRec-1.7B',
      checkpoint: 'step-9000',
      mode: 'race',
      provider: 'cuda',
      decoding: { temperature: 0.7, top_p: 0.95, top_k: 50, seed: 1, beams: 64, max_tokens: 1024, constrained: true, stop: '</think> x', tag: '12abc', numeric_string: '3' },
      created: '2026-01-01T00:00:00Z',
      source: 'dump.json#7',
      extensions: { 'x-run': 'ablation 3' },
    },
    history: [
      { id: 'h1', item: code(340, 6566, 5603), note: '做饭视频 watched twice' },
      { id: 'h2', item: code(2781, 904, 77) },
    ],
    layers: [
      { name: 'perception', steps: [{ id: 'p1', text: 'h1 is a cooking video', evidence: ['h1'] }] },
      {
        name: 'derivation',
        steps: [
          {
            id: 'c1',
            text: 'Likes cooking; a <- b looks like evidence\n<- this line too\nalt "this"=1 too\n\\ and a backslash\n用户喜欢做饭',
            evidence: ['p1', 'h2'],
            alternatives: [
              [
                { token: 'cooking', prob: 0.6 },
                { token: '"quoted" <s_a_1>', prob: 0.25 },
              ],
              [{ token: '猫', prob: 1e-7 }],
            ],
          },
          { id: 'c2', text: 'no evidence but <- inside', evidence: [] },
          { id: 'c3', text: '', evidence: ['c1'] },
        ],
      },
      { name: 'evolution', steps: [] },
      { name: 'recommendation', steps: [{ id: 'r1', text: 'Recommend cooking.', evidence: ['c1', 'c2'] }] },
    ],
    recommendations: [
      { rank: 1, item: code(340, 6566, 2290), score: -0.41, prob: 0.66, beam: 0, branch: 'thinking', hit: true, evidence: ['r1'] },
      { rank: 2, item: code(1, 2, 3), score: -Infinity, hit: false, evidence: [] },
      { rank: 3, item: code(1, 2, 4), evidence: [] },
    ],
    groundTruth: [{ item: code(340, 6566, 2290), note: 'watched 94%' }, { item: code(9, 9, 9) }],
    raw: [
      { label: 'prompt', text: '<|im_start|>user\nhistory /think<|im_end|>' },
      { label: 'output', text: '%rtrace 1\n[history]\nEND\nEND_2\nc1 x <- y\r\nwindows line\n\n' },
      { text: '' },
      { text: '\n' },
    ],
  };
}

test('printTrace then readTrace gives the same value, with no problems beyond unknown decoding keys', () => {
  const value = sample();
  const text = printTrace(value);
  const back = readTrace(text);
  assert.deepEqual(back.value, value);
  assert.deepEqual(
    back.problems.map((p) => p.code),
    ['rtrace/unknown-decoding-key', 'rtrace/unknown-decoding-key', 'rtrace/unknown-decoding-key'],
  );
  // Printing is stable: the text of the read value is the same text.
  assert.equal(printTrace(back.value), text);
});

test('an empty trace prints as the version line and reads back', () => {
  const empty: TraceValue = { version: 1, header: {}, history: [], layers: [], recommendations: [], groundTruth: [], raw: [] };
  assert.equal(printTrace(empty), '%rtrace 1\n');
  assert.deepEqual(readTrace('%rtrace 1\n').value, empty);
});

test('readTrace then printTrace reproduces a canonical fixture', () => {
  const text = fs.readFileSync(path.join(fixtures, 'zh.rtrace'), 'utf8');
  const { value, problems } = readTrace(text);
  assert.deepEqual(problems, []);
  assert.equal(value.header.user, 'u_31877');
  assert.deepEqual(value.header.decoding, { temperature: 0.6, top_p: 0.9, seed: 7, beams: 64, max_tokens: 2048 });
  assert.equal(value.layers.map((l) => l.name).join(','), 'perception,derivation,evolution,recommendation');
  assert.equal(value.layers[1].steps[0].alternatives?.[0][0].token, '养猫');
  assert.deepEqual(readTrace(printTrace(value)).value, value);
  // The fixture is written in canonical form apart from its comment.
  assert.equal(printTrace(value), text.replace(/^#.*\n/m, ''));
});

test('the raw delimiter avoids every line of the text', () => {
  assert.equal(rawDelimiter('a\nb'), 'END');
  assert.equal(rawDelimiter('END'), 'END_2');
  assert.equal(rawDelimiter('x\r\nEND\rEND_2\nEND_3'), 'END_4');
  assert.equal(rawDelimiter(' END'), 'END');
});

test('values outside normal form are normalised, not corrupted', () => {
  const value: TraceValue = {
    version: 1,
    header: { user: 'a\nb', model: '  m  ' },
    history: [{ id: 'h1', item: '<s_a_1> <s_b_2>', note: 'line\nbreak' }],
    layers: [{ name: 'perception', steps: [{ id: 'p1', text: '  one \n\n  two  ', evidence: [], alternatives: [[]] }] }],
    recommendations: [],
    groundTruth: [],
    raw: [],
  };
  const back = readTrace(printTrace(value));
  assert.deepEqual(back.problems, []);
  assert.equal(back.value.header.user, 'a b');
  assert.equal(back.value.header.model, 'm');
  assert.deepEqual(back.value.history[0], { id: 'h1', item: '<s_a_1><s_b_2>', note: 'line break' });
  assert.deepEqual(back.value.layers[0].steps[0], { id: 'p1', text: 'one\ntwo', evidence: [] });
});
