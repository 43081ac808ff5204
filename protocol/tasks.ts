/**
 * OneReason-Bench's capability levels and the benchmark tasks that belong to
 * them (research/onereason-eval.md §2): R0 perception (item understanding,
 * caption tasks), R1 derivation (item-to-item; no v3.1 task), R2 evolution
 * (multi-hop interest evolution), R3 recommendation (next item per domain),
 * and `general` (common sense) outside them. A level is a property of a
 * task — a trace header field and a column of result files — never a layer
 * of a chain of thought.
 */

export const TASK_LEVELS = ['general', 'R0', 'R1', 'R2', 'R3'] as const;
export type TaskLevel = (typeof TASK_LEVELS)[number];

/** What each level tests, as the benchmark's dashboard and the paper's summaries name it. */
export const LEVEL_TITLES: Readonly<Record<TaskLevel, string>> = {
  general: 'general (common sense)',
  R0: 'R0 perception (item understanding)',
  R1: 'R1 derivation (item-to-item)',
  R2: 'R2 evolution (multi-hop interest evolution)',
  R3: 'R3 recommendation (next item)',
};

/** The level of a benchmark task, from its name (`challenge_recommendation_video_full` → R3); undefined when the name says nothing. */
export function taskLevel(task: string): TaskLevel | undefined {
  const t = task.toLowerCase();
  if (/recommend/.test(t)) return 'R3';
  if (/evolution/.test(t)) return 'R2';
  if (/derivation|i2i/.test(t)) return 'R1';
  if (/itemic_pattern|caption|grounding|perception/.test(t)) return 'R0';
  if (/common_sense|tongshi|general/.test(t)) return 'general';
  return undefined;
}

/** The OneReason domain a recommendation task scores (`…_video_full` → video, `…_product` → prod, `…_live` → living, `…_ad` → ad). */
export function taskDomain(task: string): 'video' | 'prod' | 'ad' | 'living' | undefined {
  const t = task.toLowerCase();
  if (!/recommend/.test(t)) return undefined;
  if (/video/.test(t)) return 'video';
  if (/product|prod\b|_prod/.test(t)) return 'prod';
  if (/live|living/.test(t)) return 'living';
  if (/_ad(\b|_|$)/.test(t)) return 'ad';
  return undefined;
}
