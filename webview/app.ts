/**
 * The graph view: builds the page skeleton, draws a payload, and handles
 * zoom and pan, the layer filter, search, selection, keyboard moves,
 * highlights from the editor, exports and saved state.
 */
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { drawHeader, drawLegend } from './header';
import { exportPng, exportSvg } from './export';
import type { Host, SavedState } from './host';
import { gridLayout, layoutGraph, NODE_H, NODE_W, type LayoutInput, type LayoutResult } from './layout';
import { describe, matches, viewModel, type Payload, type ViewModel } from './model';
import { links, move, type Direction, type NavigationGraph } from './navigation';
import { draw, tooltip, type Drawing } from './render';

/** Zoom below which node texts are hidden (and not created): smaller than about 3 px. */
const FAR_SCALE = 0.25;

interface Shown {
  payload: Payload;
  /** The payload as JSON, to skip redrawing when the host re-sends what is already shown. */
  json: string;
  model: ViewModel;
  layout: LayoutResult;
  drawing: Drawing;
  nav: NavigationGraph;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class GraphView {
  private readonly header = el('header', 'rl-header');
  private readonly filters = el('fieldset', 'rl-filters');
  private readonly search = el('input', 'rl-search');
  private readonly count = el('span', 'rl-count');
  private readonly legend = el('div', 'rl-legend');
  private readonly canvas = el('div', 'rl-canvas');
  private readonly svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  private readonly live = el('div', 'rl-live');
  private readonly error = el('div', 'rl-error');
  private readonly zoomer: ZoomBehavior<SVGSVGElement, unknown>;
  private shown: Shown | undefined;
  private transform: ZoomTransform = zoomIdentity;
  private hidden = new Set<string>();
  private query = '';
  private matchIds: string[] = [];
  private matchIndex = -1;
  private selected: string | null = null;
  private highlighted: string | null = null;
  /** Set while loading, so the steps of one load save state once. */
  private loading = false;
  /** Size of the graph's area, kept by a ResizeObserver so drawing never waits on a forced layout. */
  private size = { width: 0, height: 0 };

  constructor(
    root: HTMLElement,
    private readonly host: Host,
    /** Which layout draws the graph; the grid is the benchmark's baseline. */
    private readonly layoutKind: 'layered' | 'grid' = 'layered',
  ) {
    const toolbar = el('div', 'rl-toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Graph tools');
    const legendText = el('legend', 'rl-filters-caption', 'Layers');
    this.filters.append(legendText);
    this.search.type = 'search';
    this.search.placeholder = 'Search nodes (Enter: next)';
    this.search.setAttribute('aria-label', 'Search nodes; Enter moves to the next match');
    this.count.setAttribute('aria-live', 'polite');
    const buttons = el('span', 'rl-buttons');
    const button = (text: string, label: string, onClick: () => void) => {
      const b = el('button', 'rl-button', text);
      b.type = 'button';
      b.setAttribute('aria-label', label);
      b.addEventListener('click', onClick);
      buttons.append(b);
    };
    button('Fit', 'Fit the whole graph in view', () => this.fit(true));
    button('Export SVG', 'Export the graph as SVG', () => void this.export('svg'));
    button('Export PNG', 'Export the graph as PNG', () => void this.export('png'));
    toolbar.append(this.filters, this.search, this.count, buttons);
    this.live.setAttribute('aria-live', 'polite');
    this.live.setAttribute('role', 'status');
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.canvas.append(this.svg);
    root.append(this.header, toolbar, this.legend, this.error, this.canvas, this.live);

    new ResizeObserver(([entry]) => {
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
    }).observe(this.canvas);
    this.zoomer = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.02, 4])
      // d3-zoom would otherwise read the SVG's size from layout on every transform.
      .extent(() => [[0, 0], [this.size.width || 1, this.size.height || 1]])
      .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.transform = e.transform;
        this.svg.querySelector('.viewport')?.setAttribute('transform', e.transform.toString());
        this.shown?.drawing.placeHeadings((x) => e.transform.applyX(x));
        this.fillVisible();
      })
      .on('end', () => this.save());
    select(this.svg).call(this.zoomer).on('dblclick.zoom', null);

    this.search.addEventListener('input', () => this.setQuery(this.search.value));
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.nextMatch(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        this.search.value = '';
        this.setQuery('');
      }
    });
    this.svg.addEventListener('click', (e) => {
      const id = this.nodeIdOf(e.target);
      if (id) {
        this.select(id, { focus: true });
        this.reveal(id);
      }
    });
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    // Tooltips (the node's full text) are added on first hover rather than for every node up front.
    this.svg.addEventListener('pointerover', (e) => {
      const node = (e.target as Element | null)?.closest?.('.node');
      const v = node && this.shown?.model.byId.get(node.getAttribute('data-id') ?? '');
      if (!node || !v || node.querySelector('title')) return;
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = tooltip(v);
      node.append(title);
    });
    this.svg.addEventListener('focusin', (e) => {
      const id = this.nodeIdOf(e.target);
      if (id && id !== this.selected) this.select(id, { focus: false });
    });
  }

  /** Draws a payload. View state (zoom, filters, query, selection) comes from `saved`, else carries over from what was shown. */
  load(payload: Payload, saved?: Partial<SavedState>): void {
    const json = JSON.stringify(payload);
    if (this.shown && this.shown.json === json && !saved) return;
    const first = !this.shown;
    this.loading = true;
    try {
      this.render(payload, json, first, saved);
    } finally {
      this.loading = false;
    }
    this.save();
  }

  private render(payload: Payload, json: string, first: boolean, saved: Partial<SavedState> | undefined): void {
    // Measured before the new graph is in the page, while layout is cheap (the observer reports only after a frame).
    const rect = this.canvas.getBoundingClientRect();
    this.size = { width: rect.width, height: rect.height };
    const model = viewModel(payload);
    const input: LayoutInput = { ids: model.nodes.map((n) => n.id), columns: model.nodes.map((n) => n.column), edges: model.edges };
    let layout: LayoutResult;
    try {
      layout = this.layoutKind === 'grid' ? gridLayout(input) : layoutGraph(input);
    } catch (e) {
      // A graph the layered layout cannot take still gets drawn, in plain columns.
      console.warn('RecLens: layered layout failed, drawing columns instead:', e);
      layout = gridLayout(input);
    }
    const drawing = draw(this.svg, model, layout);
    const columnOf = new Map(model.nodes.map((n) => [n.id, n.column]));
    const nav: NavigationGraph = { pos: layout.pos, columnOf, ...links(model.edges), visible: (id) => !this.hidden.has(model.byId.get(id)?.node.layer ?? '') };
    this.shown = { payload, json, model, layout, drawing, nav };
    this.error.hidden = true;

    drawHeader(this.header, payload, model);
    drawLegend(this.legend, model, (key) => this.spotlight(key));
    this.hidden = new Set((saved?.filters ?? [...this.hidden]).filter((name) => model.columns.some((c) => c.name === name)));
    this.drawFilters(model);
    this.applyFilters();
    const query = saved?.query ?? this.query;
    this.search.value = query;
    this.setQuery(query, false);
    const selected = saved?.selected !== undefined ? saved.selected : this.selected;
    this.selected = null;
    if (selected && model.byId.has(selected)) this.select(selected, { focus: false, announce: false });
    else this.setTabStop(model.nodes[0]?.id ?? null);
    if (this.highlighted) this.highlight(this.highlighted, false);
    if (saved?.transform) this.applyTransform(zoomIdentity.translate(saved.transform.x, saved.transform.y).scale(saved.transform.k));
    else if (first) this.fit(false);
    else this.applyTransform(this.transform);
    this.fillVisible();
  }

  /** Adds the texts of the nodes in (or near) view; below FAR_SCALE texts are unreadable, hidden and not added. */
  private fillVisible(): void {
    const shown = this.shown;
    if (!shown) return;
    const t = this.transform;
    const far = t.k < FAR_SCALE;
    this.svg.classList.toggle('far', far);
    if (far) return;
    // The view in graph units, with half a view of margin each way so small pans need nothing new.
    const [x0, y0] = t.invert([-this.size.width / 2, -this.size.height / 2]);
    const [x1, y1] = t.invert([this.size.width * 1.5, this.size.height * 1.5]);
    const ids: string[] = [];
    for (const [id, p] of shown.layout.pos) {
      if (p.x + NODE_W / 2 >= x0 && p.x - NODE_W / 2 <= x1 && p.y + NODE_H / 2 >= y0 && p.y - NODE_H / 2 <= y1) ids.push(id);
    }
    shown.drawing.fill(ids);
  }

  /** Marks the node the editor's cursor is on (null: none) and brings it into view. */
  highlight(nodeId: string | null, scroll = true): void {
    this.highlighted = nodeId;
    const drawing = this.shown?.drawing;
    if (!drawing) return;
    this.svg.querySelectorAll('.node.highlighted').forEach((e) => e.classList.remove('highlighted'));
    const node = nodeId ? drawing.nodes.get(nodeId) : undefined;
    if (!node) return;
    node.classList.add('highlighted');
    if (scroll) this.scrollTo(nodeId!);
  }

  /** Shows a message from the host (or a failure here) above the graph. */
  showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  private nodeIdOf(target: EventTarget | null): string | undefined {
    const node = (target as Element | null)?.closest?.('.node');
    return node?.getAttribute('data-id') ?? undefined;
  }

  private drawFilters(model: ViewModel): void {
    this.filters.querySelectorAll('label').forEach((label) => label.remove());
    const present = new Set(model.nodes.map((n) => n.column));
    model.columns.forEach((c, i) => {
      if (!present.has(i)) return;
      const label = el('label', 'rl-filter');
      const box = el('input', 'rl-filter-box');
      box.type = 'checkbox';
      box.checked = !this.hidden.has(c.name);
      box.dataset.layer = c.name;
      box.addEventListener('change', () => {
        if (box.checked) this.hidden.delete(c.name);
        else this.hidden.add(c.name);
        this.applyFilters();
        this.save();
      });
      label.append(box, document.createTextNode(c.name));
      this.filters.append(label);
    });
  }

  private applyFilters(): void {
    const shown = this.shown;
    if (!shown) return;
    for (const [id, e] of shown.drawing.nodes) e.classList.toggle('filtered', this.hidden.has(shown.model.byId.get(id)!.node.layer));
    shown.model.edges.forEach((edge, i) => {
      const hide = [edge.source, edge.target].some((id) => {
        const v = shown.model.byId.get(id);
        return !v || this.hidden.has(v.node.layer);
      });
      shown.drawing.edges[i]?.classList.toggle('filtered', hide);
    });
  }

  private setQuery(query: string, save = true): void {
    this.query = query;
    const shown = this.shown;
    if (!shown) return;
    this.matchIds = [];
    for (const v of shown.model.nodes) {
      const hit = matches(v.node, query);
      shown.drawing.nodes.get(v.id)?.classList.toggle('match', hit);
      if (hit) this.matchIds.push(v.id);
    }
    this.svg.classList.toggle('searching', query.trim() !== '');
    this.matchIndex = -1;
    this.count.textContent = query.trim() ? `${this.matchIds.length} match${this.matchIds.length === 1 ? '' : 'es'}` : '';
    if (save) this.save();
  }

  private nextMatch(step: 1 | -1): void {
    if (this.matchIds.length === 0) return;
    this.matchIndex = (this.matchIndex + step + this.matchIds.length) % this.matchIds.length;
    const id = this.matchIds[this.matchIndex];
    this.count.textContent = `${this.matchIndex + 1} / ${this.matchIds.length}`;
    this.svg.querySelectorAll('.node.current-match').forEach((e) => e.classList.remove('current-match'));
    this.shown?.drawing.nodes.get(id)?.classList.add('current-match');
    this.select(id, { focus: false });
    this.scrollTo(id);
  }

  private spotlight(key: string | null): void {
    this.svg.classList.toggle('spotlight', key !== null);
    const shown = this.shown;
    if (!shown) return;
    for (const [id, e] of shown.drawing.nodes) e.classList.toggle('in-spotlight', key !== null && shown.model.byId.get(id)!.node.cluster === key);
  }

  private setTabStop(id: string | null): void {
    this.svg.querySelectorAll('.node[tabindex="0"]').forEach((e) => e.setAttribute('tabindex', '-1'));
    if (id) this.shown?.drawing.nodes.get(id)?.setAttribute('tabindex', '0');
  }

  private select(id: string, opts: { focus: boolean; announce?: boolean }): void {
    const shown = this.shown;
    const node = shown?.drawing.nodes.get(id);
    if (!shown || !node) return;
    this.selected = id;
    this.svg.querySelectorAll('.selected, .adjacent').forEach((e) => e.classList.remove('selected', 'adjacent'));
    node.classList.add('selected');
    shown.model.edges.forEach((e, i) => {
      if (e.source === id || e.target === id) shown.drawing.edges[i]?.classList.add('adjacent');
    });
    this.setTabStop(id);
    if (opts.focus) {
      node.focus({ preventScroll: true });
      this.scrollTo(id);
    }
    if (opts.announce !== false) this.live.textContent = `Selected ${describe(shown.model.byId.get(id)!, shown.model)}`;
    this.save();
  }

  private reveal(id: string): void {
    this.host.post({ type: 'reveal', nodeId: id });
  }

  private onKey(e: KeyboardEvent): void {
    const shown = this.shown;
    if (!shown) return;
    const id = this.nodeIdOf(e.target);
    if (e.key.startsWith('Arrow') && id) {
      const to = move(id, e.key as Direction, shown.nav);
      e.preventDefault();
      if (to) this.select(to, { focus: true });
    } else if ((e.key === 'Enter' || e.key === ' ') && id) {
      e.preventDefault();
      this.reveal(id);
    } else if (e.key === '+' || e.key === '=') {
      this.zoomer.scaleBy(select(this.svg), 1.25);
    } else if (e.key === '-') {
      this.zoomer.scaleBy(select(this.svg), 0.8);
    } else if (e.key === '0') {
      this.fit(true);
    }
  }

  /** Pans (scale unchanged) so the node is in view when it is not. */
  private scrollTo(id: string): void {
    const p = this.shown?.layout.pos.get(id);
    if (!p) return;
    const { width, height } = this.size;
    const t = this.transform;
    const [x0, y0] = t.apply([p.x - NODE_W / 2, p.y - NODE_H / 2]);
    const [x1, y1] = t.apply([p.x + NODE_W / 2, p.y + NODE_H / 2]);
    if (x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height) return;
    this.applyTransform(zoomIdentity.translate(width / 2 - p.x * t.k, height / 2 - p.y * t.k).scale(t.k));
  }

  /**
   * Fits the graph's width (all of it when `whole`). A graph taller than the
   * view shows its middle, where the columns overlap (the layout centres a
   * short column on its links); the pinned headings name the columns.
   */
  private fit(whole: boolean): void {
    const b = this.shown?.drawing.bounds;
    if (!b) return;
    const { width, height } = this.size;
    if (width === 0 || height === 0) return;
    const k = Math.max(0.02, Math.min(1, width / b.width, whole ? height / b.height : Infinity));
    const dy = b.height * k <= height ? -b.y * k : (height - b.height * k) / 2 - b.y * k;
    this.applyTransform(zoomIdentity.translate((width - b.width * k) / 2 - b.x * k, dy).scale(k));
    this.save();
  }

  private applyTransform(t: ZoomTransform): void {
    select(this.svg).call(this.zoomer.transform, t);
  }

  private async export(format: 'svg' | 'png'): Promise<void> {
    const drawing = this.shown?.drawing;
    if (!drawing) return;
    try {
      // The export holds every text, whatever the zoom.
      drawing.fill(drawing.nodes.keys());
      const far = this.svg.classList.contains('far');
      this.svg.classList.remove('far');
      let svgText: string;
      try {
        svgText = exportSvg(this.svg, drawing.bounds);
      } finally {
        this.svg.classList.toggle('far', far);
      }
      const data = format === 'svg' ? svgText : await exportPng(svgText, drawing.bounds);
      this.host.post({ type: 'export', format, data });
    } catch (e) {
      this.showError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private save(): void {
    if (!this.shown || this.loading) return;
    const t = this.transform;
    this.host.setState({ payload: this.shown.payload, transform: { k: t.k, x: t.x, y: t.y }, filters: [...this.hidden], query: this.query, selected: this.selected });
  }
}
