/**
 * The standalone graph page (`reclens render`): one HTML file with the
 * webview bundle and the payload inline, under a CSP that admits only those
 * inline blocks; opened in headless Chromium.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { embedJson, graphPage } from '../../server/graph/page';
import { launchBrowser, resultsDir } from './browser';
import { HOSTILE_LABEL, smallDiff, smallGraph } from './fixtures';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Opens page HTML (from a file, as a browser would) and collects console errors. */
async function open(html: string, colorScheme: 'light' | 'dark' = 'dark') {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `graph-page-${process.pid}-${Date.now()}.html`);
  fs.writeFileSync(file, html);
  await page.goto(`file://${file}`);
  return { page, errors, close: async () => (await context.close(), fs.rmSync(file, { force: true })) };
}

describe('standalone graph page', () => {
  test('renders the embedded graph under its CSP, themed by the reader’s colour scheme', async () => {
    const g = smallGraph();
    const html = graphPage({ graph: g }, { title: 'u42 <final>' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: blob:; style-src 'sha256-[^']+' 'sha256-[^']+'; script-src 'sha256-[^']+'">/);
    assert.ok(html.includes('<title>u42 &#60;final&#62;</title>'));
    assert.ok(!/sourceMappingURL/.test(html));
    for (const scheme of ['dark', 'light'] as const) {
      const { page, errors, close } = await open(html, scheme);
      await page.locator('.node').first().waitFor();
      assert.equal(await page.locator('.node').count(), g.nodes.length);
      assert.equal(await page.locator('.edge').count(), g.edges.length);
      assert.equal(await page.locator('.rl-title').textContent(), g.title);
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), scheme === 'dark' ? 'rgb(30, 30, 30)' : 'rgb(255, 255, 255)');
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
      assert.ok((await page.locator('.node[data-id="h3"]').getAttribute('aria-label'))!.includes(HOSTILE_LABEL));
      // Reveal has nowhere to go: a click selects and nothing fails.
      await page.locator('.node[data-id="c1"]').click();
      assert.equal(await page.locator('.node.selected').getAttribute('data-id'), 'c1');
      await page.screenshot({ path: path.join(resultsDir, `graph-page-${scheme}.png`) });
      assert.deepEqual(errors, [], 'no CSP violation, no script error');
      await close();
    }
  });

  test('exports download directly', async () => {
    const { page, close } = await open(graphPage({ graph: smallGraph() }, { title: 'u42' }));
    await page.locator('.node').first().waitFor();
    for (const [button, name] of [['Export the graph as SVG', 'reclens-graph.svg'], ['Export the graph as PNG', 'reclens-graph.png']]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      assert.equal(download.suggestedFilename(), name);
      const file = await download.path();
      const head = fs.readFileSync(file).subarray(0, 8);
      if (name.endsWith('.svg')) assert.equal(head.toString('utf8', 0, 4), '<svg');
      else assert.deepEqual([...head.subarray(1, 4)], [...Buffer.from('PNG')]);
    }
    await close();
  });

  test('a string in the payload cannot close the script element or open a comment', async () => {
    const g = smallGraph();
    const evil = '</script><script>window.__pwned=2</script><!-- x';
    g.nodes[0] = { ...g.nodes[0], label: evil, text: evil };
    g.title = '</title><script>window.__pwned=3</script>';
    const html = graphPage({ graph: g }, { title: g.title });
    assert.ok(!html.includes('window.__pwned=2</script>'), 'the payload never holds a literal </script>');
    const { page, errors, close } = await open(html);
    await page.locator('.node').first().waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await page.locator('.node').count(), g.nodes.length);
    assert.ok((await page.locator('.node[data-id="h1"]').getAttribute('aria-label'))!.includes(evil));
    assert.equal(await page.locator('.rl-title').textContent(), g.title);
    assert.deepEqual(errors, []);
    await close();
  });

  test('embeds a diff too', async () => {
    const d = smallDiff();
    const { page, errors, close } = await open(graphPage({ diff: d }, { title: 'diff' }));
    await page.locator('.node').first().waitFor();
    assert.equal(await page.locator('.node').count(), d.nodes.length);
    assert.equal(await page.locator('.node.status-added').count(), d.nodes.filter((n) => n.status === 'added').length);
    assert.equal(await page.locator('.rl-strip-row:not(.rl-strip-head)').count(), d.metrics.length);
    assert.deepEqual(errors, []);
    await close();
  });

  test('embedJson escapes every <', () => {
    const json = embedJson({ a: '</script><!--<b>' });
    assert.ok(!json.includes('<'));
    assert.deepEqual(JSON.parse(json), { a: '</script><!--<b>' });
  });
});
