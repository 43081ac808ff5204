/**
 * Where the traces of a document are, from the server's outline: the
 * `trace` symbols (an `.rtrace`, a dump's generations) and the samples that
 * hold them. Tells whether the cursor is still in the trace whose graph is
 * shown, so moving inside a trace asks the server nothing. Pure.
 */

/** The subset of an LSP DocumentSymbol read here. */
export interface OutlineSymbol {
  kind: number;
  range: { start: Pos; end: Pos };
  children?: OutlineSymbol[];
}

type Pos = { line: number; character: number };

/** LSP SymbolKind values the server gives traces (`File`) and dump samples (`Object`); see server/lsp/server.ts. */
const TRACE_KIND = 1;
const SAMPLE_KIND = 19;

export interface TraceRegion {
  start: Pos;
  end: Pos;
  /** Nesting depth (a generation inside its sample is deeper). */
  depth: number;
}

const before = (a: Pos, b: Pos): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);

/** Every trace and sample of the outline, in document order. */
export function traceRegions(symbols: readonly OutlineSymbol[]): TraceRegion[] {
  const out: TraceRegion[] = [];
  const walk = (list: readonly OutlineSymbol[], depth: number): void => {
    for (const s of list) {
      const isTrace = s.kind === TRACE_KIND || (s.kind === SAMPLE_KIND && !!s.children?.length);
      if (isTrace) out.push({ start: s.range.start, end: s.range.end, depth });
      if (s.children) walk(s.children, isTrace ? depth + 1 : depth);
    }
  };
  walk(symbols, 0);
  return out.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character || a.depth - b.depth);
}

/** The innermost region holding `p`, or undefined. */
export function regionAt(regions: readonly TraceRegion[], p: Pos): TraceRegion | undefined {
  let best: TraceRegion | undefined;
  for (const r of regions) if (before(r.start, p) && before(p, r.end) && (!best || r.depth >= best.depth)) best = r;
  return best;
}

/** A key naming a region, for comparing where the cursor was with where it is ('' outside every region). */
export const regionKey = (r: TraceRegion | undefined): string => (r ? `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}` : '');

/**
 * The trace after (`+1`) or before (`-1`) the region `current` (or `p` when
 * outside every region), among regions that hold no other region (the
 * traces themselves, not their samples), for stepping from the last step of
 * one generation to the first of the next.
 */
export function adjacentRegion(regions: readonly TraceRegion[], current: TraceRegion | undefined, p: Pos, direction: 1 | -1): TraceRegion | undefined {
  const holds = (outer: TraceRegion, inner: TraceRegion): boolean => outer !== inner && before(outer.start, inner.start) && before(inner.end, outer.end);
  const leaves = regions.filter((r) => !regions.some((o) => o.depth > r.depth && holds(r, o)));
  const anchor = current?.start ?? p;
  const after = (a: Pos, b: Pos): boolean => !before(a, b);
  if (direction === 1) return leaves.find((r) => after(r.start, anchor));
  let found: TraceRegion | undefined;
  for (const r of leaves) if (after(anchor, r.start)) found = r;
  return found;
}
