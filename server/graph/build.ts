/**
 * The reasoning graph of one trace: history items → perception →
 * cognition → recommendation steps → recommended items, linked by the
 * trace's evidence (an edge runs from the cited node to the citing one).
 * Pure: an analysis, its text and the item pool in, a `TraceGraph` out.
 *
 * Decisions:
 * - Node order is stage, then document order: history, perception,
 *   cognition and recommendation steps, recommendations, ground truth.
 * - Ids are the trace's (`h3`, `p1`, `c2`), `rec<rank>` and `gt<n>`; an id
 *   met again (a duplicate step id, a repeated rank) gets `~2`, `~3`, and
 *   evidence resolves to the first, as the diagnostics say.
 * - Evidence that names no node (dangling) or a node itself is skipped, and
 *   an edge that would close a cycle is dropped, so the graph stays a DAG
 *   whatever the file says; the diagnostics report all three.
 * - Every history item and recommendation with a code belongs to the
 *   cluster of its code's prefix (all levels but the last); a cluster may
 *   hold one node, so `cluster` always names an entry of `clusters`.
 * - A recommendation's hit is the trace's flag, else (no flag) whether its
 *   code is among the ground truth's.
 */
import { GRAPH_STAGE_RANK, type GraphCluster, type GraphCode, type GraphEdge, type GraphMetrics, type GraphNode, type GraphStage, type TraceGraph } from '../../protocol/graph';
import { codeKey, scanCodes, type CompiledGrammar } from '../items/grammar';
import type { ItemLookup } from '../items/lookup';
import type { Span } from '../items/types';
import { shorten } from '../language/markdown';
import type { Analysis, Step, TraceUnit } from '../trace/model';
import { applyChecks, type GraphCheckInput } from './checks';
import { ItemNames, type CodeRef } from './names';
import { Positions } from './positions';

export interface GraphEnv {
  grammar: CompiledGrammar;
  lookup: ItemLookup;
}

/** Longest node label. */
export const LABEL_LENGTH = 80;
/** Longest item title inside a step's label. */
const TITLE_IN_LABEL = 40;

const stageOrder = GRAPH_STAGE_RANK;

/** A code of a node with what clustering needs. */
interface NodeCode extends GraphCode {
  ref: CodeRef;
}

