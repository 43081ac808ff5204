/** Finding what sits at a document offset: a code, a step id, an evidence link. */
import type { CodeList } from '../items/code-list';
import type { CodeMatch, Span } from '../items/types';
import type { Analysis, EvidenceLink, Step, TraceUnit } from '../trace/model';

/** The code whose span contains `offset` (end inclusive, so a cursor right after a code still finds it). */
export function codeAt(codes: CodeList, offset: number): CodeMatch | undefined {
  return codes.at(offset);
}

/** A step's id, or an evidence link (of a step or of a recommendation). */
export type StepTarget = { trace: TraceUnit; step: Step; link?: undefined } | { trace: TraceUnit; link: WrittenLink };

/** A link whose id is written in the document. */
type WrittenLink = EvidenceLink & { span: Span };

const written = (link: EvidenceLink): link is WrittenLink => link.span !== undefined;

const inside = (s: { start: number; end: number }, offset: number): boolean => offset >= s.start && offset <= s.end;

/** The step whose id, or the evidence link, that `offset` is on. */
export function stepTargetAt(analysis: Analysis, offset: number): StepTarget | undefined {
  for (const trace of analysis.traces) {
    if (!inside(trace.span, offset)) continue;
    for (const step of trace.steps) {
      if (!inside(step.span, offset)) continue;
      if (inside(step.idSpan, offset)) return { trace, step };
      for (const link of step.evidence) if (written(link) && inside(link.span, offset)) return { trace, link };
    }
    for (const rec of trace.recommendations ?? []) {
      if (!inside(rec.span, offset)) continue;
      for (const link of rec.evidence) if (written(link) && inside(link.span, offset)) return { trace, link };
    }
  }
  return undefined;
}

/** Every evidence link of a trace: those of its steps and of its recommendations. */
export function* linksOf(trace: TraceUnit): IterableIterator<EvidenceLink> {
  for (const step of trace.steps) yield* step.evidence;
  for (const rec of trace.recommendations ?? []) yield* rec.evidence;
}

/** The step a link points at, in the same trace. */
export function resolveLink(trace: TraceUnit, target: string): Step | undefined {
  return trace.steps.find((s) => s.id === target);
}
