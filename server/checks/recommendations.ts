/**
 * Recommendation consistency (docs/checks.md, "Recommendations"): a
 * recommended item should lie in a cluster the recommendation steps name,
 * and should not be an item the user already has.
 *
 * Decisions:
 * - The clusters named are the codes and prefixes of the recommendation
 *   stage's steps; when those name none (a chain cut off before its
 *   recommendation layer), the codes of the steps the recommendations cite.
 *   When no step names any, nothing is "outside".
 * - Candidates of the non-thinking branch (race mode) never read the chain
 *   of thought: they are checked for being seen only.
 * - Seen: the code of a history item of the trace (works on any dump), or
 *   a candidate the engine marked `seen` in an `.rtrace` (it knows the
 *   user's whole history, of which the prompt holds the latest items);
 *   `reclens.inference.filterSeen` drops such candidates at inference.
 */
import { codeKey, formatCode } from '../items/grammar';
import type { Recommendation } from '../trace/model';
import { under, type NamedCode } from '../trace/steps';
import { itemCode, itemEvidence, itemName, type CheckContext } from './context';
import type { Claim, ReasoningReport } from './types';

export type RecommendationSummary = ReasoningReport['recommendations'];

/** The recommendation claims and the report's summary. */
export function checkRecommendations(ctx: CheckContext): { claims: Claim[]; summary: RecommendationSummary } {
  const recs = ctx.trace.recommendations ?? [];
  const summary: RecommendationSummary = { total: recs.length, outsideNamedClusters: 0, seen: 0 };
  const claims: Claim[] = [];
  const seenBy = new Map<string, string>();
  for (const h of ctx.history) if (h.code && !seenBy.has(codeKey(h.code.levels, h.code.domain))) seenBy.set(codeKey(h.code.levels, h.code.domain), h.id);
  const named = namedClusters(ctx);
  const namedLabel = named.map((c) => formatCode(ctx.grammar, c.levels, { domain: c.domain })).join(', ');

  for (const r of recs) {
    const code = itemCode(ctx, r.codeIndexes);
    if (!code) continue;
    const item = ctx.lookup.exact(code.levels, code.domain)[0];
    const what = `recommendation ${r.rank}${item ? ` ${itemName(item, 50)}` : ''}`;
    const evidence = item ? [itemEvidence(item)] : [];
    const inPrompt = code.levels.length === ctx.grammar.levelCount ? seenBy.get(codeKey(code.levels, code.domain)) : undefined;
    if (inPrompt || markedSeen(ctx, r)) {
      summary.seen++;
      const where = inPrompt ? `in the history (${inPrompt})` : "in the user's history (marked seen)";
      claims.push({ check: 'recommendation', span: { ...r.itemSpan }, verdict: 'contradicts', message: `${what} is already ${where}`, evidence });
    }
    if (named.length > 0 && r.branch !== 'non-thinking' && !named.some((c) => under(code, c))) {
      summary.outsideNamedClusters++;
      claims.push({
        check: 'recommendation',
        span: { ...r.itemSpan },
        verdict: 'contradicts',
        message: `${what} lies outside every cluster the recommendation steps name (${namedLabel})`,
        evidence,
      });
    }
  }
  return { claims, summary };
}

/** Whether an `.rtrace` recommendation line carries the engine's `seen` flag. */
function markedSeen(ctx: CheckContext, r: Recommendation): boolean {
  if (ctx.analysis.kind !== 'rtrace') return false;
  const attributes = ctx.doc.slice(r.itemSpan.end, r.span.end).split('<-')[0];
  return /(?:^|\s)seen(?=\s|$)/u.test(attributes);
}

/** The codes and prefixes of the recommendation steps, else of the steps the recommendations cite. */
function namedClusters(ctx: CheckContext): NamedCode[] {
  const strip = (c: NamedCode): NamedCode => (c.domain ? { levels: c.levels, domain: c.domain } : { levels: c.levels });
  const own = ctx.steps.filter((rs) => rs.step.stage === 'recommendation').flatMap((rs) => rs.codes.map(strip));
  if (own.length > 0) return own;
  const cited = new Set((ctx.trace.recommendations ?? []).flatMap((r) => r.evidence.map((e) => e.target)));
  return ctx.steps.filter((rs) => cited.has(rs.step.id)).flatMap((rs) => rs.codes.map(strip));
}
