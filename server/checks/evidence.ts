/**
 * Evidence claims (docs/checks.md, "Evidence"): a step that talks about a
 * cluster (a code prefix it names, or a category a count claim names) should
 * rest on history items in that cluster. The history items a step rests on
 * are those its evidence reaches, through earlier steps, down to `h` ids.
 *
 * Decisions:
 * - Full codes are checked in perception steps only: perceiving an item
 *   the history does not hold is a perception error; a cognition or
 *   recommendation step naming an unseen item is what recommending is.
 * - A step whose evidence reaches no history item makes no claim (nothing
 *   to compare).
 */
import { formatCode } from '../items/grammar';
import type { Step } from '../trace/model';
import { under } from '../trace/steps';
import { stepClaim, type CheckContext, type HistoryEntry, type ReasoningStep } from './context';
import { quantityClaims, resolveGroup } from './quantity';
import type { Claim } from './types';

/** The history entries a step's evidence reaches, through the steps it cites. */
export function citedHistory(ctx: CheckContext, step: Step): HistoryEntry[] {
  const byId = new Map(ctx.trace.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const out: HistoryEntry[] = [];
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const h = ctx.byHistoryId.get(id);
    if (h) {
      out.push(h);
      return;
    }
    for (const e of byId.get(id)?.evidence ?? []) visit(e.target);
  };
  for (const e of step.evidence) visit(e.target);
  return out.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
}

const idList = (hs: readonly HistoryEntry[]): string => `${hs.slice(0, 10).map((h) => h.id).join(', ')}${hs.length > 10 ? ', …' : ''}`;

/** The evidence claims of every step. */
export function checkEvidence(ctx: CheckContext): Claim[] {
  const out: Claim[] = [];
  for (const rs of ctx.steps) {
    const cited = citedHistory(ctx, rs.step);
    if (cited.length === 0) continue;
    const groups: { at: { start: number; end: number }; label: string; test: (h: HistoryEntry) => boolean }[] = [];
    for (const c of rs.codes) {
      if (c.full && rs.step.stage !== 'perception') continue;
      groups.push({ at: c.at, label: formatCode(ctx.grammar, c.levels, { domain: c.domain }), test: (h) => h.code !== undefined && under(h.code, c) });
    }
    for (const qc of quantityClaims(rs.view.text)) {
      const r = resolveGroup(ctx, rs, qc.x);
      // A code in X is already a group above.
      if (r && !r.code) groups.push({ at: qc.x, label: `"${r.label}"`, test: r.test });
    }
    for (const g of groups) out.push(judge(ctx, rs, cited, g));
  }
  return out;
}

function judge(ctx: CheckContext, rs: ReasoningStep, cited: HistoryEntry[], g: { at: { start: number; end: number }; label: string; test: (h: HistoryEntry) => boolean }): Claim {
  const id = rs.step.id;
  const inside = cited.filter(g.test);
  const evidence = cited.slice(0, 20).map((h) => ({ text: `${h.id} ${g.test(h) ? 'lies in' : 'lies outside'} ${g.label}`, ...(h.items[0] ? { itemId: h.items[0].id, source: h.items[0].source } : {}) }));
  if (inside.length > 0) {
    return stepClaim(rs, g.at, { check: 'evidence', verdict: 'consistent', message: `${id} talks about ${g.label} and rests on ${idList(inside)}, which ${inside.length === 1 ? 'lies' : 'lie'} in it`, evidence, score: inside.length / cited.length });
  }
  const elsewhere = ctx.history.filter(g.test);
  const hint = elsewhere.length > 0 ? `; ${idList(elsewhere)} would` : '; no history item lies in it';
  return stepClaim(rs, g.at, {
    check: 'evidence',
    verdict: 'contradicts',
    message: `${id} talks about ${g.label}, but the history items it rests on (${idList(cited)}) lie outside it${hint}`,
    evidence,
    score: 0,
  });
}
