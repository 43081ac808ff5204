/** Which trace of a document a graph is built from: by id, by the cursor, else the first. */
import type { Analysis, TraceUnit } from '../trace/model';

/** A graph that cannot be built, with what to do about it. */
export class GraphError extends Error {}

/** How many trace ids an error message lists. */
const LISTED = 8;

export interface TraceChoice {
  /** A trace id (`sample/2` of a dump, the `.rtrace`'s sample or user). */
  trace?: string;
  /** A document offset: the trace whose span holds it, else the first trace of the sample holding it. */
  offset?: number;
}

/** The chosen trace; throws `GraphError` when the document has none or none with the id. */
export function selectTrace(analysis: Analysis, choice: TraceChoice = {}, file = 'this document'): TraceUnit {
  const traces = analysis.traces;
  if (traces.length === 0) {
    throw new GraphError(`no trace in ${file}: a graph needs an .rtrace file, a benchmark dump with "samples", or JSONL chat records with a history and an answer`);
  }
  if (choice.trace !== undefined) {
    const found = traces.find((t) => t.id === choice.trace) ?? traces.find((t) => t.id.startsWith(`${choice.trace}/`));
    if (found) return found;
    const ids = traces.slice(0, LISTED).map((t) => t.id);
    throw new GraphError(`no trace "${choice.trace}" in ${file}; its traces are ${ids.join(', ')}${traces.length > LISTED ? `, … (${traces.length} in all)` : ''}`);
  }
  if (choice.offset !== undefined) {
    const o = choice.offset;
    const inside = (s: { start: number; end: number }): boolean => o >= s.start && o <= s.end;
    const hit = traces.find((t) => inside(t.span));
    if (hit) return hit;
    // A cursor on a dump's prompt or ground truth: the sample's first generation.
    const sample = analysis.outline.find((n) => n.kind === 'sample' && inside(n.span));
    const first = sample && traces.find((t) => t.span.start >= sample.span.start && t.span.end <= sample.span.end);
    if (first) return first;
  }
  return traces[0];
}
