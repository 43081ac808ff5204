import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMapping, type SidMapping } from '../../server/eval/mapping';
import {
  accuracyAtPositions, aggregate, evaluateTask, recConfig, recallAtK, scoreSample, weightedPidRecallAtK, weightedPidRecalls,
  type RecEvalConfig, type RecSample, type SampleScores,
} from '../../server/eval/metrics';
import { A, B, C, F1, F2, M_GENERATIONS, MAPPING_M, X, assertRounded, video } from './eval-fixtures';

const mappingM = (): SidMapping => {
  const r = parseMapping(MAPPING_M, 'M.json');
  assert.ok(r.ok);
  return r.value;
};

function score(sample: RecSample, overrides: Partial<RecEvalConfig> = {}): SampleScores {
  const r = scoreSample(sample, recConfig({ mode: 'sid', ...overrides }));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

/** Per-sample values of one metric for each k, as 0/1 for the pass metrics. */
const row = (s: SampleScores, name: string, ks: readonly number[]): number[] => ks.map((k) => Number(s.metrics[`${name}@${k}`]));

const K4 = [1, 2, 3, 4];

test('F1: pass@1..4 = 0 1 1 1, position1_pass@2,3 = 0 1, recall@1..4 = 0 .5 1 1', () => {
  const s = score(F1, { k: K4 });
  assert.deepEqual(row(s, 'pass', K4), [0, 1, 1, 1]);
  assert.deepEqual(row(s, 'position1_pass', [2, 3]), [0, 1]);
  assert.deepEqual(row(s, 'recall', K4), [0, 0.5, 1.0, 1.0]);
  assert.equal(s.metrics['pass@2'], true);
});

test('F2: the SID in the CoT is ignored and "" and "hello" use up slots: pass 0 0 0 1, recall 0 0 0 1', () => {
  const s = score(F2, { k: K4 });
  assert.deepEqual(row(s, 'pass', K4), [0, 0, 0, 1]);
  assert.deepEqual(row(s, 'position1_pass', [2, 3]), [0, 0]);
  assert.deepEqual(row(s, 'recall', K4), [0, 0, 0, 1.0]);
});

test('Example 3: a sample without generations counts as 0 in the mean over all samples', () => {
  const r = evaluateTask([['f1', F1], ['f2', F2], ['s3', { ground_truth: F1.ground_truth, generations: [] }]], recConfig({ mode: 'sid', k: [2, 4] }));
  assert.ok(r.ok);
  assertRounded(r.value.results['pass@2'], 0.3333);
  assertRounded(r.value.results['recall@4'], 0.6667);
  assert.equal(r.value.results.total_samples, 3);
});

test('Example 3 race: the only hit at index 40 (nothink half) gives pass@32 = 0 and pass@64 = 1', () => {
  const generations = Array.from({ length: 64 }, (_, i) => video(i === 40 ? A : X));
  const s = score({ ground_truth: video(A), generations });
  assert.equal(s.metrics['pass@32'], false);
  assert.equal(s.metrics['pass@64'], true);
});

test('top_k_by_logprobs example: pass@2 = 0, pass@3 = 1; under first_k pass@3 = 0, pass@4 = 1', () => {
  const sample = { ground_truth: video(C), generations: [video(A), video(B), video(A), video(C)], logprobs: [-1.0, -0.5, -0.2, -3.0] };
  assert.deepEqual(row(score(sample, { k: [2, 3], select: 'top_k_by_logprobs' }), 'pass', [2, 3]), [0, 1]);
  assert.deepEqual(row(score(sample, { k: [3, 4] }), 'pass', [3, 4]), [0, 1]);
});

test('top_k_by_logprobs without logprobs stops the task with an error naming the sample', () => {
  const r = evaluateTask([['7', F1]], recConfig({ mode: 'sid', select: 'top_k_by_logprobs' }));
  assert.ok(!r.ok);
  assert.match(r.error, /^sample 7: .*logprobs/);
});

const sid = (a: number, b: number, c: number): string => `<s_a_${a}><s_b_${b}><s_c_${c}>`;

test('sid_1th_recall example 1: GT_first {1, 7}, predictions 1-9-9, 3-3-3, 7-0-0 give .5 .5 1', () => {
  const ground_truth = [sid(1, 2, 3), sid(1, 5, 6), sid(7, 8, 9)].map((s) => `<|video_begin|>${s}<|video_end|>`).join('');
  const s = score({ ground_truth, generations: [video(sid(1, 9, 9)), video(sid(3, 3, 3)), video(sid(7, 0, 0))] }, { k: [1, 2, 3] });
  assert.deepEqual(row(s, 'sid_1th_recall', [1, 2, 3]), [0.5, 0.5, 1.0]);
});

test('sid_1th_recall example 2: F1 gives 0 at 1, .5 at 2, 1 at 4', () => {
  assert.deepEqual(row(score(F1, { k: [1, 2, 4] }), 'sid_1th_recall', [1, 2, 4]), [0, 0.5, 1.0]);
});

test('sid_1th_recall example 3: a wrong SID with the right first code scores 1', () => {
  const s = score({ ground_truth: video(A), generations: [video(sid(1, 9, 9)), video(sid(1, 8, 8))] }, { k: [1] });
  assert.equal(s.metrics['sid_1th_recall@1'], 1.0);
  assert.equal(s.metrics['pass@1'], false);
});

test('accuracy_at_pos examples: 1-2-9 vs 1-5-9 is T F T; F1 (X vs A) and "hello" are all F; pos1 over the first two = .5', () => {
  assert.deepEqual(accuracyAtPositions(video(sid(1, 2, 9)), sid(1, 5, 9), 3), [true, false, true]);
  assert.deepEqual(accuracyAtPositions('hello', A, 3), [false, false, false]);
  const ex1 = score({ ground_truth: video(sid(1, 5, 9)), generations: [video(sid(1, 2, 9))] });
  const ex2 = score(F1);
  assert.deepEqual([1, 2, 3].map((i) => ex2.metrics[`accuracy_at_pos${i}`]), [false, false, false]);
  assert.equal(aggregate([ex1, ex2], recConfig())['accuracy_at_pos1'], 0.5);
});

test('accuracy_at_pos reads the first selected generation after top_k_by_logprobs, and stops at max_new_tokens', () => {
  const s = score({ ground_truth: video(A), generations: [video(X), video(A)], logprobs: [-2, -1] }, { select: 'top_k_by_logprobs', sidTokens: 2 });
  assert.deepEqual([s.metrics.accuracy_at_pos1, s.metrics.accuracy_at_pos2, s.metrics.accuracy_at_pos3], [true, true, undefined]);
});

test('fixture M example 1: sid_validity@1 = 1, @2 = .5, @4 = .5, @64 = .5 (denominator min(k, 4))', () => {
  const s = score({ ground_truth: video(A), generations: M_GENERATIONS }, { k: [1, 2, 4, 64], mapping: mappingM() });
  assert.deepEqual(row(s, 'sid_validity', [1, 2, 4, 64]), [1.0, 0.5, 0.5, 0.5]);
});

test('fixture M example 2: max_pid predictions 222 0 333 0; pid_pass@1 = 0, @3 = 1, pid_position1_pass@3 = 1, pid_recall@4 = .5', () => {
  const s = score({ ground_truth: video(A), generations: M_GENERATIONS, metadata: { answer_pid: [333, 0, 111, 333] } }, { mode: 'both', k: [1, 3, 4], mapping: mappingM() });
  assert.deepEqual(s.pidGenerations, [222, 0, 333, 0]);
  assert.equal(s.metrics['pid_pass@1'], false);
  assert.equal(s.metrics['pid_pass@3'], true);
  assert.equal(s.metrics['pid_position1_pass@3'], true);
  assert.equal(s.metrics['pid_recall@4'], 0.5);
});

test('fixture M example 3: GT SID A with answer_pid [111] passes at SID level but not at PID level; random passes half the time', () => {
  const sample = { ground_truth: video(A), generations: [video(A)], metadata: { answer_pid: [111] } };
  const first = score(sample, { mode: 'both', k: [1], mapping: mappingM(), random: () => 0 });
  assert.equal(first.metrics['pass@1'], true);
  assert.equal(first.metrics['pid_pass@1'], false);
  assert.equal(first.metrics['pid_pass_random@1'], true);
  assert.equal(score(sample, { mode: 'both', k: [1], mapping: mappingM(), random: () => 0.75 }).metrics['pid_pass_random@1'], false);
});

test('fixture M example 3: answer_pid [0] or [] makes every pid_* value of the sample 0', () => {
  for (const answer_pid of [[0], []]) {
    const s = score({ ground_truth: video(A), generations: M_GENERATIONS, metadata: { answer_pid, incremental_value: [1], play_count: [1], duration: [1] } }, { mode: 'both', k: [1, 4], mapping: mappingM() });
    const pid = Object.entries(s.metrics).filter(([k]) => k.startsWith('pid_') || k.includes('weighted'));
    assert.deepEqual(pid.map(([, v]) => Number(v)), Array(10).fill(0));
    assert.equal(s.sums.pid.size, 0);
    assert.equal(s.pidGenerations, undefined);
  }
});

test('the random baseline draws once per mapped generation only, in generation order', () => {
  let draws = 0;
  score({ ground_truth: video(A), generations: M_GENERATIONS, metadata: { answer_pid: [111] } }, { mode: 'pid', mapping: mappingM(), random: () => (draws++, 0) });
  assert.equal(draws, 2);
});

const WEIGHTED = { answer_pid: [10, 20, 10, 0, 30], incremental_value: [2, 3, 9, 4, 5], play_count: [1, 1, 1, 1, 1], duration: [7, 7, 7, 7, 7] };

test('weighted recall example 1: pairs (10,2) (20,3) (30,5), D = 10; candidates 20 0 99 10 give .3 at 1 and .5 at 4', () => {
  assertRounded(weightedPidRecallAtK([20, 0, 99, 10], WEIGHTED.answer_pid, WEIGHTED.incremental_value, 1), 0.3);
  assertRounded(weightedPidRecallAtK([20, 0, 99, 10], WEIGHTED.answer_pid, WEIGHTED.incremental_value, 4), 0.5);
  const all = weightedPidRecalls([20, 0, 99, 10], WEIGHTED, [1, 4]);
  assertRounded(all['incremental_value_weighted_pid_recall@1'], 0.3);
  assertRounded(all['incremental_value_weighted_pid_recall@4'], 0.5);
});

test('weighted recall example 2: play_count missing makes all three metrics 0', () => {
  const { play_count: _, ...missing } = WEIGHTED;
  for (const metadata of [missing, { ...WEIGHTED, play_count: [] }, { ...WEIGHTED, answer_pid: [] }]) {
    assert.deepEqual(Object.values(weightedPidRecalls([20, 0, 99, 10], metadata, [1, 4])), [0, 0, 0, 0, 0, 0]);
  }
});

test('weighted recall example 3: all-zero weights give 0', () => {
  assert.equal(weightedPidRecallAtK([20, 0, 99, 10], WEIGHTED.answer_pid, [0, 0, 0, 0, 0], 4), 0.0);
});

test('weighted recall: pairs stop at the shorter list, null weights are skipped, JSON-string lists are read', () => {
  assertRounded(weightedPidRecallAtK([30], [10, 30, 40], [1, 3], 1), 0.75);
  assertRounded(weightedPidRecallAtK([30], [10, 30], [null, 3], 1), 1.0);
  assertRounded(weightedPidRecalls([30], { answer_pid: '[10, 30]', incremental_value: '[1, 3]', play_count: 1, duration: [1] }, [1])['incremental_value_weighted_pid_recall@1'], 0.75);
});

test('a sample with no generations or no GT keeps the failure keys only and adds nothing, yet stays in the denominator', () => {
  const failed = score({ ground_truth: 'x', generations: [] }, { k: [1], mapping: mappingM() });
  assert.deepEqual(Object.keys(failed.metrics), ['pass@1', 'position1_pass@1', 'recall@1', 'sid_1th_recall@1', 'sid_validity@1', 'accuracy_at_pos1', 'accuracy_at_pos2', 'accuracy_at_pos3']);
  assert.equal(failed.sums.sid.size, 0);
  const noGt = score({ ground_truth: '', generations: [video(A)] }, { k: [1], mapping: mappingM() });
  assert.equal(noGt.metrics['sid_validity@1'], 0);
  assert.equal(aggregate([score(F1, { k: [4] }), failed, noGt], recConfig({ k: [4] }))['recall@4'], 1 / 3);
});

test('task results are keyed as eval_results.json keys them (SID level, PID level, weighted unprefixed, config last)', () => {
  const sample = { ground_truth: video(A), generations: M_GENERATIONS, metadata: { answer_pid: [222], incremental_value: [1], play_count: [1], duration: [1] } };
  const r = evaluateTask([['0', sample]], recConfig({ k: [1], mapping: mappingM() }));
  assert.ok(r.ok);
  assert.deepEqual(Object.keys(r.value.results), [
    'total_samples', 'pass@1', 'position1_pass@1', 'recall@1', 'sid_1th_recall@1', 'accuracy_at_pos1', 'accuracy_at_pos2', 'accuracy_at_pos3', 'sid_validity@1',
    'pid_pass@1', 'pid_position1_pass@1', 'pid_recall@1', 'pid_pass_random@1', 'pid_recall_random@1',
    'incremental_value_weighted_pid_recall@1', 'play_count_weighted_pid_recall@1', 'duration_weighted_pid_recall@1',
    'select_k_strategy', 'evaluation_mode',
  ]);
  assert.equal(r.value.results.select_k_strategy, 'first_k');
  assert.equal(r.value.results.evaluation_mode, 'both');
  assert.equal(r.value.results['pid_pass@1'], 1);
  assert.equal(r.value.results['incremental_value_weighted_pid_recall@1'], 1);
  assert.deepEqual(r.value.samples.get('0')?.pidGenerations, [222, 0, 333, 0]);
});

test('the default k values are 1 4 8 16 32 64', () => {
  assert.deepEqual(Object.keys(score(F1).metrics).filter((k) => k.startsWith('pass@')), ['pass@1', 'pass@4', 'pass@8', 'pass@16', 'pass@32', 'pass@64']);
});

test('PID scoring without a mapping is an error value', () => {
  const r = scoreSample(F1, recConfig({ mode: 'both' }));
  assert.ok(!r.ok);
  assert.match(r.error, /SID→PID mapping.*evaluation_mode sid/);
});

test('recall de-duplicates candidates and reads fewer than k candidates whole', () => {
  assert.equal(recallAtK(['a', 'a', 'b'], new Set(['a', 'b', 'c', 'd']), 64), 0.5);
  assert.equal(recallAtK([], new Set(['a']), 1), 0);
});
