/**
 * The recommendation metrics of OneReason_Eval_Benchmark (data v3.1,
 * `RecommendationEvaluator`, spec §1.2–§1.8 and C0), per sample and per task,
 * keyed as the benchmark keys them in `test_generated.json` (per sample) and
 * `eval_results.json` (per task):
 *
 * - SID level (`sid`): `pass@k`, `position1_pass@k`, `recall@k`,
 *   `sid_1th_recall@k`, `accuracy_at_pos1..n`, and `sid_validity@k` when a
 *   mapping is loaded;
 * - PID level (`pid`): `pid_pass@k`, `pid_position1_pass@k`, `pid_recall@k`
 *   (max_pid), `pid_pass_random@k`, `pid_recall_random@k` (random), the
 *   unprefixed `{incremental_value,play_count,duration}_weighted_pid_recall@k`,
 *   and `pid_generations`.
 *
 * C0: the task value is the sum over the samples that were scored divided by
 * ALL samples; a sample with no generations or no ground truth adds nothing
 * but stays in the denominator (and, as in the benchmark, carries only the
 * failure keys: no weighted recalls, no validity without a mapping).
 *
 * Race mode (spec §1.1, eval §3.3): a race sample's 64 generations are the
 * think branch's 32 beams followed by the nothink branch's 32, each in beam
 * order, so every metric @k for k ≤ 32 reads thinking candidates only and @64
 * reads both; nothing here depends on it beyond candidate order. Pure.
 */
import { seededRandom } from '../engine/sampling';
import { answerPidField, groundTruthPids, metadataList, pidKey, weightValue, type Metadata, type PidKey } from './answer-pids';
import { isKnownSid, pidOf, type PidStrategy, type RandomSource, type SidMapping } from './mapping';
import { firstCode, groundTruthSids, predictedSid, selectGenerations, sidCodes, type Outcome, type SelectStrategy } from './sid';

/** The benchmark's k values. */
export const REC_K: readonly number[] = [1, 4, 8, 16, 32, 64];

/** The weight lists of the weighted PID recalls, in the benchmark's order. */
export const WEIGHT_FIELDS = ['incremental_value', 'play_count', 'duration'] as const;

/** Which levels are scored (`evaluation_mode`). */
export type EvaluationMode = 'sid' | 'pid' | 'both';

/** How a task is scored (`evaluation_config` and `generation_config.max_new_tokens`). */
export interface RecEvalConfig {
  readonly k: readonly number[];
  readonly select: SelectStrategy;
  readonly mode: EvaluationMode;
  /** Code positions of accuracy_at_pos (max_new_tokens: 3 in v3.1). */
  readonly sidTokens: number;
  /** The SID→PID mapping: needed for PID scoring, and turns on sid_validity. */
  readonly mapping?: SidMapping;
  /** `sid_to_pid_strategy` for the pid_* metrics (the random baseline always uses `random`). */
  readonly pidStrategy: PidStrategy;
  /** What the random baseline draws from (see mapping.ts: not Python's sequence). */
  readonly random: RandomSource;
}

/**
 * The v3.1 configuration (k 1…64, first_k, both levels, 3 codes, max_pid) with
 * overrides; the random baseline gets a fresh mulberry32 seeded 42, like
 * RUN_COMMANDS.md's seed, though its draws are not Python's.
 */
export function recConfig(overrides: Partial<RecEvalConfig> = {}): RecEvalConfig {
  return { k: REC_K, select: 'first_k', mode: 'both', sidTokens: 3, pidStrategy: 'max_pid', random: seededRandom(42), ...overrides };
}

/** One sample of `test_generated.json` (field names as there). */
export interface RecSample {
  readonly generations?: readonly string[];
  readonly logprobs?: readonly number[];
  readonly ground_truth?: string;
  readonly metadata?: Metadata;
}

