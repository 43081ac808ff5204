/**
 * Coverage (docs/checks.md, "Coverage"): which clusters of the history the
 * chain of thought mentions, and whether it reaches the ground truth's
 * cluster.
 *
 * A step mentions a cluster when it names a code in it or a prefix above it
 * (a coarser prefix covers its clusters), names a history id of the cluster
 * (in its text or its evidence), or writes the cluster's finest category
 * (`Navigation`, `人像`) — so a chain of thought without codes still counts.
 * A trace without reasoning steps (non-thinking) is not checked.
 */
import { codeKey, formatCode } from '../items/grammar';
import type { ItemRecord } from '../items/lookup';
import { under, type NamedCode } from '../trace/steps';
import { categoryParts } from './categories';
import { clipText, HISTORY_ID, itemCode, itemEvidence, itemName, type CheckContext, type HistoryEntry, type ReasoningStep } from './context';
import type { Claim, ReasoningReport } from './types';

export type CoverageSummary = ReasoningReport['coverage'];

interface Cluster {
  key: string;
  prefix: NamedCode;
  entries: HistoryEntry[];
  /** The finest category of the cluster's items (the most common one). */
  category?: string;
  items: ItemRecord[];
}

/** The coverage claims (unmentioned clusters, an unreached ground truth) and the report's summary. */
export function checkCoverage(ctx: CheckContext): { claims: Claim[]; summary: CoverageSummary } {
  const clusters = new Map<string, Cluster>();
  for (const h of ctx.history) {
    if (!h.code || !h.cluster) continue;
    const c = clusters.get(h.cluster) ?? { key: h.cluster, prefix: prefixOf(ctx, h.code), entries: [], items: [] };
    c.entries.push(h);
    if (h.items[0]) c.items.push(h.items[0]);
    clusters.set(h.cluster, c);
  }
  for (const c of clusters.values()) c.category = finestCategory(c.items);
  const summary: CoverageSummary = { historyClusters: clusters.size, mentioned: 0, unmentioned: [], groundTruthReached: null, unreached: [] };
  if (ctx.steps.length === 0) return { claims: [], summary };

  const claims: Claim[] = [];
  const total = ctx.history.length;
  for (const c of clusters.values()) {
    if (ctx.steps.some((rs) => mentions(rs, c))) {
      summary.mentioned++;
      continue;
    }
    summary.unmentioned.push(c.key);
    const first = c.entries[0].step;
    const label = `${formatCode(ctx.grammar, c.prefix.levels, { domain: c.prefix.domain })}${c.category ? ` (${c.category})` : ''}`;
    claims.push({
      check: 'coverage',
      span: { ...first.span },
      verdict: 'partly',
      message: `no step mentions the history cluster ${label}: ${c.entries.length} of ${total} history items (${c.entries
        .slice(0, 8)
        .map((h) => h.id)
        .join(', ')}${c.entries.length > 8 ? ', …' : ''})`,
      evidence: c.items.slice(0, 5).map((i) => itemEvidence(i)),
      score: c.entries.length,
    });
  }

  const truths = (ctx.trace.groundTruth ?? []).flatMap((g) => {
    const code = itemCode(ctx, g.codeIndexes);
    return code && code.levels.length === ctx.grammar.levelCount ? [{ g, code }] : [];
  });
  if (truths.length > 0) {
    let reached = false;
    for (const { g, code } of truths) {
      const key = codeKey(code.levels.slice(0, ctx.clusterLevels), code.domain);
      const items = ctx.lookup.exact(code.levels, code.domain);
      const cluster: Cluster = clusters.get(key) ?? { key, prefix: prefixOf(ctx, code), entries: [], items, category: finestCategory(items) };
      if (ctx.steps.some((rs) => mentions(rs, cluster))) {
        reached = true;
        continue;
      }
      if (!summary.unreached.includes(key)) summary.unreached.push(key);
      const item = items[0];
      const label = `${formatCode(ctx.grammar, cluster.prefix.levels, { domain: cluster.prefix.domain })}${cluster.category ? ` (${cluster.category})` : ''}`;
      claims.push({
        check: 'coverage',
        span: { ...g.span },
        verdict: 'contradicts',
        message: `the ground truth${item ? ` ${itemName(item, 50)}` : ''} lies in the cluster ${label}, which no step reaches${cluster.entries.length > 0 ? ` (${cluster.entries.length} of ${total} history items lie in it)` : ' (no history item lies in it)'}`,
        evidence: item ? [itemEvidence(item)] : [],
      });
    }
    summary.groundTruthReached = reached;
  }
  return { claims, summary };
}

function prefixOf(ctx: CheckContext, code: NamedCode): NamedCode {
  const levels = code.levels.slice(0, ctx.clusterLevels);
  return code.domain ? { levels, domain: code.domain } : { levels };
}

/** The most common finest category part of the items. */
function finestCategory(items: readonly ItemRecord[]): string | undefined {
  const n = new Map<string, number>();
  for (const i of items) {
    const last = i.categories ? categoryParts(i.categories).at(-1) : undefined;
    if (last) n.set(last, (n.get(last) ?? 0) + 1);
  }
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function mentions(rs: ReasoningStep, c: Cluster): boolean {
  if (rs.codes.some((x) => under(c.prefix, x) || under(x, c.prefix))) return true;
  const ids = new Set(c.entries.map((h) => h.id));
  if (rs.step.evidence.some((e) => ids.has(e.target))) return true;
  const text = rs.view.text;
  for (const m of text.matchAll(HISTORY_ID)) if (ids.has(`h${m[1]}`)) return true;
  return c.category !== undefined && namesCategory(text, c.category);
}

/** Whether a text writes a category name (whole words for Latin script, anywhere for CJK). */
function namesCategory(text: string, category: string): boolean {
  const name = clipText(category, 200).toLowerCase();
  if (name.length === 0) return false;
  const hay = text.toLowerCase();
  if (/[\p{Script=Han}]/u.test(name)) return hay.includes(name);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(hay);
}
