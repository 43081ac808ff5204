/**
 * Beam search over the code tokens, one level at a time, so that a caller
 * can stop between levels (the live debugger) or run it through
 * (`Engine.beamSearchCodes`). Constrained: each beam extends only with the
 * children of its prefix in the code trie; unconstrained: with its top
 * `width` tokens, marked invalid once a token is not the next level's.
 */
import type { Beam, BeamRequest, OnnxEngine } from './engine';
import type { KvCache } from './session';
import { logSumExp, topIndexes } from './sampling';

/** One extension of a beam the last level kept. */
export interface Kept {
  /** The beam (of the level before) it extends. */
  parent: number;
  token: number;
  /** The level value the token spells, when it is the right level's token of a valid beam. */
  value: number | undefined;
  score: number;
  /** The token's log-probability. */
  step: number;
}

export class BeamSearch {
  /** Levels expanded so far. */
  level = 0;
  beams: Beam[] = [{ tokens: [], levels: [], logprob: 0, stepLogprobs: [], valid: true }];

  private constructor(
    private readonly engine: OnnxEngine,
    private readonly req: BeamRequest,
    private cache: KvCache,
    /** Next-token logits of each beam (`[beams, V]`). */
    private logits: Float32Array,
  ) {}

  /** Prefill the context (reusing the longest cached prefix) and stand before the first level. */
  static async start(engine: OnnxEngine, req: BeamRequest): Promise<BeamSearch> {
    const start = await engine.prefill(req.context, req.signal);
    return new BeamSearch(engine, req, start.cache, start.logits);
  }

  get done(): boolean {
    return this.level >= this.req.codes.levels || this.beams.length === 0;
  }

  /** The next-token logits of beam `r`. */
  row(r: number): Float32Array {
    const V = this.engine.decoder.vocabSize;
    return this.logits.subarray(r * V, (r + 1) * V);
  }

  /** Expand every beam by one level, keep the best `width`, and compute their next logits (unless this was the last level). */
  async step(): Promise<Kept[]> {
    const { codes, constrained } = this.req;
    const width = Math.max(1, this.req.width);
    const k = this.level;
    const next: Kept[] = [];
    this.beams.forEach((beam, r) => {
      const row = this.row(r);
      const lse = logSumExp(row);
      if (constrained) {
        if (!beam.valid) return;
        const allowed = codes.allowed(beam.levels);
        for (let j = 0; j < allowed.tokens.length; j++) {
          const t = allowed.tokens[j];
          const step = row[t] - lse;
          next.push({ parent: r, token: t, value: allowed.values[j], score: beam.logprob + step, step });
        }
      } else {
        for (const t of topIndexes(row, width)) {
          const hit = codes.identify(t);
          const value = beam.valid && hit && hit.level === k ? hit.value : undefined;
          const step = row[t] - lse;
          next.push({ parent: r, token: t, value, score: beam.logprob + step, step });
        }
      }
    });
    next.sort((a, b) => b.score - a.score || a.parent - b.parent || a.token - b.token);
    const kept = next.slice(0, width);
    const parents = this.beams;
    this.beams = kept.map((c) => {
      const parent = parents[c.parent];
      const valid = parent.valid && c.value !== undefined;
      return {
        tokens: [...parent.tokens, c.token],
        levels: valid ? [...parent.levels, c.value!] : parent.levels,
        logprob: c.score,
        stepLogprobs: [...parent.stepLogprobs, c.step],
        valid,
      };
    });
    this.level++;
    if (this.beams.length > 0 && this.level < codes.levels) {
      const { decoder } = this.engine;
      const rows = kept.map((c) => c.parent);
      const parentCache = rows.every((r, i) => r === i) && rows.length === this.cache.batch ? this.cache : decoder.select(this.cache, rows);
      ({ logits: this.logits, cache: this.cache } = await decoder.forward(kept.map((c) => [c.token]), parentCache));
    }
    return kept;
  }

  /** The returned beams, best first, each checked against the pool. */
  result(): Beam[] {
    for (const b of this.beams) b.valid = b.valid && this.req.codes.valid(b.levels);
    return this.beams.slice(0, Math.max(1, this.req.numReturn));
  }
}