/** A per-sample metric: booleans for the pass metrics, numbers otherwise. */
export type MetricValue = number | boolean;

/** What one sample scores. */
export interface SampleScores {
  /** The metrics the benchmark merges into the sample, in its key order. */
  readonly metrics: Readonly<Record<string, MetricValue>>;
  /** `pid_generations`: the PID of each selected generation (0 when unmapped); absent when PID scoring did not reach this sample. */
  readonly pidGenerations?: readonly number[];
  /** What the sample adds to the task sums of each level; empty for a level that scored it as failed. */
  readonly sums: { readonly sid: ReadonlyMap<string, number>; readonly pid: ReadonlyMap<string, number> };
}

/** The task-level record of `eval_results.json` (`test`), without the timing keys. */
export type TaskResults = Record<string, number | string>;

/** pass@k: whether any of the first k candidates is in the ground truth (false without candidates or ground truth). */
export function passAtK<T>(candidates: readonly T[], truth: ReadonlySet<T>, k: number): boolean {
  return candidates.length > 0 && truth.size > 0 && candidates.slice(0, k).some((c) => truth.has(c));
}

/** position1_pass@k: whether any of the first k candidates equals the first ground-truth id. */
export function position1PassAtK<T>(candidates: readonly T[], first: T | undefined, k: number): boolean {
  return first !== undefined && first !== '' && candidates.slice(0, k).some((c) => c === first);
}

/** recall@k: distinct ground-truth ids among the first k candidates over all ground-truth ids (0 without either). */
export function recallAtK<T>(candidates: readonly T[], truth: ReadonlySet<T>, k: number): number {
  if (candidates.length === 0 || truth.size === 0) return 0;
  let hits = 0;
  for (const c of new Set(candidates.slice(0, k))) if (truth.has(c)) hits++;
  return hits / truth.size;
}

/** sid_validity@k: the share of the first k selected generations whose SID tuple is a mapping key (denominator min(k, n)). */
export function sidValidityAtK(selected: readonly string[], mapping: SidMapping, k: number): number {
  const head = selected.slice(0, k);
  return head.length === 0 ? 0 : head.filter((g) => isKnownSid(g, mapping)).length / head.length;
}

/** accuracy_at_pos1..n: per position, whether both have a code there and the codes are equal (all false if either has none). */
export function accuracyAtPositions(firstGeneration: string, firstGroundTruth: string, n: number): boolean[] {
  const pred = sidCodes(firstGeneration);
  const gt = sidCodes(firstGroundTruth);
  const both = pred.length > 0 && gt.length > 0;
  return Array.from({ length: n }, (_, i) => both && i < pred.length && i < gt.length && pred[i] === gt[i]);
}

/**
 * A weighted PID recall@k (§1.8): over the (answer PID, weight) pairs, zero
 * and repeated PIDs dropped, the weight of the PIDs among the first k non-zero
 * candidates over all the weight; 0 when that total is 0.
 */
export function weightedPidRecallAtK(candidates: readonly number[], answerPids: readonly unknown[], weights: readonly unknown[], k: number): number {
  if (candidates.length === 0 || answerPids.length === 0 || weights.length === 0) return 0;
  const top = new Set<PidKey>(candidates.slice(0, k).filter((p) => p !== 0));
  const seen = new Set<PidKey>();
  let total = 0;
  let hit = 0;
  for (let i = 0; i < Math.min(answerPids.length, weights.length); i++) {
    if (answerPids[i] == null) continue;
    const pid = pidKey(answerPids[i]);
    if (pid === 0 || seen.has(pid)) continue;
    seen.add(pid);
    const w = weightValue(weights[i]);
    if (w === undefined) continue;
    total += w;
    if (top.has(pid)) hit += w;
  }
  return total === 0 ? 0 : hit / total;
}

/**
 * The three weighted PID recalls for every k. The all-three quirk: when the
 * answer PIDs or any one of the three weight lists is missing or empty, all
 * three are 0.
 */
