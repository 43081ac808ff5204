/**
 * The strip above the graph: title and header fields; the trace's metrics
 * and its reasoning report's summary, or a diff's side-by-side metric strip
 * and summary lines; the legend of clusters, marks and influence. DOM built with textContent only.
 */
import type { Payload, ViewModel } from './model';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(3));

/** Fills `header` with the payload's title, fields and metrics. */
export function drawHeader(header: HTMLElement, payload: Payload, model: ViewModel): void {
  header.replaceChildren();
  const title = el('h1', 'rl-title', model.title);
  header.append(title);
  if ('graph' in payload) {
    const g = payload.graph;
    const fields = el('p', 'rl-fields');
    for (const [k, v] of Object.entries(g.header ?? {})) fields.append(el('span', 'rl-field', `${k}: ${v}`));
    const m = g.metrics;
    if (m) {
      fields.append(
        el('span', 'rl-field rl-metric', `hits ${m.hits}/${m.recommendations}`),
        el('span', 'rl-field rl-metric', `first hit ${m.firstHit !== undefined ? `#${m.firstHit}` : '–'}`),
        el('span', 'rl-field rl-metric', `${m.steps} steps, ${m.history} history items, ${m.targets} targets`),
      );
    }
    header.append(fields);
    if (g.checks && g.checks.summary.length > 0) header.append(checksSummary(g.checks.summary));
    return;
  }
  const d = payload.diff;
  // Side-by-side metric strip: one cell per metric with A, B and the change.
  const strip = el('div', 'rl-strip');
  strip.setAttribute('role', 'table');
  strip.setAttribute('aria-label', `Metrics, ${d.a.title} against ${d.b.title}`);
  const headRow = el('div', 'rl-strip-row rl-strip-head');
  headRow.setAttribute('role', 'row');
  for (const text of ['', d.a.title, d.b.title, 'change']) {
    const c = el('span', 'rl-strip-cell', text);
    c.setAttribute('role', 'columnheader');
    headRow.append(c);
  }
  strip.append(headRow);
  for (const m of d.metrics) {
    const row = el('div', 'rl-strip-row');
    row.setAttribute('role', 'row');
    const delta = m.a !== null && m.b !== null ? m.b - m.a : null;
    // Better is up, except for ranks (a first hit at rank 1 beats rank 3).
    const better = delta === null || delta === 0 ? '' : (delta > 0) !== /rank/i.test(m.name) ? ' better' : ' worse';
    const cells = [
      el('span', 'rl-strip-cell rl-strip-name', m.name),
      el('span', 'rl-strip-cell', fmt(m.a)),
      el('span', 'rl-strip-cell', fmt(m.b)),
      el('span', `rl-strip-cell rl-delta${better}`, delta === null ? '' : delta === 0 ? '=' : `${delta > 0 ? '+' : ''}${fmt(delta)}`),
    ];
    cells[0].setAttribute('role', 'rowheader');
    for (const c of cells.slice(1)) c.setAttribute('role', 'cell');
    row.append(...cells);
    strip.append(row);
  }
  header.append(strip);
  const summary = el('ul', 'rl-summary');
  for (const line of d.summary) summary.append(el('li', undefined, line));
  header.append(summary);
}

/** The reasoning report's rows, a finding marked ⚠; a disclosure (open when there is a finding) so a narrow panel can fold it away. */
function checksSummary(rows: { name: string; value: string; flag?: boolean }[]): HTMLElement {
  const box = el('details', 'rl-checks');
  const flagged = rows.filter((r) => r.flag).length;
  box.open = flagged > 0;
  box.append(el('summary', 'rl-checks-caption', `reasoning checks: ${flagged === 0 ? 'nothing to look at' : `${flagged} finding${flagged === 1 ? '' : 's'}`}`));
  const list = el('p', 'rl-checks-rows');
  for (const r of rows) {
    const item = el('span', `rl-check${r.flag ? ' flag' : ''}`);
    item.append(el('span', 'rl-check-name', `${r.flag ? '⚠ ' : ''}${r.name.trim()}`), el('span', 'rl-check-value', ` ${r.value}`));
    list.append(item);
  }
  box.append(list);
  return box;
}

/** Fills `legend` with the clusters (buttons that spotlight their nodes) and the marks' meaning. */
export function drawLegend(legend: HTMLElement, model: ViewModel, onCluster: (key: string | null) => void): void {
  legend.replaceChildren();
  const marks = el('span', 'rl-legend-marks');
  if (model.kind === 'diff') {
    for (const [cls, text] of [['added', '+ added'], ['removed', '− removed'], ['changed', '~ changed'], ['same', 'same']]) marks.append(el('span', `rl-mark status-${cls}`, text));
  }
  marks.append(el('span', 'rl-mark hit', '✓ hit'), el('span', 'rl-mark miss', '✗ miss'));
  if (model.marked) marks.append(el('span', 'rl-mark check-contradicts', '⚠ contradicts the table / cluster not reached'), el('span', 'rl-mark check-partly', '≈ partly'));
  if (model.checks?.influence) {
    const weights = el('span', 'rl-mark rl-influence');
    weights.title = 'Counterfactual influence: how much leaving the item or step out moves the log-probability of the recommendations and the ground truth';
    weights.append(el('span', 'rl-legend-caption', 'influence:'), el('span', 'rl-weight low'), el('span', undefined, 'low'), el('span', 'rl-weight high'), el('span', undefined, 'high'));
    if (model.checks.decorative) weights.append(el('span', 'rl-decorative', '(decorative chain)'));
    marks.append(weights);
  }
  legend.append(marks);
  const shown = model.clusters.slice(0, 12);
  if (shown.length === 0) return;
  const list = el('span', 'rl-legend-clusters');
  list.append(el('span', 'rl-legend-caption', 'clusters:'));
  for (const c of shown) {
    const b = el('button', `rl-cluster slot-${c.slot}`);
    b.type = 'button';
    b.dataset.cluster = c.key;
    b.setAttribute('aria-pressed', 'false');
    b.title = `${c.code} (${c.count} nodes)`;
    b.append(el('span', 'rl-swatch'), el('span', 'rl-cluster-tag', c.tag), el('span', 'rl-cluster-name', `${c.label ?? c.key} (${c.count})`));
    b.addEventListener('click', () => {
      const on = b.getAttribute('aria-pressed') !== 'true';
      list.querySelectorAll('button').forEach((other) => other.setAttribute('aria-pressed', 'false'));
      b.setAttribute('aria-pressed', String(on));
      onCluster(on ? c.key : null);
    });
    list.append(b);
  }
  if (model.clusters.length > shown.length) list.append(el('span', 'rl-legend-more', `+${model.clusters.length - shown.length} more`));
  legend.append(list);
}
