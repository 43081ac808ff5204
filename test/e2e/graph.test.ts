/**
 * Reasoning graphs and checkpoint diffs in a real VS Code, on a copy of the
 * demo workspace: Show Reasoning Graph draws one node per history item,
 * step, recommendation and ground-truth item of the trace; clicking a node
 * reveals its line and the cursor highlights its node; the code lens of a
 * dump sample opens that sample's graph; Compare Checkpoints runs early and
 * final for one user and shows the diff, and Open Text Diff the two
 * traces; an item caption that is HTML renders as text.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { chooseRow, demoCopyWorkbench, focusedRow, readSettings, withLog, writeSettings } from './editor-helpers';
import { elapsed, eventually } from './harness';

/** What a graph of an .rtrace holds, counted from its text: history items, steps, recommendations, ground truth. */
function traceCounts(text: string): { history: number; steps: number; recommendations: number; truth: number; stepLines: Map<string, number> } {
  let section = '';
  const counts = { history: 0, steps: 0, recommendations: 0, truth: 0, stepLines: new Map<string, number>() };
  text.split('\n').forEach((line, i) => {
    const header = /^\[([^\]<]+?)(?: <<\w+)?\]$/.exec(line);
    if (header) {
      section = header[1];
      return;
    }
    if (section.startsWith('raw') || !line.trim() || line.startsWith('#') || /^\s/.test(line)) return;
    if (section === 'history' && /^h\d+ /.test(line)) counts.history++;
    else if (section.startsWith('layer ')) {
      const id = /^([a-z]+\d+) /.exec(line)?.[1];
      if (id) {
        counts.steps++;
        counts.stepLines.set(id, i + 1);
      }
    } else if (section === 'recommendations' && /^\d+ /.test(line)) counts.recommendations++;
    else if (section === 'ground-truth') counts.truth++;
  });
  return counts;
}

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

