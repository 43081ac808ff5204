/**
 * The Reasoning Steps view's model and Next / Previous Step, from the graph
 * the server built for a trace (`reclens/graph`): layers of steps, each with
 * the items it names (its own codes, and the history items it cites), and
 * the step before or after a position. Pure: no VS Code.
 */
import type { GraphNode, GraphRange, TraceGraph } from '../../protocol/graph';
import { nodeAt } from '../graph-sync';

type Position = { line: number; character: number };

/** An item a step names: a code written in it, or a history item it cites as evidence. */
export interface StepItem {
  code: string;
  /** The item's title, when the pool knows the code. */
  title?: string;
  /** The history node cited (`h3`), when the item comes from the evidence. */
  via?: string;
  /** Where the cited history item is written. */
  range?: GraphRange;
}

export interface StepEntry {
  /** The graph node id: the step id (`c2`) or `rec<rank>`. */
  id: string;
  kind: 'step' | 'recommendation';
  label: string;
  text: string;
  range?: GraphRange;
  items: StepItem[];
  /** Recommendations: whether the item is a hit. */
  hit?: boolean;
}

export interface StepLayer {
  name: string;
  stage: string;
  steps: StepEntry[];
}

/** Nodes the view lists and Next Step visits: reasoning steps and recommendations (the nodes a debugger stops on). */
const isStep = (n: GraphNode): n is GraphNode & { kind: 'step' | 'recommendation' } => n.kind === 'step' || n.kind === 'recommendation';

/** The layers of `graph` that hold steps or recommendations, in column order, each with its steps in document order. */
export function stepTree(graph: TraceGraph): StepLayer[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const cited = new Map<string, GraphNode[]>();
  for (const e of graph.edges) {
    const source = byId.get(e.source);
    if (source?.kind === 'history') (cited.get(e.target) ?? cited.set(e.target, []).get(e.target)!).push(source);
  }
  const layers: StepLayer[] = [];
  for (const layer of graph.layers) {
    const steps = graph.nodes.filter((n) => n.layer === layer.name && isStep(n)).sort(byStart);
    if (!steps.length) continue;
    layers.push({ name: layer.name, stage: layer.stage, steps: steps.map((n) => entryOf(n as GraphNode & { kind: 'step' | 'recommendation' }, cited.get(n.id) ?? [])) });
  }
  return layers;
}

function entryOf(n: GraphNode & { kind: 'step' | 'recommendation' }, cited: GraphNode[]): StepEntry {
  const items: StepItem[] = n.codes.map((c) => ({ code: c.code, ...(c.title !== undefined && { title: c.title }) }));
  const written = new Set(n.codes.map((c) => c.key));
  for (const h of cited) {
    for (const c of h.codes) {
      if (written.has(c.key)) continue;
      written.add(c.key);
      items.push({ code: c.code, ...(c.title !== undefined && { title: c.title }), via: h.id, ...(h.range && { range: h.range }) });
    }
  }
  return { id: n.id, kind: n.kind, label: n.label, text: n.text, ...(n.range && { range: n.range }), items, ...(n.hit !== undefined && { hit: n.hit }) };
}

const compare = (a: Position, b: Position): number => a.line - b.line || a.character - b.character;

function byStart(a: { range?: GraphRange }, b: { range?: GraphRange }): number {
  if (!a.range || !b.range) return a.range ? -1 : b.range ? 1 : 0;
  return compare(a.range.start, b.range.start);
}

/** The steps of `graph` with a range, in document order. */
export function stepsInOrder(graph: TraceGraph): StepEntry[] {
  return stepTree(graph)
    .flatMap((l) => l.steps)
    .filter((s) => s.range)
    .sort(byStart);
}

/** The step whose range holds `p` (the narrowest), or undefined. */
export function stepAt(steps: readonly StepEntry[], p: Position): StepEntry | undefined {
  const id = nodeAt(steps, p);
  return id === null ? undefined : steps.find((s) => s.id === id);
}

/**
 * The step after (`+1`) or before (`-1`) position `p`: counted from the
 * start of the step `p` is in, else from `p` itself. Undefined past the
 * last or before the first.
 */
export function adjacentStep(steps: readonly StepEntry[], p: Position, direction: 1 | -1): StepEntry | undefined {
  const ordered = steps.filter((s) => s.range).sort(byStart);
  const anchor = stepAt(ordered, p)?.range?.start ?? p;
  if (direction === 1) return ordered.find((s) => compare(s.range!.start, anchor) > 0);
  let before: StepEntry | undefined;
  for (const s of ordered) if (compare(s.range!.start, anchor) < 0) before = s;
  return before;
}
