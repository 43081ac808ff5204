/**
 * What every check reads about one trace, computed once: the history with
 * its items and clusters, the reasoning steps with their plain text (and the
 * way back to the document), the codes each step names, and the item pool.
 *
 * Decisions:
 * - A cluster is a code cut to all levels but the last (`a.b` of a 3-level
 *   code: the subtopic in the demo world, the second residual level of a
 *   real pool). It is the finest prefix that groups items.
 * - Codes are re-scanned in the step's plain text rather than taken from
 *   `Analysis.codes`, so offsets are in one coordinate system (the view's)
 *   for dumps whose text is JSON-escaped.
 */
import type { ChecksSettings } from '../../protocol/settings';
import { codeKey, scanCodes, type CompiledGrammar } from '../items/grammar';
import type { ItemLookup, ItemRecord } from '../items/lookup';
import type { Span } from '../items/types';
import type { Analysis, Step, TraceUnit } from '../trace/model';
import type { NamedCode } from '../trace/steps';
import type { Similarity } from './similarity';
import type { Claim, ClaimEvidence } from './types';
import { stepView, type StepView } from './view';

/** One history item of the trace (`h1`…). */
export interface HistoryEntry {
  id: string;
  step: Step;
  code?: NamedCode;
  /** The table's items with this code (collisions: several), most popular first. */
  items: ItemRecord[];
  /** The cluster key (`codeKey` of the code cut to its cluster level). */
  cluster?: string;
}

/** A code or prefix a step names, where (in the step's plain text). */
export interface StepCode extends NamedCode {
  at: Span;
  full: boolean;
}

/** A reasoning step with what the checks read of it. */
export interface ReasoningStep {
  step: Step;
  view: StepView;
  codes: StepCode[];
}

export interface CheckContext {
  doc: string;
  analysis: Analysis;
  trace: TraceUnit;
  lookup: ItemLookup;
  settings: ChecksSettings;
  similarity: Similarity;
  grammar: CompiledGrammar;
  /** Levels of a cluster prefix. */
  clusterLevels: number;
  history: HistoryEntry[];
  byHistoryId: Map<string, HistoryEntry>;
  steps: ReasoningStep[];
}

/** The context of one trace. */
export function checkContext(analysis: Analysis, doc: string, trace: TraceUnit, lookup: ItemLookup, settings: ChecksSettings, similarity: Similarity): CheckContext {
  const codes = analysis.codes;
  const grammar = codes.grammar;
  const clusterLevels = Math.max(1, grammar.levelCount - 1);
  const history: HistoryEntry[] = [];
  for (const step of trace.steps) {
    if (step.kind !== 'history') continue;
    const ci = step.codeIndexes?.[0];
    const levels = ci === undefined ? [] : codes.levels(ci);
    const domain = ci === undefined ? undefined : codes.domain(ci);
    if (levels.length !== grammar.levelCount) {
      history.push({ id: step.id, step, items: [] });
      continue;
    }
    const code: NamedCode = domain ? { levels, domain } : { levels };
    history.push({ id: step.id, step, code, items: lookup.exact(levels, domain), cluster: codeKey(levels.slice(0, clusterLevels), domain) });
  }
  const steps: ReasoningStep[] = trace.steps
    .filter((s) => s.kind !== 'history')
    .map((step) => {
      const view = stepView(doc, analysis.kind, step);
      const named = scanCodes(view.text, grammar)
        .filter((m) => m.levels.length > 0)
        .map((m) => ({ levels: m.levels, ...(m.domain ? { domain: m.domain } : {}), at: m.span, full: m.levels.length === grammar.levelCount }));
      return { step, view, codes: named };
    });
  return { doc, analysis, trace, lookup, settings, similarity, grammar, clusterLevels, history, byHistoryId: new Map(history.map((h) => [h.id, h])), steps };
}

/** A history id written in a step's text (`h3`), the number captured. */
export const HISTORY_ID = /(?<![\p{L}\p{N}_])h(\d{1,4})(?![\p{L}\p{N}_])/gu;

/** A code's cluster key (the code itself when it is already a prefix at or above the cluster level). */
export function clusterKey(ctx: CheckContext, code: NamedCode): string {
  return codeKey(code.levels.slice(0, ctx.clusterLevels), code.domain);
}

/** The codes of a recommendation or ground-truth item (its first code). */
export function itemCode(ctx: CheckContext, codeIndexes: number[] | undefined): NamedCode | undefined {
  const ci = codeIndexes?.[0];
  if (ci === undefined) return undefined;
  const levels = ctx.analysis.codes.levels(ci);
  if (levels.length === 0) return undefined;
  const domain = ctx.analysis.codes.domain(ci);
  return domain ? { levels, domain } : { levels };
}

/** Shorten a table text for a message. */
export function clipText(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1).trimEnd()}…`;
}

/** How an item is named in a message: its title, else its caption. */
export function itemName(item: ItemRecord, max = 60): string {
  return `"${clipText(item.title ?? item.caption ?? item.categories ?? item.id, max)}"`;
}

/** A piece of evidence for an item: what the table says and the row it says it in. */
export function itemEvidence(item: ItemRecord, text?: string): ClaimEvidence {
  const fields = [item.title && `title "${item.title}"`, item.caption && `caption "${item.caption}"`, item.categories && `categories "${item.categories}"`].filter(Boolean).join(', ');
  return { text: text ?? `item ${item.id}: ${fields || 'no text in the table'}`, itemId: item.id, source: item.source };
}

/** A claim on a span of a step's plain text. */
export function stepClaim(rs: ReasoningStep, at: Span, claim: Omit<Claim, 'span' | 'stepId'>): Claim {
  return { ...claim, stepId: rs.step.id, span: rs.view.span(at.start, at.end) };
}