describe('reasoning graphs and checkpoint diffs', () => {
  const demo = demoCopyWorkbench({
    settings: { 'reclens.model.executionProvider': 'cpu' },
    // A table item whose caption is HTML, and a trace that cites it.
    prepare: (dir) => {
      fs.writeFileSync(path.join(demo.dir(), 'hostile.jsonl'), `${JSON.stringify({ id: 'evil-1', sid: [8100, 8101, 8102], title: HOSTILE })}\n`);
      const paths = readSettings(dir)['reclens.alignment.paths'] as string[];
      writeSettings(dir, { 'reclens.alignment.paths': [...paths, 'hostile.jsonl'] });
      const code = '<|sid_begin|><s_a_8100><s_b_8101><s_c_8102><|sid_end|>';
      fs.writeFileSync(
        path.join(demo.dir(), 'traces', 'hostile.rtrace'),
        ['%rtrace 1', 'user: evil', 'mode: thinking', '', '[history]', `h1 ${code} watched`, '', '[layer perception]', 'p1 h1 is an item with an odd caption. <- h1', '', '[recommendations]', `1 ${code} score=-0.10 <- p1`, ''].join('\n'),
      );
    },
    open: 'traces/u1024.rtrace',
  });
  const w = demo.workbench;

  test('Show Reasoning Graph draws a node for every history item, step, recommendation and ground-truth item', { timeout: 120_000 }, async () => {
    await withLog(w(), 'graph', async () => {
      const text = fs.readFileSync(path.join(demo.dir(), 'traces', 'u1024.rtrace'), 'utf8');
      const counts = traceCounts(text);
      const expected = counts.history + counts.steps + counts.recommendations + counts.truth;
      assert.ok(counts.history > 0 && counts.steps > 0 && counts.recommendations > 0, JSON.stringify(counts));
      await w().runCommand('RecLens: Show Reasoning Graph');
      const frame = w().webviewFrame();
      await frame.locator('svg .node').first().waitFor({ timeout: 60_000 });
      await w().page.locator('.tabs-container .tab.active[aria-label*="RecLens Graph"]').waitFor();
      const nodes = await frame.locator('svg .node').count();
      assert.equal(nodes, expected, `nodes drawn vs the trace (${JSON.stringify({ ...counts, stepLines: undefined })})`);
      assert.equal(await frame.locator('svg .node.kind-history').count(), counts.history);
      assert.equal(await frame.locator('svg .node.kind-recommendation').count(), counts.recommendations);
      assert.ok((await frame.locator('svg .edge').count()) > 0, 'evidence links are drawn');
      console.log(`[e2e] graph with ${nodes} nodes after ${elapsed()}`);
      await w().screenshot('graph');
    });
  });

  test('clicking a node reveals its line; the cursor in the editor highlights its node', { timeout: 90_000 }, async () => {
    await withLog(w(), 'graph-sync', async () => {
      const counts = traceCounts(fs.readFileSync(path.join(demo.dir(), 'traces', 'u1024.rtrace'), 'utf8'));
      const frame = w().webviewFrame();
      await frame.locator('svg .node[data-id="c2"]').click();
      const line = counts.stepLines.get('c2')!;
      await eventually(() => w().cursorPosition(), (c) => c?.line === line, `the cursor on c2's line ${line}`, 15_000);
      // Cursor on p3's line (the editor has focus after the reveal): its node lights up.
      const target = counts.stepLines.get('p3')!;
      await w().page.keyboard.press('Control+G');
      await w().page.locator('.quick-input-widget:visible input').fill(`:${target}`);
      await w().page.keyboard.press('Enter');
      await frame.locator('svg .node.highlighted[data-id="p3"]').waitFor({ timeout: 15_000 });
      await w().screenshot('graph-highlight');
    });
  });

  test('the Graph code lens of a dump sample opens that sample\'s graph', { timeout: 90_000 }, async () => {
    await withLog(w(), 'graph-lens', async () => {
      const { page } = w();
      await w().runCommand('View: Close All Editors');
      await w().openFile('traces/benchmark.json');
      const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor');
      // The second sample's lenses: the first line of lenses belongs to the first sample.
      await editor.locator('.codelens-decoration a', { hasText: 'Graph' }).first().waitFor({ timeout: 60_000 });
      const lens = editor.locator('.codelens-decoration a', { hasText: 'Graph' }).nth(1);
      await lens.click();
      await page.locator('.tabs-container .tab.active[aria-label*="u0002_curly_hair"]').waitFor({ timeout: 30_000 });
      const frame = w().webviewFrame();
      await frame.locator('svg .node').first().waitFor({ timeout: 30_000 });
      assert.ok((await frame.locator('svg .node.kind-recommendation').count()) > 0);
      await w().screenshot('graph-dump-sample');
    });
  });

  test('Compare Checkpoints runs early and final for one user and shows the diff; Open Text Diff opens both traces', { timeout: 240_000 }, async () => {
    await withLog(w(), 'compare', async () => {
      const { page } = w();
      await w().runCommand('View: Close All Editors');
      await w().runCommand('RecLens: Compare Checkpoints');
      await chooseRow(w(), 'Two checkpoints, one user');
      // early, then final, are preselected when both exist.
      assert.match(await focusedRow(w(), /1 of 2/), /^early/);
      await w().screenshot('compare-pick-model');
      await page.keyboard.press('Enter');
      assert.match(await focusedRow(w(), /2 of 2/), /^final/);
      await page.keyboard.press('Enter');
      await chooseRow(w(), 'u0910', 'u0910');
      await chooseRow(w(), /^thinking/);
      await page.locator('.tabs-container .tab.active[aria-label*="RecLens Diff"]').waitFor({ timeout: 180_000 });
      for (const f of ['u0910-thinking-early.rtrace', 'u0910-thinking-final.rtrace']) assert.ok(fs.existsSync(path.join(demo.dir(), '.reclens', 'traces', f)), f);
      const frame = w().webviewFrame();
      await frame.locator('svg .node').first().waitFor({ timeout: 30_000 });
      const changed = await frame.locator('svg .node.status-added, svg .node.status-removed, svg .node.status-changed, svg .node.moved').count();
      assert.ok(changed > 0, 'the diff shows changes between the checkpoints');
      const summary = await frame.locator('.rl-summary li').allInnerTexts();
      assert.ok(summary.length > 0, 'summary lines');
      console.log(`[e2e] diff early ↔ final: ${changed} changed nodes; ${JSON.stringify(summary)}`);
      await w().screenshot('compare-checkpoints');

      await w().runCommand('RecLens: Open Text Diff');
      await page.locator('.tabs-container .tab.active[aria-label*="u0910-thinking-early.rtrace ↔ u0910-thinking-final.rtrace"]').waitFor({ timeout: 30_000 });
      await page.locator('.part.editor .monaco-diff-editor').first().waitFor();
      await w().screenshot('text-diff');
    });
  });

  test('an item caption that is HTML shows as text in the graph', { timeout: 90_000 }, async () => {
    await withLog(w(), 'hostile', async () => {
      await w().runCommand('View: Close All Editors');
      await w().openFile('traces/hostile.rtrace');
      // The hover shows the caption: the table with it is loaded.
      await w().hoverText('<s_c_8102>', { until: (h) => h.includes('evil-1') });
      await w().runCommand('RecLens: Show Reasoning Graph');
      const frame = w().webviewFrame();
      const label = frame.locator('svg .node[data-id="h1"] .label');
      await label.waitFor({ timeout: 60_000 });
      const text = (await label.textContent()) ?? '';
      assert.ok(text.startsWith('<img src=x onerror='), `the caption as text: ${text}`);
      assert.equal(await frame.locator('img').count(), 0, 'no <img> element in the webview');
      assert.notEqual(await w().page.title(), 'pwned');
      await w().screenshot('graph-hostile');
    });
  });
});