export function weightedPidRecalls(pids: readonly number[], metadata: Metadata | undefined, ks: readonly number[]): Record<string, number> {
  const answer = metadataList(answerPidField(metadata));
  const weights = WEIGHT_FIELDS.map((f) => metadataList(metadata?.[f]));
  const all = answer.length > 0 && weights.every((w) => w.length > 0);
  const out: Record<string, number> = {};
  WEIGHT_FIELDS.forEach((field, i) => {
    for (const k of ks) out[`${field}_weighted_pid_recall@${k}`] = all ? weightedPidRecallAtK(pids, answer, weights[i], k) : 0;
  });
  return out;
}

interface LevelScores {
  readonly metrics: Record<string, MetricValue>;
  /** False for a failed sample: its metrics are the benchmark's failure defaults and add nothing to the sums. */
  readonly counted: boolean;
  readonly pidGenerations?: readonly number[];
}

/** The benchmark's per-sample defaults for a failed sample (`create_failed_metrics`), template by template. */
function failed(templates: readonly [string, MetricValue][], ks: readonly number[], tail: Record<string, MetricValue> = {}): LevelScores {
  const metrics: Record<string, MetricValue> = {};
  for (const [name, value] of templates) for (const k of ks) metrics[`${name}@${k}`] = value;
  return { metrics: { ...metrics, ...tail }, counted: false };
}

const accuracyKeys = (hits: readonly boolean[]): Record<string, boolean> => Object.fromEntries(hits.map((h, i) => [`accuracy_at_pos${i + 1}`, h]));

/** The SID-level metrics of one sample. */
function scoreSidLevel(sample: RecSample, config: RecEvalConfig): Outcome<LevelScores> {
  const generations = sample.generations ?? [];
  const gt = groundTruthSids(sample.ground_truth ?? '');
  if (generations.length === 0 || gt.set.size === 0) {
    const templates: [string, MetricValue][] = [['pass', false], ['position1_pass', false], ['recall', 0], ['sid_1th_recall', 0]];
    if (config.mapping) templates.push(['sid_validity', 0]);
    return { ok: true, value: failed(templates, config.k, accuracyKeys(Array<boolean>(config.sidTokens).fill(false))) };
  }
  const selected = selectGenerations(generations, sample.logprobs, config.select);
  if (!selected.ok) return selected;
  const predicted = selected.value.map(predictedSid);
  const m: Record<string, MetricValue> = {};
  for (const k of config.k) {
    m[`pass@${k}`] = passAtK(predicted, gt.set, k);
    m[`position1_pass@${k}`] = position1PassAtK(predicted, gt.first, k);
    m[`recall@${k}`] = recallAtK(predicted, gt.set, k);
  }
  const predictedFirst = predicted.map(firstCode);
  const truthFirst = new Set([...gt.set].map(firstCode).filter((c) => c !== ''));
  for (const k of config.k) m[`sid_1th_recall@${k}`] = recallAtK(predictedFirst, truthFirst, k);
  Object.assign(m, accuracyKeys(accuracyAtPositions(selected.value[0], gt.first, config.sidTokens)));
  const mapping = config.mapping;
  if (mapping) for (const k of config.k) m[`sid_validity@${k}`] = sidValidityAtK(selected.value, mapping, k);
  return { ok: true, value: { metrics: m, counted: true } };
}

