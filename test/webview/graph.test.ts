/**
 * The graph webview in headless Chromium: the built bundle in a page that
 * stands in for VS Code's webview, asserted on the SVG it draws and the
 * messages and state it hands the host. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { isWebviewMessage } from '../../protocol/webview';
import type { SavedState } from '../../webview/host';
import { launchBrowser, openWebview, posted, savedState, screenshot, send } from './browser';
import { generateGraph, HOSTILE_LABEL, smallDiff, smallGraph } from './fixtures';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A page showing the small graph (dark theme unless told). */
async function showGraph(theme: 'dark' | 'light' = 'dark'): Promise<{ page: Page; errors: string[] }> {
  const opened = await openWebview(browser, { theme });
  await send(opened.page, { type: 'graph', graph: smallGraph() });
  await opened.page.locator('.node').first().waitFor();
  return opened;
}

const idsOf = (page: Page, selector: string): Promise<string[]> => page.$$eval(selector, (els) => els.map((e) => e.getAttribute('data-id') ?? ''));

describe('graph view', () => {
  test('draws every node and edge of the payload, with labels, hit/miss and clusters; says it is ready', async () => {
    const g = smallGraph();
    const { page, errors } = await showGraph();
    assert.equal(await page.locator('svg .node').count(), g.nodes.length);
    assert.equal(await page.locator('svg .edge').count(), g.edges.length);
    const labels = await page.$$eval('svg .node .label', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(labels.includes('Ten-minute noodle soup'), labels.join(' | '));
    assert.ok(labels.includes('Cooks at home on weekday evenin…'), `a long label is clipped with an ellipsis: ${labels.join(' | ')}`);
    assert.deepEqual((await idsOf(page, '.node.hit')).sort(), ['rec1', 'rec3']);
    assert.deepEqual((await idsOf(page, '.node.miss')).sort(), ['rec2', 'rec4']);
    assert.equal(await page.locator('.node[data-id="rec1"] .badge').textContent(), '✓ hit');
    assert.match((await page.locator('.node[data-id="rec1"] .detail').textContent()) ?? '', /^#1 · -0\.42 · 340\.6566/);
    // Clusters: a colour band and a tag on each member, a legend entry per cluster.
    const clustered = g.nodes.filter((n) => n.cluster).length;
    assert.equal(await page.locator('.node .band-mark').count(), clustered);
    assert.equal(await page.locator('.node[data-id="h1"] .tag').textContent(), 'K1');
    assert.deepEqual(await page.$$eval('.rl-cluster .rl-cluster-name', (els) => els.map((e) => e.textContent)), ['home cooking (5)', 'outdoor sport (3)', '77.1 (1)']);
    // Columns by stage.
    assert.deepEqual(await page.$$eval('.headings .stage-label', (els) => els.map((e) => e.textContent)), ['history', 'perception', 'cognition', 'recommendation']);
    const x = async (id: string) => (await page.locator(`.node[data-id="${id}"]`).boundingBox())!.x;
    assert.ok((await x('h1')) < (await x('p1')) && (await x('p1')) < (await x('c1')) && (await x('c1')) < (await x('c4')) && (await x('c4')) < (await x('r1')) && (await x('r1')) < (await x('rec1')));
    assert.ok((await x('c1')) < (await x('c3')), 'a step citing a step of its own layer stands right of it');
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a hostile caption renders as text and runs nothing', async () => {
    const { page } = await showGraph();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    const h3 = page.locator('.node[data-id="h3"]');
    assert.equal(await h3.locator('.label').textContent(), '<img src=x onerror=window._…');
    assert.ok((await h3.getAttribute('aria-label'))!.includes(HOSTILE_LABEL));
    await h3.hover();
    assert.ok((await h3.locator('title').textContent())!.includes(HOSTILE_LABEL), 'the tooltip holds the literal caption');
    await page.close();
  });

  test('layer filter hides a layer and the links that touch it; the choice is saved', async () => {
    const { page } = await showGraph();
    await page.locator('.rl-filter-box[data-layer="perception"]').uncheck();
    const hidden = await page.$$eval('.node', (els) => els.filter((e) => getComputedStyle(e).display === 'none').map((e) => e.getAttribute('data-id')));
    assert.deepEqual(hidden.sort(), ['p1', 'p2', 'p3']);
    const perceptionEdges = smallGraph().edges.filter((e) => /^p/.test(e.source) || /^p/.test(e.target)).length;
    assert.equal(await page.$$eval('.edge', (els) => els.filter((e) => getComputedStyle(e).display === 'none').length), perceptionEdges);
    assert.deepEqual((await savedState(page))?.filters, ['perception']);
    await page.locator('.rl-filter-box[data-layer="perception"]').check();
    assert.equal(await page.$$eval('.node', (els) => els.filter((e) => getComputedStyle(e).display === 'none').length), 0);
    await page.close();
  });

  test('search highlights matching nodes; Enter cycles through them', async () => {
    const { page } = await showGraph();
    await page.locator('.rl-search').fill('noodle');
    assert.deepEqual((await idsOf(page, '.node.match')).sort(), ['gt1', 'h2', 'rec1']);
    assert.equal(await page.locator('.rl-count').textContent(), '3 matches');
    await page.locator('.rl-search').press('Enter');
    const first = await idsOf(page, '.node.current-match');
    assert.equal(first.length, 1);
    assert.equal(await page.locator('.rl-count').textContent(), '1 / 3');
    await page.locator('.rl-search').press('Enter');
    const second = await idsOf(page, '.node.current-match');
    assert.notDeepEqual(second, first);
    assert.deepEqual(await idsOf(page, '.node.selected'), second);
    assert.equal((await savedState(page))?.query, 'noodle');
    await page.close();
  });

  test('keyboard: Tab reaches a node, arrows follow links and columns, Enter reveals, the live region announces', async () => {
    const { page } = await showGraph();
    assert.equal(await page.locator('.node[tabindex="0"]').count(), 1, 'one tab stop among the nodes');
    await page.locator('.node[data-id="h1"]').focus();
    await page.keyboard.press('ArrowRight');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    assert.equal(await focused(), 'p1', 'h1 is evidence for p1');
    assert.match((await page.locator('.rl-live').textContent()) ?? '', /^Selected Step p1: h1 and h2 are home cooking videos/);
    await page.keyboard.press('ArrowRight');
    assert.ok(['c1', 'c3'].includes((await focused())!));
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focused(), 'p1');
    // Up or down (whichever way p1 has a neighbour) stays in the perception column.
    const pY = async (id: string) => (await page.locator(`.node[data-id="${id}"]`).boundingBox())!.y;
    const lowest = (await pY('p1')) >= Math.max(await pY('p2'), await pY('p3'));
    await page.keyboard.press(lowest ? 'ArrowUp' : 'ArrowDown');
    const below = await focused();
    assert.ok(below && below !== 'p1' && /^p/.test(below), `up/down stays in the perception column (${below})`);
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', nodeId: below });
    assert.equal(await page.locator(`.node[data-id="${below}"]`).getAttribute('tabindex'), '0');
    // A visible focus ring.
    const stroke = await page.locator(`.node[data-id="${below}"] .box`).evaluate((e) => getComputedStyle(e).strokeWidth);
    assert.equal(stroke, '3.5px');
    // Clicking a node reveals it too.
    await page.locator('.node[data-id="rec2"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', nodeId: 'rec2' });
    for (const m of await posted(page)) assert.ok(isWebviewMessage(m), JSON.stringify(m));
    await page.close();
  });

  test('a highlight from the editor marks the node and brings it into view', async () => {
    const { page } = await openWebview(browser);
    await send(page, { type: 'graph', graph: generateGraph({ history: 10, perception: 60, derivation: 30, evolution: 10, recommendationSteps: 10, recommendations: 10 }) });
    await page.locator('.node').first().waitFor();
    await send(page, { type: 'highlight', nodeId: 'p60' });
    await page.locator('.node.highlighted').waitFor();
    assert.deepEqual(await idsOf(page, '.node.highlighted'), ['p60']);
    const box = (await page.locator('.node[data-id="p60"]').boundingBox())!;
    const canvas = (await page.locator('.rl-canvas').boundingBox())!;
    assert.ok(box.y >= canvas.y && box.y + box.height <= canvas.y + canvas.height, 'the highlighted node is inside the view');
    await send(page, { type: 'highlight', nodeId: null });
    await page.waitForFunction(() => document.querySelectorAll('.node.highlighted').length === 0);
    await page.close();
  });

  test('state survives a reload: the payload, zoom, filters, search and selection come back from getState', async () => {
    const { page } = await showGraph();
    await page.locator('.rl-filter-box[data-layer="evolution"]').uncheck();
    await page.locator('.rl-search').fill('cook');
    await page.locator('.node[data-id="c1"]').click();
    const k0 = (await savedState(page))!.transform!.k;
    await page.mouse.move(700, 600);
    await page.mouse.wheel(0, -300);
    // d3-zoom ends a wheel gesture 150 ms after the last wheel event; then the transform is saved.
    await page.waitForFunction((before) => {
      const t = (window as unknown as { __state?: SavedState }).__state?.transform;
      return t !== undefined && t.k > before && document.querySelector('.viewport')?.getAttribute('transform') === `translate(${t.x},${t.y}) scale(${t.k})`;
    }, k0);
    const state = (await savedState(page))!;
    const transform = await page.locator('.viewport').getAttribute('transform');
    assert.equal(state.selected, 'c1');
    assert.deepEqual(state.filters, ['evolution']);
    assert.equal(state.query, 'cook');
    assert.ok(state.transform && state.transform.k > 0);
    await page.close();

    // A reloaded webview: VS Code hands the saved state back; no graph message is needed to draw.
    const reloaded = await openWebview(browser, { state: JSON.parse(JSON.stringify(state)) });
    const p = reloaded.page;
    await p.locator('.node').first().waitFor();
    assert.equal(await p.locator('.viewport').getAttribute('transform'), transform);
    assert.equal(await p.locator('.rl-filter-box[data-layer="evolution"]').isChecked(), false);
    assert.equal(await p.locator('.rl-search').inputValue(), 'cook');
    assert.deepEqual(await idsOf(p, '.node.selected'), ['c1']);
    assert.ok((await idsOf(p, '.node.match')).includes('c1'));
    // The host re-sends the same graph after "ready": nothing is redrawn or reset.
    await send(p, { type: 'graph', graph: smallGraph() });
    await p.waitForTimeout(50);
    assert.equal(await p.locator('.viewport').getAttribute('transform'), transform);
    assert.deepEqual(await idsOf(p, '.node.selected'), ['c1']);
    assert.deepEqual(reloaded.errors, []);
    await p.close();
  });

  test('exports SVG with inlined styles and PNG, as messages the host accepts', async () => {
    const { page } = await showGraph();
    await page.getByRole('button', { name: 'Export the graph as SVG' }).click();
    await page.getByRole('button', { name: 'Export the graph as PNG' }).click();
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'export').length === 2);
    const exports = (await posted(page)).filter((m) => m.type === 'export');
    for (const m of exports) assert.ok(isWebviewMessage(m));
    const [svg, png] = exports as { format: string; data: string }[];
    assert.equal(svg.format, 'svg');
    assert.match(svg.data, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg.data, /style="[^"]*fill: rgb\(/, 'computed colours are inlined');
    assert.ok(!svg.data.includes('var(--vscode'), 'no theme variables left');
    assert.ok(svg.data.includes('&lt;img src=x onerror'), 'the hostile caption stays escaped text');
    assert.equal((svg.data.match(/class="node /g) ?? []).length, smallGraph().nodes.length);
    assert.equal(png.format, 'png');
    assert.ok(png.data.startsWith('data:image/png;base64,') && png.data.length > 10_000);
    await page.close();
  });

  test('screenshots in dark and light themes', async () => {
    for (const theme of ['dark', 'light'] as const) {
      const { page, errors } = await showGraph(theme);
      await page.locator('.node[data-id="c2"]').click();
      await send(page, { type: 'highlight', nodeId: 'r1' });
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, theme === 'dark' ? 'rgb(30, 30, 30)' : 'rgb(255, 255, 255)');
      await screenshot(page, `webview-graph-${theme}`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test('draws a 1,000-node graph completely', async () => {
    const g = generateGraph();
    const { page, errors } = await openWebview(browser);
    await send(page, { type: 'graph', graph: g });
    await page.locator('.node').first().waitFor();
    assert.equal(await page.locator('.node').count(), 1000);
    assert.equal(await page.locator('.edge').count(), g.edges.length);
    assert.equal(await page.$$eval('.edge', (els) => els.filter((e) => !e.getAttribute('d')).length), 0, 'every edge has a path');
    // No two nodes of one column overlap.
    const boxes = await page.$$eval('.node', (els) => els.map((e) => ({ t: e.getAttribute('transform')! })));
    const seen = new Set(boxes.map((b) => b.t));
    assert.equal(seen.size, 1000);
    await screenshot(page, 'webview-graph-1000');
    // Texts are added for the nodes in view only, and as nodes come into view.
    const labelled = await page.locator('.node .label').count();
    assert.ok(labelled > 0 && labelled < 1000, `${labelled} nodes have texts`);
    const far = (await page.$$eval('.node', (els) => els.map((e) => ({ id: e.getAttribute('data-id')!, y: e.getBoundingClientRect().y })))).sort((a, b) => b.y - a.y)[0];
    assert.equal(await page.locator(`.node[data-id="${far.id}"] .label`).count(), 0);
    await send(page, { type: 'highlight', nodeId: far.id });
    await page.locator(`.node[data-id="${far.id}"] .label`).waitFor();
    // Zoomed out to the whole graph, texts would be specks: hidden.
    await page.getByRole('button', { name: 'Fit the whole graph in view' }).click();
    assert.equal(await page.locator('svg.far').count(), 1);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('diff view', () => {
  test('classes by status, rank moves, hit changes, the metric strip and summary', async () => {
    const d = smallDiff();
    const { page, errors } = await openWebview(browser);
    await send(page, { type: 'diff', diff: d });
    await page.locator('.node').first().waitFor();
    assert.equal(await page.locator('.node').count(), d.nodes.length);
    assert.equal(await page.locator('.edge').count(), d.edges.length);
    for (const status of ['added', 'removed', 'changed', 'same'] as const) {
      const want = d.nodes.filter((n) => n.status === status).map((n) => n.id).sort();
      assert.deepEqual((await idsOf(page, `.node.status-${status}`)).sort(), want, status);
      assert.equal(await page.locator(`.edge.status-${status}`).count(), d.edges.filter((e) => e.status === status).length, `${status} edges`);
    }
    assert.match((await page.locator('.node[data-id="rec1"] .detail').textContent()) ?? '', /^#3→#1 ▲2 · /);
    assert.deepEqual(await idsOf(page, '.node.moved'), ['rec1', 'rec2']);
    assert.equal(await page.locator('.node[data-id="rec1"] .badge').textContent(), '✓ hit gained');
    assert.equal(await page.locator('.node[data-id="rec2"] .badge').textContent(), '✗ hit lost');
    assert.equal(await page.locator('.node[data-id="c3"] .label').textContent(), '+ Quick recipes matter more than…');
    const strip = await page.$$eval('.rl-strip-row:not(.rl-strip-head)', (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
    assert.deepEqual(strip[0], ['hits', '1', '2', '+1']);
    assert.deepEqual(strip[2], ['first hit rank', '3', '1', '-2']);
    assert.equal(strip.length, d.metrics.length);
    assert.deepEqual(await page.$$eval('.rl-summary li', (els) => els.map((e) => e.textContent)), d.summary);
    assert.equal(await page.locator('.rl-title').textContent(), 'early → final');
    await page.locator('.node[data-id="c1"]').hover();
    assert.match((await page.locator('.node[data-id="c1"] title').textContent()) ?? '', /before: Cooks at home\nafter: Cooks at home on weekday evenings/);
    await screenshot(page, 'webview-diff-dark');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
