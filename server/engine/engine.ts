/**
 * The decoding engine behind one interface — thinking generation, code beam
 * search, teacher-forced scoring — so that a remote backend (a vLLM
 * OpenAI-compatible server for models that outgrow one GPU) can stand in
 * for the local ONNX one without touching callers. Contexts cross the
 * interface as token ids; the local engine keeps the KV caches of recent
 * contexts and reuses the longest cached prefix.
 */
import type { CodeVocabulary } from './codes';
import { BeamSearch } from './beam-search';
import { logSumExp, SampleState, topIndexes, type Penalties, type SamplingSettings } from './sampling';
import type { KvCache, OnnxDecoder } from './session';
import type { TextTokenizer } from './tokenizer';
import type { TokenRecord } from '../../protocol/inference';

/** Sampling (temperature, top-k, top-p) and vLLM's penalties over the tokens each sample generated so far. */
export interface ThinkingRequest extends SamplingSettings, Penalties {
  /** The context the thinking continues (prompt + thinking opening). */
  context: number[];
  samples: number;
  seed: number;
  maxTokens: number;
  /** Token ids that end the thinking (`</think>`) and the generation (EOS). */
  stopAt: number;
  eos: readonly number[];
  alternatives: number;
  signal?: AbortSignal;
  /** Called as tokens arrive (every step), with the tokens of each sample so far. */
  onStep?: (tokens: readonly (readonly number[])[], done: readonly boolean[]) => void;
}

export interface GeneratedThinking {
  tokens: TokenRecord[];
  stop: 'think-end' | 'eos' | 'max-tokens';
}

export interface BeamRequest {
  /** The context the code follows (ending with the begin token). */
  context: number[];
  codes: CodeVocabulary;
  width: number;
  numReturn: number;
  constrained: boolean;
  signal?: AbortSignal;
  onLevel?: (level: number) => void;
}

export interface Beam {
  tokens: number[];
  /** Decoded levels; shorter than the grammar's when a token was not a level token in order. */
  levels: number[];
  logprob: number;
  stepLogprobs: number[];
  valid: boolean;
}

export interface Engine {
  readonly provider: string;
  readonly providerNote?: string;
  readonly loadMs: number;
  /** Milliseconds spent in the model itself (for the loop-overhead figure). */
  readonly runMs: number;
  generateThinking(req: ThinkingRequest): Promise<GeneratedThinking[]>;
  beamSearchCodes(req: BeamRequest): Promise<Beam[]>;
  /** Teacher-forced log-probability of each continuation after `context`. */
  score(context: number[], continuations: number[][], signal?: AbortSignal): Promise<{ total: number; steps: number[] }[]>;
  dispose(): Promise<void>;
}

export class CancelledError extends Error {
  constructor() {
    super('inference cancelled');
  }
}

/** Throw `CancelledError` when `signal` was aborted. */
export const throwIfCancelled = (signal?: AbortSignal): void => {
  if (signal?.aborted) throw new CancelledError();
};

const startsWith = (ids: readonly number[], prefix: readonly number[]): boolean => prefix.length <= ids.length && prefix.every((x, i) => ids[i] === x);

/** The local engine: an ONNX decoder in onnxruntime-node. */
export class OnnxEngine implements Engine {
  /** Recently computed contexts (batch 1) and their caches, newest last. */
  private prefixes: { ids: number[]; cache: KvCache; logits: Float32Array }[] = [];

  constructor(
    readonly decoder: OnnxDecoder,
    readonly tokenizer: TextTokenizer,
    private readonly maxPrefixes = 8,
  ) {}

  get provider(): string {
    return this.decoder.provider;
  }
  get providerNote(): string | undefined {
    return this.decoder.providerNote;
  }
  get loadMs(): number {
    return this.decoder.loadMs;
  }
  get runMs(): number {
    return this.decoder.runMs;
  }

  /** Keep the cache of `ids` for later contexts that extend it; empty `logits` when only extensions may use it. */
  remember(ids: number[], cache: KvCache, logits: Float32Array): void {
    this.prefixes = this.prefixes.filter((p) => p.ids.length !== ids.length || !startsWith(p.ids, ids));
    this.prefixes.push({ ids, cache, logits });
    if (this.prefixes.length > this.maxPrefixes) this.prefixes.shift();
  }

  /** The cache and last-position logits of `ids` (batch 1), computing only what no cached prefix covers. */
  async prefill(ids: number[], signal?: AbortSignal): Promise<{ cache: KvCache; logits: Float32Array }> {
    if (ids.length === 0) throw new Error('empty context');
    let best: (typeof this.prefixes)[number] | undefined;
    for (const p of this.prefixes) {
      // A remembered context without logits (a thinking sample's) can extend, not end, a context.
      const usable = p.logits.length > 0 || p.ids.length < ids.length;
      if (usable && startsWith(ids, p.ids) && (!best || p.ids.length > best.ids.length)) best = p;
    }
    if (best && best.ids.length === ids.length) return best;
    throwIfCancelled(signal);
    const rest = ids.slice(best?.ids.length ?? 0);
    const { logits, cache } = await this.decoder.forward([rest], best?.cache ?? this.decoder.emptyCache(1));
    this.remember(ids, cache, logits);
    return { cache, logits };
  }