/** Build the graph of `trace` (one trace of `analysis`, whose document text is `text`), marked by its reasoning report and weighted by influence when given. */
export function buildGraph(analysis: Analysis, text: string, trace: TraceUnit, env: GraphEnv, uri?: string, checks?: GraphCheckInput): TraceGraph {
  const names = new ItemNames(env.grammar, env.lookup);
  const positions = new Positions(text);
  const codes = analysis.codes;

  const codesIn = (indexes: number[] | undefined, span: Span): NodeCode[] => {
    const out: NodeCode[] = [];
    const seen = new Set<string>();
    for (const i of indexes ?? codes.within(span)) {
      if (i < 0 || i >= codes.length) continue;
      const key = codes.key(i);
      // A lone begin or end token names nothing.
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      const ref: CodeRef = key.startsWith('#') ? { levels: [], bare: key.slice(1) } : { levels: codes.levels(i), domain: codes.domain(i) };
      const title = names.title(ref, key);
      out.push({ code: text.slice(codes.start(i), codes.end(i)), key, ...(title !== undefined && { title }), ref });
    }
    return out;
  };

  const used = new Set<string>();
  const unique = (id: string): string => {
    let out = id;
    for (let n = 2; used.has(out); n++) out = `${id}~${n}`;
    used.add(out);
    return out;
  };
  const stepNode = new Map<string, string>();
  const nodes: GraphNode[] = [];
  const nodeCodes = new Map<GraphNode, NodeCode[]>();
  const edges: GraphEdge[] = [];
  const pending: { target: string; evidence: Step['evidence'] }[] = [];
  const add = (node: GraphNode, found: NodeCode[], evidence?: Step['evidence']): void => {
    nodes.push(node);
    nodeCodes.set(node, found);
    if (evidence && evidence.length > 0) pending.push({ target: node.id, evidence });
  };

  // History, then steps by stage; document order within each.
  const history = trace.steps.filter((s) => s.kind === 'history').sort(byStart);
  const reasoning = trace.steps
    .filter((s) => s.kind !== 'history')
    .map((s, i) => ({ s, i }))
    .sort((x, y) => stageOrder[x.s.stage] - stageOrder[y.s.stage] || x.s.span.start - y.s.span.start || x.i - y.i)
    .map(({ s }) => s);
  const layers: TraceGraph['layers'] = [];
  const addLayer = (name: string, stage: GraphStage): void => {
    if (!layers.some((l) => l.name === name)) layers.push({ name, stage });
  };

  if (history.length > 0) addLayer('history', 'history');
  for (const step of history) {
    const found = codesIn(step.codeIndexes, step.span);
    const id = unique(step.id);
    if (!stepNode.has(step.id)) stepNode.set(step.id, id);
    const item = found.find((c) => c.ref.levels.length > 0 || c.ref.bare !== undefined);
    const note = noteOf(step.text, item?.code);
    const title = item?.title;
    add({
      id,
      kind: 'history',
      stage: 'history',
      layer: 'history',
      label: shorten(title || note || item?.key || step.text || step.id, LABEL_LENGTH),
      text: title && !step.text.includes(title) ? `${step.text}\n${title}` : step.text,
      codes: found.map(plain),
      range: positions.range(step.span),
    }, found, step.evidence);
  }

  for (const step of reasoning) {
    const found = codesIn(step.codeIndexes, step.span);
    const id = unique(step.id);
    if (!stepNode.has(step.id)) stepNode.set(step.id, id);
    addLayer(step.layer, step.stage);
    const marker = step.idSpan.end > step.idSpan.start ? text.slice(step.idSpan.start, step.idSpan.end) : '';
    add(
      {
        id,
        kind: 'step',
        stage: step.stage,
        layer: step.layer,
        label: stepLabel(step.text, marker !== step.id ? marker : '', names) || step.id,
        text: step.text,
        codes: found.map(plain),
        range: positions.range(step.span),
      },
      found,
      step.evidence,
    );
  }

  const truth = trace.groundTruth ?? [];
  const truthCodes = truth.map((g) => codesIn(g.codeIndexes, g.span));
  const truthKeys = new Set(truthCodes.flatMap((c) => (c[0] ? [c[0].key] : [])));
  const recs = [...(trace.recommendations ?? [])].sort(byStart);
  if (recs.length > 0) addLayer('recommendations', 'recommendation');
  for (const rec of recs) {
    const found = codesIn(rec.codeIndexes, rec.itemSpan);
    const title = found[0]?.title;
    const hit = rec.hit ?? (truthKeys.size > 0 && found[0] ? truthKeys.has(found[0].key) : undefined);
    add(
      {
        id: unique(`rec${rec.rank}`),
        kind: 'recommendation',
        stage: 'recommendation',
        layer: 'recommendations',
        label: shorten(title || found[0]?.key || rec.item || `#${rec.rank}`, LABEL_LENGTH),
        text: title ? `${rec.item}\n${title}` : rec.item,
        codes: found.map(plain),
        rank: rec.rank,
        ...(rec.score !== undefined && { score: rec.score }),
        ...(hit !== undefined && { hit }),
        ...(rec.branch && { branch: rec.branch }),
        range: positions.range(rec.span),
      },
      found,
      rec.evidence,
    );
  }

  if (truth.length > 0) addLayer('ground-truth', 'recommendation');
  truth.forEach((g, n) => {
    const found = truthCodes[n];
    const title = found[0]?.title;
    add(
      {
        id: unique(`gt${n + 1}`),
        kind: 'ground-truth',
        stage: 'recommendation',
        layer: 'ground-truth',
        label: shorten(title || found[0]?.key || g.item, LABEL_LENGTH),
        text: title ? `${g.item}\n${title}` : g.item,
        codes: found.map(plain),
        range: positions.range(g.span),
      },
      found,
    );
  });

  const seen = new Set<string>();
  for (const { target, evidence } of pending) {
    for (const link of evidence) {
      const source = stepNode.get(link.target);
      const key = `${source}\u0000${target}`;
      if (source === undefined || source === target || seen.has(key)) continue;
      seen.add(key);
      edges.push({ source, target });
    }
  }

  const graph: TraceGraph = {
    ...(uri !== undefined && { uri }),
    trace: trace.id,
    title: titleOf(trace),
    layers: layers.sort((a, b) => stageOrder[a.stage] - stageOrder[b.stage]),
    nodes,
    edges: acyclic(nodes, edges),
    clusters: clustersOf(nodes, nodeCodes, names),
    header: headerOf(trace),
    metrics: metricsOf(nodes),
  };
  return checks ? applyChecks(graph, checks) : graph;
}

const byStart = (a: { span: Span }, b: { span: Span }): number => a.span.start - b.span.start;

const plain = (c: NodeCode): GraphCode => (c.title !== undefined ? { code: c.code, key: c.key, title: c.title } : { code: c.code, key: c.key });

/** A history line's note: its text after the item (`.rtrace`: `ITEM NOTE`). */
function noteOf(text: string, item: string | undefined): string {
  const t = text.trim();
  if (item && t.startsWith(item)) return t.slice(item.length).trim();
  return t;
}

/**
 * A step's label: its first line of text, without a leading layer heading
 * (`## Perception`, `R1:`), with each code written as its item's title
 * (quoted) or its key, so that labels read as sentences.
 */
