/**
 * What a live step shows of the distribution a token came from: the top
 * entries with the probability the decoder chose with and the model's own,
 * and the entropy of the model's distribution. Pure.
 */
import { logSumExp, samplingHead, topIndexes, type SamplingSettings } from '../sampling';
import type { TextTokenizer } from '../tokenizer';
import type { LiveDistribution } from './types';

/** Entropy (nats) of softmax(row). */
export function entropy(row: Float32Array): number {
  const lse = logSumExp(row);
  let h = 0;
  for (let i = 0; i < row.length; i++) {
    const lp = row[i] - lse;
    if (lp > -Infinity) h -= Math.exp(lp) * lp;
  }
  return h;
}

/** A thinking token's distribution: `raw` logits, `penalised` the same row after the sample's penalties, sampled with `settings`. */
export function thinkingDistribution(raw: Float32Array, penalised: Float32Array, settings: SamplingSettings, tokenizer: TextTokenizer, top: number): LiveDistribution {
  const lse = logSumExp(raw);
  const head = samplingHead(penalised, settings);
  const entries = head.order.slice(0, top).map((id, j) => ({ id, text: tokenizer.text(id), prob: head.weights[j] / head.total, raw: Math.exp(raw[id] - lse) }));
  // A head shorter than `top` (greedy, a tight top-p): fill with the model's next most likely tokens, which the sampler cannot pick.
  if (entries.length < top) {
    const taken = new Set(head.order);
    for (const id of topIndexes(raw, top + entries.length)) {
      if (entries.length >= top) break;
      if (!taken.has(id)) entries.push({ id, text: tokenizer.text(id), prob: 0, raw: Math.exp(raw[id] - lse) });
    }
  }
  return { top: entries, entropy: entropy(raw), support: head.order.length };
}

/** A code level's distribution from a beam's `row`: over the trie's `allowed` tokens (constrained), else the model's own. */
export function codeDistribution(row: Float32Array, allowed: Int32Array | undefined, tokenizer: TextTokenizer, top: number): LiveDistribution {
  const lse = logSumExp(row);
  const raw = (id: number): number => Math.exp(row[id] - lse);
  if (!allowed) {
    return { top: topIndexes(row, top).map((id) => ({ id, text: tokenizer.text(id), prob: raw(id), raw: raw(id) })), entropy: entropy(row), support: row.length };
  }
  const mass = allowed.reduce((a, id) => a + raw(id), 0);
  const order = [...allowed].sort((a, b) => row[b] - row[a] || a - b).slice(0, top);
  return { top: order.map((id) => ({ id, text: tokenizer.text(id), prob: mass > 0 ? raw(id) / mass : 0, raw: raw(id) })), entropy: entropy(row), support: allowed.length };
}