  async generateThinking(req: ThinkingRequest): Promise<GeneratedThinking[]> {
    const V = this.decoder.vocabSize;
    const n = req.samples;
    const start = await this.prefill(req.context, req.signal);
    let cache = n === 1 ? start.cache : this.decoder.select(start.cache, Array(n).fill(0));
    let logits = start.logits;
    const states = Array.from({ length: n }, (_, b) => SampleState.of(req, req.seed, b));
    const out: GeneratedThinking[] = Array.from({ length: n }, () => ({ tokens: [], stop: 'max-tokens' as const }));
    const ids: number[][] = Array.from({ length: n }, () => []);
    const done = Array<boolean>(n).fill(false);
    const stopLength = Array<number>(n).fill(0);
    for (let step = 0; step < req.maxTokens && done.includes(false); step++) {
      throwIfCancelled(req.signal);
      const next: number[] = [];
      for (let b = 0; b < n; b++) {
        if (done[b]) {
          next.push(ids[b][ids[b].length - 1] ?? req.stopAt);
          continue;
        }
        // The prompt's logits serve every sample's first token.
        const row = logits.length === V ? logits : logits.subarray(b * V, (b + 1) * V);
        const id = states[b].choose(row);
        if (id === req.stopAt || req.eos.includes(id)) {
          done[b] = true;
          out[b].stop = id === req.stopAt ? 'think-end' : 'eos';
          stopLength[b] = cache.length;
          next.push(id);
          continue;
        }
        out[b].tokens.push(tokenRecord(this.tokenizer, row, id, req.alternatives));
        ids[b].push(id);
        next.push(id);
      }
      req.onStep?.(ids, done);
      if (!done.includes(false) || step + 1 === req.maxTokens) break;
      ({ logits, cache } = await this.decoder.forward(next.map((x) => [x]), cache));
    }
    // Keep each sample's context (prompt + its tokens) for the code stage: a row of the batch, cut where that sample stopped.
    for (let b = 0; b < n; b++) {
      const length = done[b] ? stopLength[b] : req.context.length + ids[b].length;
      if (length > cache.length) continue; // the last token of a sample cut at maxTokens was never fed: the code stage computes it
      const row = n === 1 && cache.length === length ? cache : this.decoder.truncate(cache, b, length);
      if (length === req.context.length + ids[b].length) this.remember([...req.context, ...ids[b]], row, new Float32Array(0));
    }
    return out;
  }

  async beamSearchCodes(req: BeamRequest): Promise<Beam[]> {
    const search = await BeamSearch.start(this, req);
    while (!search.done) {
      throwIfCancelled(req.signal);
      req.onLevel?.(search.level);
      await search.step();
    }
    return search.result();
  }

  async score(context: number[], continuations: number[][], signal?: AbortSignal): Promise<{ total: number; steps: number[] }[]> {
    const V = this.decoder.vocabSize;
    const start = await this.prefill(context, signal);
    const results: { total: number; steps: number[] }[] = [];
    // Group continuations by length: one batched forward per group, over the shared context cache.
    const byLength = new Map<number, number[]>();
    continuations.forEach((c, i) => byLength.set(c.length, [...(byLength.get(c.length) ?? []), i]));
    for (const [len, members] of byLength) {
      throwIfCancelled(signal);
      if (len === 0) {
        for (const i of members) results[i] = { total: 0, steps: [] };
        continue;
      }
      const cache = this.decoder.select(start.cache, members.map(() => 0));
      // Feed all but the last token; the first token is scored by the context's own logits.
      const fed = members.map((i) => continuations[i].slice(0, len - 1));
      const all = len > 1 ? (await this.decoder.forward(fed, cache, true)).logits : new Float32Array(0);
      members.forEach((i, b) => {
        const steps: number[] = [];
        for (let t = 0; t < len; t++) {
          const row = t === 0 ? start.logits : all.subarray((b * (len - 1) + t - 1) * V, (b * (len - 1) + t) * V);
          steps.push(row[continuations[i][t]] - logSumExp(row));
        }
        results[i] = { total: steps.reduce((a, x) => a + x, 0), steps };
      });
    }
    return results;
  }

  async dispose(): Promise<void> {
    this.prefixes = [];
    await this.decoder.release();
  }
}

/** The record of token `id` chosen from `row` (raw logits): its log-probability under the unmodified distribution and the top `alternatives`. */
export function tokenRecord(tokenizer: TextTokenizer, row: Float32Array, id: number, alternatives: number): TokenRecord {
  const lse = logSumExp(row);
  const top = alternatives > 0 ? topIndexes(row, alternatives) : [];
  return {
    id,
    text: tokenizer.text(id),
    logprob: row[id] - lse,
    top: top.map((t) => ({ id: t, text: tokenizer.text(t), prob: Math.exp(row[t] - lse) })),
  };
}
