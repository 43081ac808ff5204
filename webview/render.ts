/**
 * Draws a laid-out view model as SVG with d3-selection: stage bands and
 * column headings, evidence links, node boxes, and (on demand) node texts.
 * Every string goes in with `.text()` / `textContent` (never as markup), so
 * a caption cannot inject anything.
 */
import { select, type Selection } from 'd3-selection';
import { NODE_H, NODE_W, type LayoutResult } from './layout';
import { GRAPH_STAGES } from '../protocol/graph';
import { checkBadge, describe, detailLine, signed, type ViewModel, type ViewNode } from './model';

export interface Drawing {
  /** Node element by id. */
  nodes: Map<string, SVGGElement>;
  /** Edge elements, same order as the model's edges. */
  edges: SVGPathElement[];
  /** Content bounds (for fitting and exporting). */
  bounds: { x: number; y: number; width: number; height: number };
  /**
   * Adds the texts of these nodes (once each). Texts are what makes a large
   * graph slow to show, so the view fills only the nodes it shows, as they
   * come into view; exports fill all.
   */
  fill(ids: Iterable<string>): void;
  /** Moves the pinned headings to follow the view's horizontal pan and zoom. */
  placeHeadings(toScreenX: (x: number) => number): void;
}

const HEAD = 64;
const PAD = 24;

/** Width of a string in "average Latin character" units: wide (CJK) characters count two. */
function clip(text: string, units: number): string {
  let used = 0;
  let out = '';
  for (const ch of text.replace(/\s+/g, ' ')) {
    const w = ch.codePointAt(0)! >= 0x2e80 ? 2 : 1;
    if (used + w > units) return `${out.trimEnd()}…`;
    used += w;
    out += ch;
  }
  return out;
}

/** Path through the layout's points with horizontal tangents (edges run left to right). */
function edgePath(points: [number, number][]): string {
  if (points.length < 2) return '';
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const dx = (x1 - x0) / 2;
    d += `C${x0 + dx},${y0} ${x1 - dx},${y1} ${x1},${y1}`;
  }
  return d;
}

function nodeClass(v: ViewNode, model: ViewModel): string {
  const n = v.node;
  const classes = ['node', `kind-${n.kind}`, `stage-${n.stage}`];
  if (n.hit === true) classes.push('hit');
  if (n.hit === false) classes.push('miss');
  if (n.branch) classes.push(`branch-${n.branch}`);
  const cluster = n.cluster ? model.clusterOf.get(n.cluster) : undefined;
  if (cluster) classes.push('in-cluster', `slot-${cluster.slot}`);
  if (v.diff) classes.push(`status-${v.diff.status}`);
  if (v.diff?.hitChange) classes.push(`hit-${v.diff.hitChange}`);
  if (n.check?.contradicts) classes.push('contradicted');
  else if (n.check?.partly) classes.push('partly');
  if (n.check?.unreached) classes.push('unreached');
  if (n.influence) classes.push('weighted');
  if (v.diff && v.diff.aRank !== undefined && v.diff.bRank !== undefined && v.diff.aRank !== v.diff.bRank) classes.push('moved');
  return classes.join(' ');
}

/** Text at the right of the detail line: hit/miss, or the diff's hit change. */
function badge(v: ViewNode): string {
  if (v.diff?.hitChange === 'gained') return '✓ hit gained';
  if (v.diff?.hitChange === 'lost') return '✗ hit lost';
  if (v.node.hit === true) return '✓ hit';
  if (v.node.hit === false) return '✗ miss';
  return '';
}

const STATUS_MARK: Record<string, string> = { added: '+ ', removed: '− ', changed: '~ ', same: '' };

