/**
 * What the debugger knows at a stop, as plain values: the scope that
 * breakpoint conditions, logpoints, Watch and the Debug Console evaluate
 * (docs/debugging.md, "Expressions": the names below), and the same values
 * grouped for the Variables view. Items are resolved against the item pool,
 * exactly as hovers resolve them.
 */
import type { CodeList } from '../items/code-list';
import { codeKey } from '../items/grammar';
import type { ItemLookup } from '../items/lookup';
import type { Analysis, TraceUnit } from '../trace/model';
import type { ReplayProgram, Stop } from './program';

/** An item a stop names, as the debugger shows it. */
export interface ItemValue {
  code: string;
  id: string | null;
  title: string | null;
  caption: string | null;
  category: string | null;
  /** The code's prefix (all levels but the last): the item's cluster. */
  cluster: string;
  /** Other items sharing the code (collisions). */
  sharedWith: number;
  inHistory: boolean;
  inGroundTruth: boolean;
}

/** The names an expression can use at a stop. */
export interface StopScope {
  kind: Stop['kind'];
  layer: string;
  stage: string;
  events: string[];
  event: string | null;
  step: { id: string; text: string; layer: string; stage: string; evidence: string[]; citedBy: string[] } | null;
  items: ItemValue[];
  item: ItemValue | null;
  token: string | null;
  prob: number | null;
  logprob: number | null;
  entropy: number | null;
  alternatives: { token: string; prob: number }[];
  rank: number | null;
  score: number | null;
  hit: boolean | null;
  branch: string | null;
  trace: Record<string, string>;
}

/** Entropy (nats) of recorded alternatives, normalised over what was recorded. */
export function entropyOf(top: readonly { prob: number }[]): number | null {
  const total = top.reduce((a, t) => a + (t.prob > 0 ? t.prob : 0), 0);
  if (!(total > 0)) return null;
  return -top.reduce((a, t) => (t.prob > 0 ? a + (t.prob / total) * Math.log(t.prob / total) : a), 0);
}

/** Builds scopes for the stops of one program (citations are computed once). */
export class ScopeBuilder {
  private readonly citedBy = new Map<string, string[]>();
  private readonly history = new Set<string>();
  private readonly truth = new Set<string>();

  constructor(
    private readonly program: ReplayProgram,
    private readonly analysis: Analysis,
    private readonly text: string,
    private readonly lookup: ItemLookup,
  ) {
    const trace: TraceUnit = program.trace;
    for (const s of trace.steps) for (const e of s.evidence) this.citedBy.set(e.target, [...(this.citedBy.get(e.target) ?? []), s.id]);
    for (const r of trace.recommendations ?? []) for (const e of r.evidence) this.citedBy.set(e.target, [...(this.citedBy.get(e.target) ?? []), `#${r.rank}`]);
    const codes = analysis.codes;
    for (const s of trace.steps) if (s.kind === 'history') for (const ci of s.codeIndexes ?? []) this.history.add(keyOf(codes, ci));
    for (const g of trace.groundTruth ?? []) for (const ci of g.codeIndexes ?? []) this.truth.add(keyOf(codes, ci));
  }

  /** The scope of stop `i`. */
  scope(i: number): StopScope {
    const s = this.program.stops[i];
    const step = s.step;
    const rec = s.rec;
    const indexes = rec?.codeIndexes ?? step?.codeIndexes ?? [];
    const items = indexes.map((ci) => this.item(ci)).filter((x): x is ItemValue => x !== undefined);
    const token = s.token;
    return {
      kind: s.kind,
      layer: s.layer,
      stage: s.stage,
      events: [...s.events],
      event: s.events[0] ?? null,
      step: step ? { id: step.id, text: step.text, layer: step.layer, stage: step.stage, evidence: step.evidence.map((e) => e.target), citedBy: this.citedBy.get(step.id) ?? [] } : null,
      items,
      item: items[0] ?? null,
      token: token?.text ?? null,
      prob: token ? Math.exp(token.logprob) : null,
      logprob: token?.logprob ?? null,
      entropy: token ? entropyOf(token.top) : null,
      alternatives: token?.top ?? [],
      rank: rec?.rank ?? null,
      score: rec?.score ?? null,
      hit: rec?.hit ?? null,
      branch: rec?.branch ?? null,
      trace: this.program.trace.header ?? {},
    };
  }

  private item(ci: number): ItemValue | undefined {
    const codes = this.analysis.codes;
    const levels = codes.levels(ci);
    if (levels.length === 0) return undefined;
    const domain = codes.domain(ci);
    const found = levels.length === codes.grammar.levelCount ? this.lookup.exact(levels, domain) : [];
    const first = found[0];
    const key = keyOf(codes, ci);
    return {
      code: this.text.slice(codes.start(ci), codes.end(ci)),
      id: first?.id ?? null,
      title: first?.title ?? null,
      caption: first?.caption ?? null,
      category: first?.categories ?? null,
      cluster: levels.slice(0, -1).join('.'),
      sharedWith: Math.max(0, found.length - 1),
      inHistory: this.history.has(key),
      inGroundTruth: this.truth.has(key),
    };
  }
}

function keyOf(codes: CodeList, ci: number): string {
  return codeKey(codes.levels(ci), codes.domain(ci));
}