export function stepLabel(text: string, marker: string, names: ItemNames): string {
  const lines = firstLines(text, 2);
  if (lines.length === 0) return '';
  let first = lines[0];
  if (marker) {
    const bare = first.replace(/^[#*\-•>【[(\s]+/u, '');
    if (bare.toLowerCase().startsWith(marker.toLowerCase())) {
      const rest = bare.slice(marker.length).replace(/^[\s:：.】\])*#-]+/u, '');
      first = rest || lines[1] || first;
    }
  }
  let out = '';
  let at = 0;
  for (const m of scanCodes(first, names.grammar)) {
    if (m.levels.length === 0 && m.bare === undefined) continue;
    out += first.slice(at, m.span.start);
    const ref: CodeRef = m.bare !== undefined ? { levels: [], bare: m.bare } : { levels: m.levels, domain: m.domain };
    const title = m.kind === 'full' || m.bare !== undefined ? names.title(ref) : undefined;
    out += title ? `“${shorten(title, TITLE_IN_LABEL)}”` : `⟨${m.bare !== undefined ? `#${m.bare}` : codeKey(m.levels, m.domain)}⟩`;
    at = m.span.end;
  }
  out += first.slice(at);
  return shorten(out.replace(/^(?:[-*+•]\s+|\d{1,3}[.)]\s+|\d{1,3}、\s*)/u, ''), LABEL_LENGTH);
}

/** The first `n` non-blank lines of a text, trimmed (without splitting a long text whole). */
function firstLines(text: string, n: number): string[] {
  const out: string[] = [];
  const re = /[^\r\n]+/g;
  for (let m = re.exec(text); m && out.length < n; m = re.exec(text)) {
    const line = m[0].trim();
    if (line) out.push(line);
  }
  return out;
}

/** Clusters of history items and recommendations, in node order. */
function clustersOf(nodes: GraphNode[], nodeCodes: Map<GraphNode, NodeCode[]>, names: ItemNames): GraphCluster[] {
  const clusters = new Map<string, GraphCluster>();
  const width = names.grammar.levelCount;
  if (width < 2) return [];
  for (const node of nodes) {
    if (node.kind !== 'history' && node.kind !== 'recommendation') continue;
    const code = nodeCodes.get(node)?.find((c) => c.ref.levels.length > 0 || c.ref.bare !== undefined);
    if (!code) continue;
    let { levels, domain } = code.ref;
    if (code.ref.bare !== undefined) {
      const item = names.item(code.ref);
      if (!item) continue;
      ({ levels, domain } = item);
    }
    if (levels.length < width - 1) continue;
    const prefix = levels.slice(0, width - 1);
    const key = codeKey(prefix, domain);
    node.cluster = key;
    const c = clusters.get(key);
    if (c) c.count++;
    else {
      const label = names.cluster(prefix, domain);
      clusters.set(key, { key, code: names.spell(prefix, domain), ...(label !== undefined && { label }), count: 1 });
    }
  }
  return [...clusters.values()];
}

/** Drop the edges that close a cycle (depth-first, nodes in graph order), keeping the others in order. */
function acyclic(nodes: GraphNode[], edges: GraphEdge[]): GraphEdge[] {
  const out = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e);
    else out.set(e.source, [e]);
  }
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  const dropped = new Set<GraphEdge>();
  for (const start of nodes) {
    if (state.has(start.id)) continue;
    // Iterative, so a long chain of steps cannot overflow the stack.
    const stack: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    state.set(start.id, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const list = out.get(top.id) ?? [];
      if (top.next >= list.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const e = list[top.next++];
      const s = state.get(e.target);
      if (s === 1) dropped.add(e);
      else if (s === undefined) {
        state.set(e.target, 1);
        stack.push({ id: e.target, next: 0 });
      }
    }
  }
  return dropped.size === 0 ? edges : edges.filter((e) => !dropped.has(e));
}

function metricsOf(nodes: GraphNode[]): GraphMetrics {
  const recs = nodes.filter((n) => n.kind === 'recommendation');
  const hits = recs.filter((n) => n.hit === true);
  const firstHit = hits.length > 0 ? Math.min(...hits.map((n) => n.rank ?? Infinity)) : undefined;
  return {
    recommendations: recs.length,
    hits: hits.length,
    targets: nodes.filter((n) => n.kind === 'ground-truth').length,
    ...(firstHit !== undefined && Number.isFinite(firstHit) && { firstHit }),
    steps: nodes.filter((n) => n.kind === 'step').length,
    history: nodes.filter((n) => n.kind === 'history').length,
  };
}

/** The header as written, with the mode the analysis told when the header has none. */
function headerOf(trace: TraceUnit): Record<string, string> {
  const header = { ...(trace.header ?? {}) };
  if (!header.mode && trace.mode) header.mode = trace.mode;
  return header;
}

/** `u0910 · final · thinking`: who, which checkpoint, which mode. */
function titleOf(trace: TraceUnit): string {
  const h = trace.header ?? {};
  const model = h.checkpoint || (h.model ? h.model.split(/[\\/]/).filter(Boolean).pop() : undefined);
  const parts = [h.user || trace.id, model, h.mode || trace.mode].filter((p): p is string => !!p);
  return parts.join(' · ');
}
