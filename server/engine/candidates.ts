/**
 * From the beams of an inference's searches to its list of candidates, in
 * one of two orders (`reclens.inference.candidateOrder`):
 * - `benchmark`, OneReason's: searches in run order (thinking samples in
 *   order, then the non-thinking branch), each search's beams best first,
 *   no de-duplication — the benchmark scores the raw candidates. In race
 *   mode each branch contributes its first `half`, thinking first, so
 *   pass@k for k ≤ half sees only the thinking branch.
 * - `score`: one entry per code (its best beam), all searches merged and
 *   ordered by log-probability.
 * Each candidate says whether it hits a target and whether the user has
 * seen it; `filterSeen` drops the seen ones. Pure.
 */
import type { Branch, Candidate, DecodeSettings } from '../../protocol/inference';
import { codeKey } from '../items/grammar';
import type { CodeVocabulary } from './codes';
import type { Beam } from './engine';
import type { TextTokenizer } from './tokenizer';

/** The beams one search returned, best first. */
export interface Search {
  branch: Branch;
  sample?: number;
  beams: Beam[];
}

export interface CandidateContext {
  codes: CodeVocabulary;
  tokenizer: TextTokenizer;
  decoding: Pick<DecodeSettings, 'candidateOrder' | 'numReturn' | 'filterSeen'>;
  /** Race mode: candidates kept from each branch. */
  half?: number;
  /** Code keys (`codeKey(levels, domain)`) of the user's targets and history. */
  targets: ReadonlySet<string>;
  seen: ReadonlySet<string>;
}

/** The candidates of `searches`, in the order the settings ask for. */
export function listCandidates(searches: readonly Search[], ctx: CandidateContext): Candidate[] {
  const all = searches.flatMap((s) => s.beams.map((beam, i) => candidate(beam, s, i + 1, ctx)));
  const listed = ctx.decoding.candidateOrder === 'score' ? byScore(all, searches.length, ctx.decoding.numReturn) : inRunOrder(all, ctx.half);
  return ctx.decoding.filterSeen ? listed.filter((c) => !c.seen) : listed;
}

function candidate(beam: Beam, search: Search, rank: number, ctx: CandidateContext): Candidate {
  const { codes } = ctx;
  const complete = beam.levels.length === codes.levels;
  const key = complete ? codeKey(beam.levels, codes.domain) : undefined;
  const c: Candidate = {
    code: complete ? codes.format(beam.levels) : ctx.tokenizer.decode(beam.tokens),
    levels: beam.levels,
    logprob: beam.logprob,
    stepLogprobs: beam.stepLogprobs,
    valid: beam.valid,
    branch: search.branch,
    sample: search.sample,
    beam: rank,
    items: beam.valid ? codes.items(beam.levels) : [],
    seen: key !== undefined && ctx.seen.has(key),
  };
  if (ctx.targets.size > 0) c.hit = key !== undefined && ctx.targets.has(key);
  return c;
}

/** Run order; with `half`, the first `half` of each branch. */
function inRunOrder(all: Candidate[], half: number | undefined): Candidate[] {
  if (half === undefined) return all;
  return (['thinking', 'non-thinking'] as const).flatMap((branch) => all.filter((c) => c.branch === branch).slice(0, half));
}

/** One entry per code, best log-probability first; a single search keeps its own top `numReturn`. */
function byScore(all: Candidate[], searches: number, numReturn: number): Candidate[] {
  const byCode = new Map<string, Candidate>();
  for (const c of all) {
    const previous = byCode.get(c.code);
    if (!previous || previous.logprob < c.logprob) byCode.set(c.code, c);
  }
  const merged = [...byCode.values()].sort((a, b) => b.logprob - a.logprob || a.code.localeCompare(b.code));
  return searches > 1 ? merged : merged.slice(0, numReturn);
}
