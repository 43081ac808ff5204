/**
 * The demo trace document demo/traces/u1024.rtrace in a real VS Code: the
 * Outline view lists its sections, layers and steps; hovering an evidence
 * link shows the chain of evidence behind the cited step; the title of the
 * item appears as an inlay hint after a history code.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { demoDir, elapsed, eventually, sharedWorkbench, Workbench } from './harness';

const tracePath = path.join(demoDir, 'traces', 'u1024.rtrace');
const traceLines = fs.readFileSync(tracePath, 'utf8').split('\n');
const items = JSON.parse(fs.readFileSync(path.join(demoDir, 'items.json'), 'utf8')) as Record<string, { sid: string; title: string }>;

const workbench = sharedWorkbench({ open: 'traces/u1024.rtrace' });

/** Every row of the Outline view: its list is virtual, so scroll it with the mouse wheel and collect what is rendered. */
async function allOutlineRows(w: Workbench): Promise<string[]> {
  const seen = new Set(await w.outline());
  const list = w.page.locator('.outline-pane .monaco-list').first();
  const box = await list.boundingBox();
  assert.ok(box, 'the Outline list is on screen');
  await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) {
    const before = seen.size;
    await w.page.mouse.wheel(0, box.height / 2);
    await w.page.waitForTimeout(150);
    for (const row of await w.outlineRows()) seen.add(row);
    if (seen.size === before) break;
  }
  await w.page.mouse.wheel(0, -100_000);
  await w.page.waitForTimeout(150);
  return [...seen];
}

test('the Outline view lists the layers and their steps', { timeout: 120_000 }, async () => {
  const w = workbench();
  await w.guard('outline', async () => {
    // Give the Outline view the height of the side bar: collapse the file tree above it.
    const folders = w.page.locator('.pane:has(.explorer-folders-view) > .pane-header');
    if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
    // The outline comes from the language server: wait until the layers are there.
    await eventually(() => w.outline(), (rows) => rows.some((r) => /^perception perception$/.test(r)), 'the rtrace outline with its layers');
    const rows = await allOutlineRows(w);
    const has = (re: RegExp): boolean => rows.some((r) => re.test(r));
    for (const [layer, stage] of [['perception', 'perception'], ['derivation', 'cognition'], ['evolution', 'cognition'], ['recommendation', 'recommendation']]) {
      assert.ok(has(new RegExp(`^${layer} ${stage}$`)), `layer ${layer} (${stage}) in the outline: ${JSON.stringify(rows)}`);
    }
    for (const step of ['p1', 'p4', 'c1', 'c4', 'r1', 'r4']) assert.ok(has(new RegExp(`^${step} `)), `step ${step} in the outline: ${JSON.stringify(rows)}`);
    assert.ok(has(/^history 6 entries$/), `history with its six items: ${JSON.stringify(rows)}`);
    assert.ok(has(/^recommendations 4 entries$/), `recommendations: ${JSON.stringify(rows)}`);
    assert.ok(has(/^#1 .*score -0\.52, hit/), `recommendation #1 with score and hit: ${JSON.stringify(rows)}`);
    console.log(`[e2e] outline (${rows.length} rows) after ${elapsed()}`);
    await w.screenshot('outline');
  });
});

test('hovering an evidence link shows the evidence chain of the cited step', { timeout: 120_000 }, async () => {
  const w = workbench();
  await w.guard('evidence-hover', async () => {
    // r1 cites c3 and c4; c4 rests on c1 and h6, c1 on p1–p3, which rest on history items.
    const needle = 'cluster. <- c3, c4';
    assert.equal(traceLines.filter((l) => l.includes(needle)).length, 1, 'the needle is unique in the trace');
    const hover = await w.hoverText(needle, { part: 'c4', until: (h) => /Evidence chain/.test(h), timeoutMs: 90_000 });
    assert.match(hover, /^c4\b.*evolution \(cognition\)/m, `the hover names the cited step and its layer: ${hover}`);
    assert.match(hover, /washing to styling/, `the hover shows the step text: ${hover}`);
    for (const id of ['c1', 'p1', 'p2', 'p3', 'h1', 'h6']) assert.match(hover, new RegExp(`^\\s*${id}\\b`, 'm'), `${id} in the evidence chain: ${hover}`);
    console.log(`[e2e] evidence hover after ${elapsed()}`);
    await w.screenshot('evidence-hover');
    await w.page.mouse.move(5, 5);
    await w.page.keyboard.press('Escape');
  });
});

test('an inlay hint shows the item title after a history code', { timeout: 120_000 }, async () => {
  const w = workbench();
  await w.guard('inlay-hint', async () => {
    const h1 = traceLines.find((l) => l.startsWith('h1 '))!;
    const code = items.B00HAIR001.sid;
    assert.ok(h1.includes(code), 'h1 is the curly-hair shampoo');
    const title = items.B00HAIR001.title;
    assert.ok(!h1.includes(title.slice(0, 12)), 'the title is not written in the file');
    await w.revealText('h1 <|sid_begin|>');
    // Inlay hints are injected text: they are part of the rendered line but not of the document.
    const shown = await eventually(
      () =>
        w.page.evaluate(() =>
          Array.from(document.querySelectorAll('.part.editor .monaco-editor .view-line'))
            .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
            .find((t) => t.startsWith('h1 ')) ?? '',
        ),
      (line) => line.includes(title.slice(0, 20)),
      `the inlay hint "${title.slice(0, 20)}…" after h1's code`,
    );
    const after = shown.indexOf(code) + code.length;
    assert.ok(shown.indexOf(title.slice(0, 20)) >= after, `the hint follows the code: ${shown}`);
    console.log(`[e2e] inlay hint after ${elapsed()}: ${shown}`);
    await w.screenshot('inlay-hint');
  });
});