/** The PID-level metrics of one sample (the mapping is required). */
function scorePidLevel(sample: RecSample, config: RecEvalConfig, mapping: SidMapping): Outcome<LevelScores> {
  const generations = sample.generations ?? [];
  const gt = groundTruthPids(sample.metadata);
  if (generations.length === 0 || gt.set.size === 0) {
    return { ok: true, value: failed([['pid_pass', false], ['pid_position1_pass', false], ['pid_recall', 0], ['pid_pass_random', false], ['pid_recall_random', 0]], config.k) };
  }
  const selected = selectGenerations(generations, sample.logprobs, config.select);
  if (!selected.ok) return selected;
  const pids = selected.value.map((g) => pidOf(g, mapping, config.pidStrategy, config.random));
  const m: Record<string, MetricValue> = {};
  for (const k of config.k) {
    m[`pid_pass@${k}`] = passAtK<PidKey>(pids, gt.set, k);
    m[`pid_position1_pass@${k}`] = position1PassAtK<PidKey>(pids, gt.first, k);
    m[`pid_recall@${k}`] = recallAtK<PidKey>(pids, gt.set, k);
  }
  const randomPids = selected.value.map((g) => pidOf(g, mapping, 'random', config.random));
  for (const k of config.k) {
    m[`pid_pass_random@${k}`] = passAtK<PidKey>(randomPids, gt.set, k);
    m[`pid_recall_random@${k}`] = recallAtK<PidKey>(randomPids, gt.set, k);
  }
  Object.assign(m, weightedPidRecalls(pids, sample.metadata, config.k));
  return { ok: true, value: { metrics: m, counted: true, pidGenerations: pids } };
}

const sumsOf = (level: LevelScores | undefined): ReadonlyMap<string, number> =>
  new Map(level?.counted ? Object.entries(level.metrics).map(([k, v]) => [k, Number(v)]) : []);

/** Score one sample; an error (top_k_by_logprobs without matching logprobs, PID mode without a mapping) is a value. */
export function scoreSample(sample: RecSample, config: RecEvalConfig): Outcome<SampleScores> {
  let sid: LevelScores | undefined;
  let pid: LevelScores | undefined;
  if (config.mode !== 'pid') {
    const r = scoreSidLevel(sample, config);
    if (!r.ok) return r;
    sid = r.value;
  }
  if (config.mode !== 'sid') {
    if (!config.mapping) {
      return { ok: false, error: `evaluation_mode ${config.mode} scores PIDs, which needs the task's SID→PID mapping (sid2pid_*.json): load it, or evaluate with evaluation_mode sid` };
    }
    const r = scorePidLevel(sample, config, config.mapping);
    if (!r.ok) return r;
    pid = r.value;
  }
  return {
    ok: true,
    value: {
      metrics: { ...sid?.metrics, ...pid?.metrics },
      ...(pid?.pidGenerations ? { pidGenerations: pid.pidGenerations } : {}),
      sums: { sid: sumsOf(sid), pid: sumsOf(pid) },
    },
  };
}

/** C0: every summed metric divided by the number of ALL samples, plus total_samples, select_k_strategy and evaluation_mode. */
export function aggregate(samples: readonly SampleScores[], config: Pick<RecEvalConfig, 'select' | 'mode'>): TaskResults {
  const n = samples.length;
  const out: TaskResults = { total_samples: n };
  for (const level of ['sid', 'pid'] as const) {
    const sums = new Map<string, number>();
    for (const s of samples) for (const [key, v] of s.sums[level]) sums.set(key, (sums.get(key) ?? 0) + v);
    for (const [key, total] of sums) out[key] = n > 0 ? total / n : 0;
  }
  out.select_k_strategy = config.select;
  out.evaluation_mode = config.mode;
  return out;
}

/** A whole task: every sample scored in order, then aggregated; the first error names its sample. */
export function evaluateTask(samples: Iterable<readonly [string, RecSample]>, config: RecEvalConfig): Outcome<{ results: TaskResults; samples: Map<string, SampleScores> }> {
  const scored = new Map<string, SampleScores>();
  for (const [id, sample] of samples) {
    const r = scoreSample(sample, config);
    if (!r.ok) return { ok: false, error: `sample ${id}: ${r.error}` };
    scored.set(id, r.value);
  }
  return { ok: true, value: { results: aggregate([...scored.values()], config), samples: scored } };
}
