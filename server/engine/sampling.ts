/**
 * Token choice from a row of logits: log-softmax, top-k alternatives, and
 * sampling from a seeded generator as vLLM applies it: presence and
 * frequency penalties over the tokens the sample generated so far, then
 * temperature, top-k and top-p. Pure.
 */

/** A seeded generator of numbers in [0, 1) that can be forked: the fork continues from the same point without moving the original. */
export interface Random {
  (): number;
  fork(): Random;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Random;
  // The whole state is `a`: a generator seeded with it continues the sequence.
  next.fork = () => seededRandom(a);
  return next;
}

/** log Σ exp(row): a token's log-probability is `row[t] - logSumExp(row)`. */
export function logSumExp(row: Float32Array): number {
  const V = row.length;
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < V; i++) sum += Math.exp(row[i] - max);
  return max + Math.log(sum);
}

/** Indexes of the `k` largest values, largest first (ties: lower index first). */
export function topIndexes(values: Float32Array, k: number): number[] {
  const n = values.length;
  k = Math.min(k, n);
  if (k <= 0) return [];
  // A small sorted buffer beats sorting V values for the small k used here.
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (idx.length === k && v <= values[idx[k - 1]]) continue;
    let j = idx.length < k ? idx.length : k - 1;
    if (idx.length < k) idx.push(i);
    while (j > 0 && values[idx[j - 1]] < v) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
  return idx;
}

export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
}

export interface Penalties {
  presencePenalty: number;
  frequencyPenalty: number;
}

/**
 * vLLM's presence and frequency penalties: `row[t] - presence·[count[t] > 0]
 * - frequency·count[t]`, `count` being how often the sample generated `t`
 * so far (the prompt does not count). Returns `row` itself when nothing is
 * penalised, else a penalised copy.
 */
export function applyPenalties(row: Float32Array, counts: ReadonlyMap<number, number>, p: Penalties): Float32Array {
  if ((p.presencePenalty === 0 && p.frequencyPenalty === 0) || counts.size === 0) return row;
  const out = Float32Array.from(row);
  for (const [t, n] of counts) if (n > 0) out[t] -= p.presencePenalty + p.frequencyPenalty * n;
  return out;
}

/**
 * The tokens sampling can pick from a row and their unnormalised weights,
 * most probable first: the arg-max alone at temperature 0, else the
 * temperature-scaled head left by top-k and top-p. `total` is the sum of
 * `weights`.
 */
export function samplingHead(logp: Float32Array, s: SamplingSettings): { order: number[]; weights: number[]; total: number } {
  if (s.temperature <= 0) return { order: topIndexes(logp, 1), weights: [1], total: 1 };
  const V = logp.length;
  const k = s.topK > 0 ? Math.min(s.topK, V) : V;
  const order = k < V ? topIndexes(logp, k) : Array.from({ length: V }, (_, i) => i).sort((a, b) => logp[b] - logp[a] || a - b);
  const weights = order.map((i) => Math.exp((logp[i] - logp[order[0]]) / s.temperature));
  let total = weights.reduce((a, b) => a + b, 0);
  if (s.topP > 0 && s.topP < 1) {
    // Keep the smallest head whose mass reaches top_p (at least one token).
    let mass = 0;
    let keep = 0;
    while (keep < order.length && (keep === 0 || mass / total < s.topP)) mass += weights[keep++];
    order.length = keep;
    weights.length = keep;
    total = mass;
  }
  return { order, weights, total };
}

/** Pick a token from a row of logits (or log-probabilities): greedy at temperature 0, else sampled after the temperature, top-k and top-p cut-offs. */
export function chooseToken(logp: Float32Array, s: SamplingSettings, random: () => number): number {
  if (s.temperature <= 0) return topIndexes(logp, 1)[0];
  const { order, weights, total } = samplingHead(logp, s);
  let r = random() * total;
  for (let j = 0; j < order.length; j++) {
    r -= weights[j];
    if (r < 0) return order[j];
  }
  return order[order.length - 1];
}

/**
 * One thinking sample's sampling state: its generator (sample `index` of a
 * run seeded `seed`) and how often it generated each token (for the
 * penalties).
 */
export class SampleState {
  readonly counts = new Map<number, number>();

  constructor(
    private readonly settings: SamplingSettings & Penalties,
    readonly random: Random,
  ) {}

  /** The state of sample `index` of a run seeded `seed`. */
  static of(settings: SamplingSettings & Penalties, seed: number, index: number): SampleState {
    return new SampleState(settings, seededRandom(seed + 0x9e3779b9 * index));
  }

  /** `row` with the penalties of this sample's tokens so far. */
  penalised(row: Float32Array): Float32Array {
    return applyPenalties(row, this.counts, this.settings);
  }

  /** Choose the next token from `row` and count it. */
  choose(row: Float32Array): number {
    const id = chooseToken(this.penalised(row), this.settings, this.random);
    this.count(id);
    return id;
  }

  /** Count a token the sample generated (or was given). */
  count(id: number): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  /** A copy that continues independently (a look-ahead). */
  fork(): SampleState {
    const copy = new SampleState(this.settings, this.random.fork());
    for (const [t, n] of this.counts) copy.counts.set(t, n);
    return copy;
  }
}
