/**
 * The one entry to the reasoning checks (docs/checks.md): what one trace's
 * chain of thought claims, checked against the item table and the trace's
 * own history. A pure function of the analysis, the document text, the item
 * pool and the settings; the language server, `reclens check --reasoning`,
 * the graph and the bench all call it.
 */
import { defaultSettings, type ChecksSettings } from '../../protocol/settings';
import type { ItemLookup } from '../items/lookup';
import type { Analysis, TraceUnit } from '../trace/model';
import { checkContext } from './context';
import { checkCoverage, type CoverageSummary } from './coverage';
import { checkEvidence } from './evidence';
import { checkPerception } from './perception';
import { checkQuantities } from './quantity';
import { checkRecommendations, type RecommendationSummary } from './recommendations';
import { ngramSimilarity, type Similarity } from './similarity';
import type { CheckName, Claim, ReasoningReport, VerdictCounts } from './types';

/** Check one trace of an analysed document whose text is `text`; checks switched off in `settings` yield no claims and empty summaries. */
export function checkReasoning(
  analysis: Analysis,
  text: string,
  trace: TraceUnit,
  lookup: ItemLookup,
  settings: ChecksSettings = defaultSettings.checks,
  similarity: Similarity = ngramSimilarity,
): ReasoningReport {
  const on = (name: CheckName): boolean => settings.enabled && settings[name];
  const ctx = checkContext(analysis, text, trace, lookup, settings, similarity);
  const claims: Claim[] = [];
  if (on('perception')) claims.push(...checkPerception(ctx));
  if (on('quantity')) claims.push(...checkQuantities(ctx));
  if (on('evidence')) claims.push(...checkEvidence(ctx));
  let coverage: CoverageSummary = { historyClusters: 0, mentioned: 0, unmentioned: [], groundTruthReached: null, unreached: [] };
  if (on('coverage')) {
    const found = checkCoverage(ctx);
    coverage = found.summary;
    claims.push(...found.claims);
  }
  let recommendations: RecommendationSummary = { total: trace.recommendations?.length ?? 0, outsideNamedClusters: 0, seen: 0 };
  if (on('recommendation')) {
    const found = checkRecommendations(ctx);
    recommendations = found.summary;
    claims.push(...found.claims);
  }
  claims.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { traceId: trace.id, claims, perception: counts(claims, 'perception'), quantity: counts(claims, 'quantity'), coverage, recommendations };
}

/** The claims of one check, by verdict. */
export function counts(claims: readonly Claim[], check: CheckName): VerdictCounts {
  const out: VerdictCounts = { checked: 0, consistent: 0, partly: 0, contradicts: 0 };
  for (const c of claims) {
    if (c.check !== check) continue;
    out.checked++;
    out[c.verdict]++;
  }
  return out;
}
