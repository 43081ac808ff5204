/**
 * The shared fixtures of the OneReason metric spec (research/onereason-metrics.md
 * §1): SIDs A, B, X, C, samples F1 and F2, and mapping M. Written out by hand from
 * the document, not computed by server/eval.
 */
import assert from 'node:assert/strict';

export const A = '<s_a_1><s_b_2><s_c_3>';
export const B = '<s_a_4><s_b_5><s_c_6>';
export const X = '<s_a_9><s_b_9><s_c_9>';
export const C = '<s_a_7><s_b_7><s_c_7>';

/** A SID behind a video begin token, as a generation writes it. */
export const video = (sid: string): string => `<|video_begin|>${sid}`;
/** A SID behind a product begin token. */
export const prod = (sid: string): string => `<|prod_begin|>${sid}`;

/** F1: GT {A, B} (first A); predictions X, B, A, B. */
export const F1 = {
  ground_truth: `<|video_begin|>${A}<|video_end|><|video_begin|>${B}<|video_end|>`,
  generations: [video(X), video(B), video(A), video(B)],
};

/** F2: GT {C}; the SID in the CoT is ignored, "" and "hello" are candidates. */
export const F2 = {
  ground_truth: `<|prod_begin|>${C}<|prod_end|>`,
  generations: [`<think>\n用户买过 <|prod_begin|>${C}<|prod_end|>\n</think>\n<|prod_begin|><s_a_1><s_b_1><s_c_1>`, '', 'hello', prod(C)],
};

/** Mapping M: A (key 67125251) → pids 111, 222; B (key 268476422) → 333. */
export const MAPPING_M = JSON.stringify({
  '67125251': [
    { pid: 111, count: 5, count_after_downsample: 3 },
    { pid: 222, count: 2, count_after_downsample: 2 },
  ],
  '268476422': [{ pid: 333, count: 1, count_after_downsample: 1 }],
});

/** Fixture M's generations: A, X, B and unparsable text. */
export const M_GENERATIONS = [video(A), video(X), video(B), 'garbage'];

/** Assert a value equals a number the document prints rounded to `digits` decimals. */
export function assertRounded(actual: unknown, documented: number, digits = 4): void {
  assert.equal(typeof actual, 'number');
  assert.ok(Math.abs((actual as number) - documented) <= 0.5 * 10 ** -digits, `${String(actual)} is not ${documented} to ${digits} decimals`);
}
