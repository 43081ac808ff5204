/**
 * Checked claims as diagnostics (docs/checks.md): a claim that contradicts
 * the item table is a warning, one that only partly matches a hint, each on
 * the claim's exact span with code `check/<name>` and the table rows of its
 * evidence as related locations.
 *
 * Decisions:
 * - `contradicts` is a warning, not an error: the trace is well-formed, the
 *   model was wrong; `reclens check` keeps exiting 1 on errors only.
 * - `partly` is a hint: VS Code shows it as a faint mark and in the hover,
 *   not in the Problems panel, where a long dump's near-misses would bury
 *   the contradictions. The report counts both.
 * - A check switched off with `reclens.checks.<name>: false` yields nothing.
 */
import { CHECKS, type CheckName, type Claim, type ReasoningReport } from '../checks/types';
import type { Problem } from '../trace/model';

/** A related location of a claim: the table row behind a piece of evidence. */
export interface RelatedRow {
  path: string;
  /** 1-based line of the row, when known. */
  line?: number;
  message: string;
}

/** A problem made from a claim, with the rows its evidence comes from. */
export interface ClaimProblem extends Problem {
  related: RelatedRow[];
  claim: Claim;
}

/** Which checks are on. */
export type CheckSwitch = (check: CheckName) => boolean;

/**
 * The checks switched on by the resolved settings: `reclens.checks.enabled`
 * (all) and `reclens.checks.<name>` (one; a boolean, or an object with
 * `enabled`). Missing settings mean on, so settings that predate the checks
 * (or a client sending none) get them all.
 */
export function checkSwitch(settings: unknown): CheckSwitch {
  const checks = isObject(settings) && isObject(settings.checks) ? settings.checks : {};
  const allOff = checks.enabled === false;
  const off = new Set<CheckName>(
    CHECKS.filter((name) => {
      const v = checks[name];
      return v === false || (isObject(v) && v.enabled === false);
    }),
  );
  return (name) => !allOff && !off.has(name);
}

/** Whether any check is on (else nothing needs computing). */
export const anyCheckOn = (on: CheckSwitch): boolean => CHECKS.some((c) => on(c));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problems of the claims of these reports: contradictions and partial matches of the checks switched on. */
export function claimProblems(reports: Iterable<ReasoningReport>, on: CheckSwitch = () => true): ClaimProblem[] {
  const out: ClaimProblem[] = [];
  for (const report of reports) {
    for (const claim of report.claims) {
      if (claim.verdict === 'consistent' || !on(claim.check)) continue;
      out.push({
        span: claim.span,
        severity: claim.verdict === 'contradicts' ? 'warning' : 'hint',
        code: `check/${claim.check}`,
        message: claim.message,
        related: relatedRows(claim),
        claim,
      });
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

/** The table rows of a claim's evidence, one per row. */
export function relatedRows(claim: Claim): RelatedRow[] {
  const out: RelatedRow[] = [];
  const seen = new Set<string>();
  for (const e of claim.evidence) {
    if (!e.source) continue;
    const key = `${e.source.path}:${e.source.line ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.source.path, ...(e.source.line !== undefined && { line: e.source.line }), message: e.itemId && !e.text.includes(e.itemId) ? `item ${e.itemId}: ${e.text}` : e.text });
  }
  return out;
}