/** Full text for the tooltip: the node's text, and both sides' texts when a diff reworded it. */
export function tooltip(v: ViewNode): string {
  const d = v.diff;
  if (d?.aText !== undefined && d.bText !== undefined && d.aText !== d.bText) return `${v.node.id} (changed)\nbefore: ${d.aText}\nafter: ${d.bText}`;
  const n = v.node;
  const lines = [`${n.id}: ${n.text}`];
  if (n.check && n.check.messages.length > 0) lines.push('', ...n.check.messages);
  if (n.influence) lines.push('', `influence ${signed(n.influence.value)} log-probability (${Math.round(n.influence.weight * 100)}% of the strongest)`);
  return lines.join('\n');
}

/** Draws the graph into `svg` (replacing what was there) and returns its elements. */
export function draw(svg: SVGSVGElement, model: ViewModel, layout: LayoutResult): Drawing {
  const root = select(svg);
  root.selectAll('*').remove();
  root
    .attr('role', 'group')
    .attr('aria-roledescription', 'reasoning graph')
    .attr('aria-label', `${model.kind === 'diff' ? 'Diff graph' : 'Reasoning graph'} ${model.title}: ${model.nodes.length} nodes, ${model.edges.length} evidence links; arrow keys move between nodes, Enter reveals a node in the editor`);
  const viewport = root.append('g').attr('class', 'viewport');

  // Stage bands and column headings, behind everything.
  const bands = viewport.append('g').attr('class', 'bands').attr('aria-hidden', 'true');
  const headings: { className: string; x: number; y: number; text: string; middle: boolean }[] = [];
  const top = -HEAD;
  const height = layout.height + HEAD + PAD;
  for (const stage of GRAPH_STAGES) {
    const spans = model.columns.flatMap((c, i) => (c.stage === stage && layout.columnSpan.has(i) ? [layout.columnSpan.get(i)!] : []));
    if (spans.length === 0) continue;
    const x0 = Math.min(...spans.map((s) => s.x0)) - PAD;
    const x1 = Math.max(...spans.map((s) => s.x1)) + PAD;
    bands.append('rect').attr('class', `band band-${stage}`).attr('x', x0).attr('y', top).attr('width', x1 - x0).attr('height', height).attr('rx', 6);
    bands.append('text').attr('class', 'stage-label').attr('x', x0 + 10).attr('y', top + 20).text(stage);
    headings.push({ className: 'stage-label', x: x0 + 10, y: 18, text: stage, middle: false });
  }
  model.columns.forEach((c, i) => {
    const span = layout.columnSpan.get(i);
    if (!span) return;
    bands.append('text').attr('class', 'column-label').attr('x', (span.x0 + span.x1) / 2).attr('y', top + 44).attr('text-anchor', 'middle').text(c.name);
    headings.push({ className: 'column-label', x: (span.x0 + span.x1) / 2, y: 36, text: c.name, middle: true });
  });

  // The same headings pinned to the top of the view (they follow horizontal pan and zoom only), so a tall graph keeps its column names in sight.
  const pinned = root.append('g').attr('class', 'headings').attr('aria-hidden', 'true');
  pinned.append('rect').attr('class', 'headings-bg').attr('width', '100%').attr('height', 44);
  const headingEls = headings.map((h) => {
    const t = pinned.append('text').attr('class', h.className).attr('y', h.y).text(h.text);
    if (h.middle) t.attr('text-anchor', 'middle');
    return { el: t.node()!, x: h.x };
  });

  const edges = viewport
    .append('g')
    .attr('class', 'edges')
    .attr('aria-hidden', 'true')
    .selectAll<SVGPathElement, number>('path')
    .data(model.edges.map((_, i) => i))
    .join('path')
    .attr('class', (i) => `edge${model.edges[i].status ? ` status-${model.edges[i].status}` : ''}${model.edges[i].weight !== undefined ? ' weighted' : ''}`)
    .attr('d', (i) => edgePath(layout.edgePoints[i] ?? []));
  // The weight goes in as a custom property (CSSOM, allowed by the CSP); the stylesheet turns it into width and opacity, so highlighting still wins.
  edges.filter((i) => model.edges[i].weight !== undefined).style('--w', (i) => String(model.edges[i].weight));

  const placed = model.nodes.filter((v) => layout.pos.has(v.id));
  const nodes: Selection<SVGGElement, ViewNode, SVGGElement, unknown> = viewport
    .append('g')
    .attr('class', 'nodes')
    .selectAll<SVGGElement, ViewNode>('g')
    .data(placed)
    .join('g')
    .attr('class', (v) => nodeClass(v, model))
    .attr('transform', (v) => {
      const p = layout.pos.get(v.id)!;
      return `translate(${p.x - NODE_W / 2},${p.y - NODE_H / 2})`;
    })
    .attr('data-id', (v) => v.id)
    .attr('tabindex', -1)
    .attr('role', 'button')
    .attr('aria-label', (v) => describe(v, model));
  nodes.append('rect').attr('class', 'box').attr('width', NODE_W).attr('height', NODE_H).attr('rx', 4);
  nodes.filter('.in-cluster').append('rect').attr('class', 'band-mark').attr('width', 5).attr('height', NODE_H).attr('rx', 2);
  // Influence: a bar along the bottom edge, as long as the node's share of the strongest.
  nodes
    .filter('.weighted')
    .append('rect')
    .attr('class', 'influence-bar')
    .attr('x', 6)
    .attr('y', NODE_H - 5)
    .attr('height', 3)
    .attr('width', (v) => Math.max(1, (NODE_W - 12) * (v.node.influence?.weight ?? 0)));
  const byId = new Map<string, SVGGElement>();
  nodes.each(function (v) {
    byId.set(v.id, this);
  });
  const filled = new Set<string>();
  const fill = (ids: Iterable<string>): void => {
    for (const id of ids) {
      const el = byId.get(id);
      const v = model.byId.get(id);
      if (!el || !v || filled.has(id)) continue;
      filled.add(id);
      fillNode(el, v, model);
    }
  };
  return {
    nodes: byId,
    edges: edges.nodes(),
    bounds: { x: -PAD * 2, y: top - PAD, width: layout.width + PAD * 4, height: height + PAD * 2 },
    fill,
    placeHeadings: (toScreenX) => {
      for (const h of headingEls) h.el.setAttribute('x', String(toScreenX(h.x)));
    },
  };
}

