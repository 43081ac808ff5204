/**
 * The reasoning checks in the graph webview (headless Chromium): nodes with
 * contradicted or partly matching claims marked, the ground truth's
 * unreached cluster flagged, influence drawn as edge width and node bars
 * with a legend, the report's summary in the header. Screenshot:
 * test-results/webview-checks.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openWebview, screenshot, send } from './browser';
import { checkedGraph, smallGraph } from './fixtures';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('graph view: reasoning checks', () => {
  test('marks contradicted and partly matching steps and the unreached ground truth, with badges, detail and tooltips', async () => {
    const { page, errors } = await openWebview(browser, { theme: 'dark' });
    await send(page, { type: 'graph', graph: checkedGraph() });
    await page.locator('.node').first().waitFor();
    const ids = (selector: string) => page.$$eval(selector, (els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(await ids('.node.contradicted'), ['p1']);
    assert.deepEqual(await ids('.node.partly'), ['c1']);
    assert.deepEqual(await ids('.node.unreached'), ['gt1']);
    assert.equal(await page.locator('.node[data-id="p1"] .check-badge').textContent(), '⚠ 1');
    assert.equal(await page.locator('.node[data-id="c1"] .check-badge').textContent(), '≈ 1');
    assert.equal(await page.locator('.node[data-id="gt1"] .check-badge').textContent(), '⚠');
    assert.match((await page.locator('.node[data-id="p1"] .detail').textContent()) ?? '', /^p1 · ✗ 1 contradicted/);
    assert.match((await page.locator('.node[data-id="gt1"] .detail').textContent()) ?? '', /^✗ cluster not reached/);
    // The outline is the editor's warning colour, not the default border.
    const stroke = (id: string) => page.locator(`.node[data-id="${id}"] .box`).evaluate((e) => getComputedStyle(e).stroke);
    assert.equal(await stroke('p1'), 'rgb(204, 167, 0)');
    assert.notEqual(await stroke('p2'), await stroke('p1'));
    const p1 = page.locator('.node[data-id="p1"]');
    await p1.hover();
    assert.match((await p1.locator('title').textContent()) ?? '', /✗ p1 calls h1 "home cooking videos", but item 7002208 is/);
    assert.match((await p1.getAttribute('aria-label')) ?? '', /✗ 1 contradicted; influence \+1\.20/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('weights edges and nodes by influence, with a legend, and shows the report summary in the header', async () => {
    const { page, errors } = await openWebview(browser, { theme: 'dark' });
    await send(page, { type: 'graph', graph: checkedGraph() });
    await page.locator('.node').first().waitFor();
    const g = checkedGraph();
    const widths = await page.$$eval('.edge', (els) => els.map((e) => parseFloat(getComputedStyle(e).strokeWidth)));
    const strongest = g.edges.findIndex((e) => e.source === 'h2');
    const weakest = g.edges.findIndex((e) => e.source === 'h3');
    assert.ok(widths[strongest] > 4.5, `the strongest source's edge is thick (${widths[strongest]})`);
    assert.ok(widths[weakest] < 1, `a weak source's edge is thin (${widths[weakest]})`);
    const bar = async (id: string) => Number(await page.locator(`.node[data-id="${id}"] .influence-bar`).getAttribute('width'));
    assert.ok((await bar('h2')) > 3 * (await bar('h1')), 'node bars follow the influence');
    assert.equal(await page.locator('.node[data-id="rec1"] .influence-bar').count(), 0, 'no bar where no influence is known');
    assert.match((await page.locator('.rl-legend .rl-influence').textContent()) ?? '', /influence:.*low.*high/);
    assert.match((await page.locator('.rl-legend').textContent()) ?? '', /⚠ contradicts the table/);
    const rows = await page.$$eval('.rl-checks .rl-check', (els) => els.map((e) => e.textContent));
    assert.deepEqual(rows[0], '⚠ perception 2/3 consistent (67%), 1 contradicts');
    assert.ok(rows.includes('⚠ ground truth cluster not reached by any step (340.6566)'), rows.join(' | '));
    assert.ok(rows.some((r) => r?.startsWith('influence strongest step p1')), rows.join(' | '));
    assert.equal(await page.locator('.rl-checks summary').textContent(), 'reasoning checks: 4 findings');
    const file = await screenshot(page, 'webview-checks');
    // Folded, the summary gives its room back to the graph.
    const before = (await page.locator('.rl-canvas').boundingBox())!.height;
    await page.locator('.rl-checks summary').click();
    assert.equal(await page.locator('.rl-checks .rl-check').first().isVisible(), false);
    await page.waitForTimeout(100);
    assert.ok((await page.locator('.rl-canvas').boundingBox())!.height > before, 'the graph grows when the summary is folded');
    assert.ok(file.endsWith('.png'));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an unchecked graph draws no check marks, weights or summary; a clean report starts folded', async () => {
    const { page } = await openWebview(browser, { theme: 'light' });
    await send(page, { type: 'graph', graph: smallGraph() });
    await page.locator('.node').first().waitFor();
    assert.equal(await page.locator('.node.contradicted, .node.partly, .node.unreached, .check-badge, .influence-bar, .edge.weighted').count(), 0);
    assert.equal(await page.locator('.rl-checks, .rl-influence, .rl-mark.check-contradicts').count(), 0);
    // Checked and clean: the summary is there, folded.
    const clean = smallGraph();
    clean.checks = { influence: false, summary: [{ name: 'perception', value: '3/3 consistent (100%)' }] };
    await send(page, { type: 'graph', graph: clean });
    await page.locator('.rl-checks').waitFor();
    assert.equal(await page.locator('.rl-checks summary').textContent(), 'reasoning checks: nothing to look at');
    assert.equal(await page.locator('.rl-checks').evaluate((e) => (e as HTMLDetailsElement).open), false);
    await page.close();
  });
});
