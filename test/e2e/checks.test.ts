/**
 * The reasoning checks in a real VS Code, on a copy of the demo workspace
 * with a trace whose p4 describes h3 as something the table says it is not
 * and whose ground truth lies in a cluster no step reaches: the
 * contradiction is a warning in the Problems panel at p4's line, hovering
 * it shows the step's words against the table's, and the reasoning graph
 * outlines p4, flags the ground truth and shows the report in its header.
 * Screenshots: checks-problems.png, checks-hover.png, checks-graph.png.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { demoCopyWorkbench, withLog } from './editor-helpers';
import { eventually } from './harness';

const WRONG = 'heavy metal guitar amplifier with two speakers';

describe('reasoning checks in the editor and the graph', () => {
  let text = '';
  const demo = demoCopyWorkbench({
    prepare: (dir) => {
      text = fs
        .readFileSync(path.join(dir, 'traces', 'u1024.rtrace'), 'utf8')
        .replace('p4 h3 is a ceramide cream for dry skin: the one item outside hair care.', `p4 h3 is a ${WRONG}.`)
        .replace('<|sid_begin|><s_a_2981><s_b_4><s_c_6009><|sid_end|> bought, 2026-03-01', '<|sid_begin|><s_a_5028><s_b_410><s_c_89><|sid_end|> bought, 2026-03-01');
      assert.ok(text.includes(WRONG), 'the demo trace changed: update the edit');
      fs.writeFileSync(path.join(dir, 'traces', 'u1024-wrong.rtrace'), text);
    },
    open: 'traces/u1024-wrong.rtrace',
  });
  const w = demo.workbench;

  test('a contradicted claim is a warning in the Problems panel at its line; its hover shows the step against the table', { timeout: 150_000 }, async () => {
    await withLog(w(), 'checks-problems', async () => {
      const line = text.split('\n').findIndex((l) => l.includes(WRONG)) + 1;
      const rows = await eventually(
        () => w().problems(),
        (list) => list.some((r) => r.line === line && /B00SKIN004/.test(r.text)),
        `a problem at line ${line} about p4's description`,
        90_000,
      );
      const row = rows.find((r) => r.line === line && /B00SKIN004/.test(r.text))!;
      assert.equal(row.severity, 'warning');
      assert.match(row.text, /p4 calls h3 .*but item B00SKIN004 is "Ceramide Daily Moisturizing Cream for Dry Skin"/);
      assert.match(row.text, /check\/perception/);
      assert.ok(rows.some((r) => /no step reaches/.test(r.text) && r.severity === 'warning'), 'the unreached ground truth is listed too');
      await w().screenshot('checks-problems');
      const hover = await w().hoverText(WRONG, { part: 'guitar', until: (h) => h.includes('the table says') });
      assert.match(hover, /✗ contradicts · perception check · step p4/);
      assert.match(hover, /the step says\s+(a )?heavy metal guitar amplifier with two speakers/);
      assert.match(hover, /the table says\s+item B00SKIN004: title "Ceramide Daily Moisturizing Cream for Dry Skin"/);
      await w().screenshot('checks-hover');
    });
  });

  test('the reasoning graph outlines the contradicted step, flags the unreached ground truth and shows the report', { timeout: 120_000 }, async () => {
    await withLog(w(), 'checks-graph', async () => {
      await w().page.mouse.move(5, 5);
      await w().page.keyboard.press('Escape');
      // The Problems panel would leave the graph beside the editor little height.
      await w().runCommand('View: Hide Panel');
      await w().runCommand('RecLens: Show Reasoning Graph');
      const frame = w().webviewFrame();
      await frame.locator('svg .node').first().waitFor({ timeout: 60_000 });
      await frame.locator('svg .node.contradicted[data-id="p4"]').waitFor({ timeout: 30_000 });
      assert.match((await frame.locator('svg .node[data-id="p4"]').getAttribute('aria-label')) ?? '', /✗ 1 contradicted/);
      assert.equal(await frame.locator('svg .node.unreached[data-id="gt1"]').count(), 1);
      assert.deepEqual(await frame.locator('svg .node.contradicted').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), ['p4']);
      const summary = (await frame.locator('.rl-checks').textContent()) ?? '';
      assert.match(summary, /perception \d+\/\d+ consistent .*1 contradicts/);
      assert.match(summary, /ground truth cluster not reached by any step \(5028\.410\)/);
      // The graph's group alone, fitted, for a screenshot where the marks can be seen.
      await w().page.locator('.tabs-container .tab[aria-label*="RecLens Graph"]').click();
      await w().runCommand('View: Toggle Maximize Editor Group');
      await frame.locator('.rl-checks summary').click();
      await frame.getByRole('button', { name: 'Fit' }).click();
      await frame.locator('svg .node[data-id="p4"] .check-badge').waitFor({ timeout: 15_000 });
      assert.equal(await frame.locator('svg .node[data-id="p4"] .check-badge').textContent(), '⚠ 1');
      await frame.locator('.rl-checks summary').click();
      await w().screenshot('checks-graph');
    });
  });
});