function svgText(parent: SVGGElement, className: string, x: number, y: number, text: string, anchorEnd = false): void {
  const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
  t.setAttribute('class', className);
  t.setAttribute('x', String(x));
  t.setAttribute('y', String(y));
  if (anchorEnd) t.setAttribute('text-anchor', 'end');
  t.textContent = text;
  parent.append(t);
}

/** A node's texts: label, detail line, cluster tag, hit badge. */
function fillNode(el: SVGGElement, v: ViewNode, model: ViewModel): void {
  svgText(el, 'label', 12, 18, `${v.diff ? STATUS_MARK[v.diff.status] ?? '' : ''}${clip(v.node.label, (v.node.cluster ? 27 : 31) - (checkBadge(v.node) ? 4 : 0))}`);
  // Room for the detail beside the badge: monospace 10.5 px is about 6.3 px a character, the bold badge about 7.
  const mark = badge(v);
  svgText(el, 'detail', 12, 36, clip(detailLine(v), Math.floor((NODE_W - 28 - 7 * mark.length) / 6.3)));
  const cluster = v.node.cluster ? model.clusterOf.get(v.node.cluster) : undefined;
  if (cluster) svgText(el, 'tag', NODE_W - 6, 15, cluster.tag, true);
  if (mark) svgText(el, 'badge', NODE_W - 6, 36, mark, true);
  // The check badge takes the top corner, left of the cluster tag when there is one.
  const check = checkBadge(v.node);
  if (check) svgText(el, 'check-badge', cluster ? NODE_W - 8 - 7 * cluster.tag.length : NODE_W - 6, 15, check, true);
}
