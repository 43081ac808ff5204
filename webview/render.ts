/**
 * Draws a laid-out view model as SVG with d3-selection: stage bands and
 * column headings, evidence links, node boxes. Every string goes in with
 * `.text()` (never as markup), so a caption cannot inject anything.
 */
import { select, type Selection } from 'd3-selection';
import { NODE_H, NODE_W, type LayoutResult } from './layout';
import { describe, detailLine, STAGES, type ViewModel, type ViewNode } from './model';

export interface Drawing {
  /** Node element by id. */
  nodes: Map<string, SVGGElement>;
  /** Edge elements, same order as the model's edges. */
  edges: SVGPathElement[];
  /** Content bounds (for fitting and exporting). */
  bounds: { x: number; y: number; width: number; height: number };
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
  return `${v.node.id}: ${v.node.text}`;
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
  const top = -HEAD;
  const height = layout.height + HEAD + PAD;
  for (const stage of STAGES) {
    const spans = model.columns.flatMap((c, i) => (c.stage === stage && layout.columnSpan.has(i) ? [layout.columnSpan.get(i)!] : []));
    if (spans.length === 0) continue;
    const x0 = Math.min(...spans.map((s) => s.x0)) - PAD;
    const x1 = Math.max(...spans.map((s) => s.x1)) + PAD;
    bands.append('rect').attr('class', `band band-${stage}`).attr('x', x0).attr('y', top).attr('width', x1 - x0).attr('height', height).attr('rx', 6);
    bands.append('text').attr('class', 'stage-label').attr('x', x0 + 10).attr('y', top + 20).text(stage);
  }
  model.columns.forEach((c, i) => {
    const span = layout.columnSpan.get(i);
    if (!span) return;
    bands.append('text').attr('class', 'column-label').attr('x', (span.x0 + span.x1) / 2).attr('y', top + 44).attr('text-anchor', 'middle').text(c.name);
  });

  const edges = viewport
    .append('g')
    .attr('class', 'edges')
    .attr('aria-hidden', 'true')
    .selectAll<SVGPathElement, number>('path')
    .data(model.edges.map((_, i) => i))
    .join('path')
    .attr('class', (i) => `edge${model.edges[i].status ? ` status-${model.edges[i].status}` : ''}`)
    .attr('d', (i) => edgePath(layout.edgePoints[i] ?? []));

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
  nodes.append('text').attr('class', 'label').attr('x', 12).attr('y', 18).text((v) => `${v.diff ? STATUS_MARK[v.diff.status] ?? '' : ''}${clip(v.node.label, v.node.cluster ? 27 : 31)}`);
  // Room for the detail beside the badge: monospace 10.5 px is about 6.3 px a character, the bold badge about 6.5.
  nodes
    .append('text')
    .attr('class', 'detail')
    .attr('x', 12)
    .attr('y', 36)
    .text((v) => clip(detailLine(v), Math.floor((NODE_W - 26 - 6.5 * badge(v).length) / 6.3)));
  nodes
    .filter('.in-cluster')
    .append('text')
    .attr('class', 'tag')
    .attr('x', NODE_W - 6)
    .attr('y', 15)
    .attr('text-anchor', 'end')
    .text((v) => model.clusterOf.get(v.node.cluster!)!.tag);
  nodes
    .filter((v) => badge(v) !== '')
    .append('text')
    .attr('class', 'badge')
    .attr('x', NODE_W - 6)
    .attr('y', 36)
    .attr('text-anchor', 'end')
    .text(badge);

  const byId = new Map<string, SVGGElement>();
  nodes.each(function (v) {
    byId.set(v.id, this);
  });
  return {
    nodes: byId,
    edges: edges.nodes(),
    bounds: { x: -PAD * 2, y: top - PAD, width: layout.width + PAD * 4, height: height + PAD * 2 },
  };
}
