/** Finding what sits at a document offset: a code, a step id, an evidence link. */
import type { CodeMatch } from '../items/types';
import type { Analysis, EvidenceLink, Step, TraceUnit } from '../trace/model';

/** The code whose span contains `offset` (end inclusive, so a cursor right after a code still finds it). */
export function codeAt(codes: readonly CodeMatch[], offset: number): CodeMatch | undefined {
  let lo = 0;
  let hi = codes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = codes[mid];
    if (c.span.end < offset) lo = mid + 1;
    else if (c.span.start > offset) hi = mid - 1;
    else return c;
  }
  return undefined;
}

/** Index of the first code whose span ends at or after `offset`. */
export function firstCodeFrom(codes: readonly CodeMatch[], offset: number): number {
  let lo = 0;
  let hi = codes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (codes[mid].span.end < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type StepTarget = { trace: TraceUnit; step: Step; link?: undefined } | { trace: TraceUnit; step: Step; link: EvidenceLink };

const inside = (s: { start: number; end: number }, offset: number): boolean => offset >= s.start && offset <= s.end;

/** The step whose id, or the evidence link, that `offset` is on. */
export function stepTargetAt(analysis: Analysis, offset: number): StepTarget | undefined {
  for (const trace of analysis.traces) {
    if (!inside(trace.span, offset)) continue;
    for (const step of trace.steps) {
      if (!inside(step.span, offset)) continue;
      if (inside(step.idSpan, offset)) return { trace, step };
      for (const link of step.evidence) if (inside(link.span, offset)) return { trace, step, link };
    }
  }
  return undefined;
}

/** The step a link points at, in the same trace. */
export function resolveLink(trace: TraceUnit, target: string): Step | undefined {
  return trace.steps.find((s) => s.id === target);
}
