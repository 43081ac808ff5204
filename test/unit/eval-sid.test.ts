import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterThink, firstCode, groundTruthSids, normalizeSidTokens, predictedSid, pyStrip, selectGenerations, sidCodes, sidTuple } from '../../server/eval/sid';
import { A, B, C, F1, F2, X, prod, video } from './eval-fixtures';

test('C1 afterThink keeps the text after the last </think>, stripped, and leaves text without one unchanged', () => {
  assert.equal(afterThink('<think>a</think>b</think> \n c \t'), 'c');
  assert.equal(afterThink('<think>x</think>'), '');
  assert.equal(afterThink('  no think here  '), '  no think here  ');
  assert.equal(afterThink('<think>unclosed'), '<think>unclosed');
});

test('pyStrip strips what Python strips: U+001C and U+0085 yes, U+FEFF no', () => {
  assert.equal(pyStrip('\x1c\x85 A\u3000'), 'A');
  assert.equal(pyStrip('\ufeffA'), '\ufeffA');
});

test('C2 every domain normalises to the generic markers, so the same codes in two domains compare equal', () => {
  assert.equal(normalizeSidTokens(`<|video_begin|>${A}<|video_end|><|ad_begin|>${B}<|ad_end|>`), `<|sid_begin|>${A}<|sid_end|><|sid_begin|>${B}<|sid_end|>`);
  assert.equal(normalizeSidTokens('<|living_begin|>x<|living_end|><|prod_begin|>y<|prod_end|>'), '<|sid_begin|>x<|sid_end|><|sid_begin|>y<|sid_end|>');
  assert.equal(predictedSid(prod(A)), predictedSid(video(A)));
  assert.ok(groundTruthSids(`<|living_begin|>${A}<|living_end|>`).set.has(predictedSid(`<|ad_begin|>${A}`)));
});

test('GT SIDs of F1 and F2: list order gives first_gt, the set gives GT', () => {
  const f1 = groundTruthSids(F1.ground_truth);
  assert.deepEqual(f1.list, [A, B]);
  assert.deepEqual([...f1.set], [A, B]);
  assert.equal(f1.first, A);
  assert.deepEqual(groundTruthSids(F2.ground_truth).list, [C]);
});

test('GT SIDs: text before the first begin token is an id, kept unstripped; no begin token makes the whole string one id', () => {
  assert.deepEqual(groundTruthSids(` note <|video_begin|>${A}<|video_end|>`).list, [' note ', A]);
  assert.deepEqual(groundTruthSids(` ${A} `).list, [` ${A} `]);
  assert.deepEqual(groundTruthSids(`<|video_begin|> ${A} <|video_end|>`).list, [A]);
  assert.deepEqual(groundTruthSids(`<|video_begin|>${A}<|video_begin|>${A}<|video_end|>`).list, [A, A]);
  assert.equal(groundTruthSids(`<|video_begin|>${A}<|video_begin|>${A}<|video_end|>`).set.size, 1);
  assert.deepEqual(groundTruthSids('').list, []);
  assert.equal(groundTruthSids('').first, '');
  assert.deepEqual(groundTruthSids('<|video_begin|><|video_end|>').list, []);
});

test('predicted SIDs of F1 are X, B, A, B', () => {
  assert.deepEqual(F1.generations.map(predictedSid), [X, B, A, B]);
});

test('predicted SIDs of F2: the SID in the CoT is ignored; "" and "hello" stay candidates', () => {
  assert.deepEqual(F2.generations.map(predictedSid), ['<s_a_1><s_b_1><s_c_1>', '', 'hello', C]);
});

test('predicted SID quirks: text before the begin token wins; </think> twice; end token; empty pieces skipped', () => {
  assert.equal(predictedSid(`foo<|video_begin|>${A}`), 'foo');
  assert.equal(predictedSid(`<think>a</think>b</think>\n<|video_begin|>${A}`), A);
  assert.equal(predictedSid(`  <|video_begin|>${A}<|video_end|> tail`), A);
  assert.equal(predictedSid(`<|video_begin|><|video_end|><|video_begin|>${B}`), B);
  assert.equal(predictedSid('<|video_begin|><|video_end|>'), '<|sid_begin|><|sid_end|>');
  assert.equal(predictedSid(` ${A} `), A);
});

test('codes: every <s_?_N> after C1 and without domain tokens, leading zeros dropped; none gives []', () => {
  assert.deepEqual(sidCodes(A), ['1', '2', '3']);
  assert.deepEqual(sidCodes(`<think>${X}</think>${video('<s_a_007><s_b_0><s_c_12>')}`), ['7', '0', '12']);
  assert.deepEqual(sidCodes('<s_a_<|video_begin|>5>'), ['5']);
  assert.deepEqual(sidCodes('hello'), []);
  assert.equal(firstCode(B), '4');
  assert.equal(firstCode(''), '');
});

test('SID tuple: the first a-b-c run after C1 of the stripped generation; domain tokens irrelevant', () => {
  assert.deepEqual(sidTuple(`<|ad_begin|>${A}`), ['1', '2', '3']);
  assert.deepEqual(sidTuple(`<think>${A}</think>x${B}${C}`), ['4', '5', '6']);
  assert.deepEqual(sidTuple('<s_a_01><s_b_002><s_c_3>'), ['1', '2', '3']);
  assert.equal(sidTuple('<s_a_1><s_b_2>'), undefined);
  assert.equal(sidTuple('<s_a_1> <s_b_2><s_c_3>'), undefined);
  assert.equal(sidTuple('garbage'), undefined);
});

test('first_k keeps order and duplicates', () => {
  const r = selectGenerations(F1.generations, undefined, 'first_k');
  assert.ok(r.ok);
  assert.deepEqual(r.value, F1.generations);
});

test('top_k_by_logprobs: the document example selects A(−0.2), B, C', () => {
  const r = selectGenerations([video(A), video(B), video(A), video(C)], [-1.0, -0.5, -0.2, -3.0], 'top_k_by_logprobs');
  assert.ok(r.ok);
  assert.deepEqual(r.value, [video(A), video(B), video(C)]);
});

test('top_k_by_logprobs sorts stably (ties keep generation order) and de-duplicates strings, not SIDs', () => {
  const r = selectGenerations(['b', 'a', video(A), prod(A), 'b'], [-1, -1, -2, -2, 0], 'top_k_by_logprobs');
  assert.ok(r.ok);
  assert.deepEqual(r.value, ['b', 'a', video(A), prod(A)]);
});

test('top_k_by_logprobs without logprobs, or with a length mismatch, is an error a user can act on', () => {
  for (const logprobs of [undefined, []]) {
    const r = selectGenerations(['x'], logprobs, 'top_k_by_logprobs');
    assert.ok(!r.ok);
    assert.match(r.error, /no "logprobs".*first_k/);
  }
  const r = selectGenerations(['x', 'y'], [-1], 'top_k_by_logprobs');
  assert.ok(!r.ok);
  assert.match(r.error, /1 logprobs for 2 generations/);
});
