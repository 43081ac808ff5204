/**
 * Reading and debugging reasoning in a real VS Code: the Reasoning Steps
 * view lists the layers and steps of the demo trace, with the items a step
 * names; Next / Previous Step (Alt+Down / Alt+Up) move the cursor from step
 * to step in an .rtrace and in a benchmark dump, the view following; F5 on
 * demo/traces/u1024.rtrace starts the RecLens debugger, which stops on
 * entry with the current-line decoration on the first stop, F10 moves it,
 * the Variables view shows a resolved item title, and an open reasoning
 * graph marks the node stopped on; configurations that cannot start (a
 * missing file, a value out of range) say why; a live generation stops on
 * entry with the next-token distribution, F11 takes a token, Force Next
 * Token puts a typed token in, and F5 runs it to the end, opening the
 * written trace beside and, on request, the diff with the unmodified run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { chooseRow, demoCopyWorkbench, editorGroups, notificationText, tabLabels, withLog } from './editor-helpers';
import { demoDir, elapsed, eventually, repoRoot, sharedWorkbench, type Workbench } from './harness';

const traceLines = fs.readFileSync(path.join(demoDir, 'traces', 'u1024.rtrace'), 'utf8').split('\n');
/** 1-based line of the first line starting with `prefix`. */
const lineOf = (prefix: string): number => traceLines.findIndex((l) => l.startsWith(prefix)) + 1;
const items = JSON.parse(fs.readFileSync(path.join(demoDir, 'items.json'), 'utf8')) as Record<string, { sid: string; title: string }>;

const workbench = sharedWorkbench({ open: 'traces/u1024.rtrace' });

/** The rows of the view pane titled `title` ("label description", as rendered). */
function paneRows(w: Workbench, title: string): Locator {
  return w.page.locator('.pane', { has: w.page.locator('.pane-header', { hasText: title }) }).locator('.monaco-list-row');
}

/** Row texts: a tree row as "label description" (adjacent spans without a blank between them), other rows as rendered. */
async function rowTexts(rows: Locator): Promise<string[]> {
  // No named functions inside: tsx's transform would make them call a `__name` helper the page lacks.
  return rows.evaluateAll((els) =>
    els.map((el) => {
      const [label, detail] = ['.label-name', '.label-description'].map((sel) => (el.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim());
      return (label ? `${label} ${detail}` : ((el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ')).trim();
    }),
  );
}

/** Focuses the active editor (its tab: no click into the text, which would move the cursor). */
async function focusEditor(w: Workbench): Promise<void> {
  await w.page.locator('.part.editor .tabs-container .tab.active').first().click();
}

test('the Reasoning Steps view lists the layers of the demo trace, their steps and the items a step names', { timeout: 120_000 }, async () => {
  const w = workbench();
  await withLog(w, 'steps-view', async () => {
    // Room for the view: collapse the file tree.
    const folders = w.page.locator('.pane:has(.explorer-folders-view) > .pane-header');
    if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
    await w.runCommand('Explorer: Focus on Reasoning Steps View');
    const rows = paneRows(w, 'Reasoning Steps');
    const texts = await eventually(
      () => rowTexts(rows),
      (t) => t.some((r) => /^perception perception · 4 steps/.test(r)),
      'the layers of u1024.rtrace in the Reasoning Steps view',
    );
    for (const [layer, stage] of [['perception', 'perception'], ['derivation', 'cognition'], ['evolution', 'cognition'], ['recommendation', 'recommendation']]) {
      assert.ok(texts.some((r) => r.startsWith(`${layer} ${stage}`)), `layer ${layer} (${stage}): ${JSON.stringify(texts)}`);
    }
    assert.ok(texts.some((r) => /^p1 h1 and h2 are a curly-hair shampoo/.test(r)), `step p1 with its first line: ${JSON.stringify(texts)}`);
    // p1 cites h1 and h2: expanding it lists their items by title.
    await rows.filter({ hasText: /^p1/ }).first().locator('.monaco-tl-twistie').click();
    const title = items.B00HAIR001.title;
    await rows.filter({ hasText: title }).first().waitFor({ timeout: 10_000 });
    const h1 = (await rowTexts(rows)).find((r) => r.includes(title));
    assert.match(h1 ?? '', /h1 · <\|sid_begin\|>/, `the item names the history entry it comes from: ${h1}`);
    // Clicking a step reveals it in the editor.
    await rows.filter({ hasText: /^c2(?!\d)/ }).first().click();
    await eventually(() => w.cursorPosition(), (c) => c?.line === lineOf('c2 '), `the cursor on c2 (line ${lineOf('c2 ')})`, 15_000);
    console.log(`[e2e] steps view (${texts.length} rows) after ${elapsed()}`);
    await w.screenshot('steps-view');
  });
});

test('Next Step and Previous Step move the cursor from step to step; the view follows', { timeout: 120_000 }, async () => {
  const w = workbench();
  await withLog(w, 'next-step', async () => {
    const { page } = w;
    await focusEditor(w);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Alt+ArrowDown');
    await eventually(() => w.cursorPosition(), (c) => c?.line === lineOf('p1 '), `Alt+Down: the cursor on p1 (line ${lineOf('p1 ')})`, 15_000);
    await page.keyboard.press('Alt+ArrowDown');
    await eventually(() => w.cursorPosition(), (c) => c?.line === lineOf('p2 '), 'Alt+Down again: p2', 15_000);
    const selected = paneRows(w, 'Reasoning Steps').and(page.locator('.selected'));
    await eventually(() => rowTexts(selected), (t) => t.some((r) => r.startsWith('p2 ')), 'p2 selected in the Reasoning Steps view', 15_000);
    await page.keyboard.press('Alt+ArrowUp');
    await eventually(() => w.cursorPosition(), (c) => c?.line === lineOf('p1 '), 'Alt+Up: back on p1', 15_000);
    // From the last reasoning step to the first recommendation, through the palette.
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget:visible input').fill(`:${lineOf('r4 ')}`);
    await w.page.keyboard.press('Enter');
    await w.runCommand('RecLens: Next Step');
    await eventually(() => w.cursorPosition(), (c) => c?.line === lineOf('1 <|sid_begin|>'), 'Next Step after r4: recommendation #1', 15_000);
    await w.screenshot('next-step');
  });
});

test('Next Step in a benchmark dump goes through a generation\'s steps and on to the next generation', { timeout: 120_000 }, async () => {
  const w = workbench();
  await withLog(w, 'next-step-dump', async () => {
    const { page } = w;
    await w.openFile('traces/benchmark.json');
    const dump = fs.readFileSync(path.join(demoDir, 'traces', 'benchmark.json'), 'utf8').split('\n');
    // The step keys work in a dump once the server's outline shows it holds traces (before that Alt+Down moves lines):
    // wait for the Debug lenses, which come from that outline.
    await page.locator('.part.editor .editor-group-container.active .codelens-decoration a', { hasText: 'Debug' }).first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    await focusEditor(w);
    await page.keyboard.press('Control+Home');
    const start = await eventually(() => w.cursorPosition(), (p) => p?.line === 1 && p.column === 1, 'the cursor at the top', 15_000);
    const positions: { line: number; column: number }[] = [start!];
    // Generation 1 of the first sample: p1–p4, c1, r1 and its recommendation, all on one line; then generation 2 on the next.
    for (let i = 0; i < 9; i++) {
      await page.keyboard.press('Alt+ArrowDown');
      const last = positions[positions.length - 1];
      const c = await eventually(() => w.cursorPosition(), (p) => p !== null && (p.line !== last.line || p.column !== last.column), `Alt+Down #${i + 1} moves the cursor`, 15_000);
      positions.push(c!);
    }
    positions.shift();
    assert.ok(dump[positions[0].line - 1].includes('Perception:'), `the first stop is on the line of the first generation: line ${positions[0].line}`);
    assert.ok(new Set(positions.map((p) => p.line)).size >= 2, `the cursor moved on to the next generation: ${JSON.stringify(positions)}`);
    for (let i = 1; i < positions.length; i++) {
      const [a, b] = [positions[i - 1], positions[i]];
      assert.ok(b.line > a.line || (b.line === a.line && b.column > a.column), `always forward: ${JSON.stringify(positions)}`);
    }
    assert.equal(await page.locator('.tabs-container .tab.active.dirty').count(), 0, 'the keys moved the cursor, not lines');
    await w.screenshot('next-step-dump');
  });
});

const adapter = path.join(repoRoot, 'dist', 'debugAdapter.js');

/** The text of the editor line under the top-stack-frame decoration, or null while there is none. */
async function stoppedLine(w: Workbench): Promise<string | null> {
  return w.page.evaluate(() => {
    const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
    const mark = editor?.querySelector('.view-overlays .debug-top-stack-frame-line, .view-overlays .debug-top-stack-frame-range');
    if (!editor || !mark) return null;
    const top = mark.getBoundingClientRect().top;
    const line = Array.from(editor.querySelectorAll('.view-line')).find((l) => Math.abs(l.getBoundingClientRect().top - top) < 3);
    return line ? (line.textContent ?? '').replace(/\u00a0/g, ' ') : null;
  });
}

/** The top stack frame in the Call Stack view ("name source line:column"), or '' when there is none. */
async function topFrame(w: Workbench): Promise<string> {
  return (await rowTexts(paneRows(w, 'Call Stack').filter({ has: w.page.locator('.stack-frame') })))[0] ?? '';
}

test('F5 on u1024.rtrace stops on entry, F10 steps, the Variables view shows the item', { timeout: 180_000, skip: fs.existsSync(adapter) ? false : 'needs dist/debugAdapter.js' }, async () => {
  const w = workbench();
  await withLog(w, 'debug-f5', async () => {
    const { page } = w;
    const tab = page.locator('.tabs-container .tab', { hasText: 'u1024.rtrace' });
    if (await tab.count()) await tab.first().click();
    else await w.openFile('traces/u1024.rtrace');
    await page.locator('.tabs-container .tab.active[aria-label*="u1024.rtrace"]').waitFor();
    // A reasoning graph open beside the trace marks the node the debugger stops on.
    await w.runCommand('RecLens: Show Reasoning Graph');
    const graph = w.webviewFrame();
    await graph.locator('svg .node').first().waitFor({ timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'u1024.rtrace' }).first().click();
    await focusEditor(w);
    await page.keyboard.press('F5');
    // Stopped on entry: the first stop is the first history item.
    const first = await eventually(() => stoppedLine(w), (l) => l !== null, 'the current-line decoration after F5', 60_000);
    assert.match(first ?? '', /^h1 /, `stopped on the first stop (h1): ${first}`);
    await page.locator('.debug-toolbar').waitFor({ timeout: 15_000 });
    await graph.locator('svg .node.highlighted[data-id="h1"]').waitFor({ timeout: 15_000 });
    await w.screenshot('debug-stopped');
    // The Variables view: the stop's item (expanded), its title resolved from the demo's item table.
    const variables = paneRows(w, 'Variables');
    const title = items.B00HAIR001.title;
    const titleRow = (t: string[]): boolean => t.some((r) => /^title\s*[=:]\s*"/.test(r) && r.includes(title));
    await eventually(
      async () => {
        const item = variables.filter({ hasText: /^item\s*[=:]/ }).first();
        if ((await item.count()) && (await item.getAttribute('aria-expanded')) === 'false') await item.click();
        return rowTexts(variables);
      },
      titleRow,
      `title = "${title}" under the stop's item in the Variables view`,
      30_000,
    );
    await w.screenshot('debug-variables');
    // F10 (step over) moves the decoration to the next stop.
    await focusEditor(w);
    await page.keyboard.press('F10');
    const second = await eventually(() => stoppedLine(w), (l) => l !== null && l !== first, 'the decoration after F10', 30_000);
    assert.match(second ?? '', /^h2 /, `F10 steps to h2: ${second}`);
    await graph.locator('svg .node.highlighted[data-id="h2"]').waitFor({ timeout: 15_000 });
    console.log(`[e2e] debugger stopped on h1, then h2, after ${elapsed()}`);
    await w.screenshot('debug-f10');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15_000 });
  });
});

describe('launch configurations of a copy of the demo: refused ones, and a live generation', () => {
  const demo = demoCopyWorkbench({
    open: 'traces/u1024.rtrace',
    prepare: (dir) => {
      fs.writeFileSync(
        path.join(dir, '.vscode', 'launch.json'),
        JSON.stringify({
          version: '0.2.0',
          configurations: [
            { type: 'reclens', request: 'launch', name: 'Missing trace', trace: 'traces/missing.rtrace' },
            { type: 'reclens', request: 'launch', name: 'Live, no such model', user: 'u0001', model: 'models/none', topP: 3 },
            // A short run: 64 thinking tokens, then a small beam search.
            { type: 'reclens', request: 'launch', name: 'Live u0010', user: 'u0010', mode: 'thinking', maxThinkingTokens: 64, beams: 8, numReturn: 4 },
          ],
        }),
      );
    },
  });
  const w = demo.workbench;

  test('a missing trace file and a live run with a missing model and a value out of range are refused before the adapter starts', { timeout: 120_000 }, async () => {
    await withLog(w(), 'debug-refused', async () => {
      const { page } = w();
      await focusEditor(w());
      await page.keyboard.press('F5');
      const missing = await notificationText(w(), /cannot start debugging/);
      assert.match(missing, /trace file not found: .*missing\.rtrace \("trace": "traces\/missing\.rtrace" resolved against /, missing);
      await w().runCommand('Notifications: Clear All Notifications');
      await w().runCommand('Debug: Select and Start Debugging');
      await chooseRow(w(), 'Live, no such model');
      const live = await notificationText(w(), /cannot start debugging/);
      assert.match(live, /model folder not found: .*models\/none/, live);
      assert.match(live, /"topP" must be a number from 0 to 1 \(got 3\)/, live);
      assert.equal(await page.locator('.debug-toolbar').isVisible(), false, 'no session started');
      await w().screenshot('debug-refused');
    });
  });

  test('stops on entry with the next-token distribution, F11 takes a token, Force Next Token changes the run, F5 writes the trace and the diff with the unmodified run opens', { timeout: 240_000 }, async () => {
    await withLog(w(), 'debug-live', async () => {
      const { page } = w();
      await w().runCommand('Notifications: Clear All Notifications');
      await w().runCommand('Debug: Select and Start Debugging');
      await chooseRow(w(), 'Live u0010');
      // Stopped on entry, before the first token: the call stack names the user, the Variables view the next token.
      await page.locator('.debug-toolbar').waitFor({ timeout: 120_000 });
      const callStack = page.locator('.pane-header', { hasText: 'Call Stack' });
      await eventually(() => callStack.innerText(), (t) => /paused on entry/i.test(t), 'the Call Stack view paused on entry', 120_000);
      const frames = await eventually(() => rowTexts(paneRows(w(), 'Call Stack')), (t) => t.some((r) => r.includes('user u0010')), 'the live frames in the Call Stack view', 30_000);
      assert.ok(frames.some((r) => r.startsWith('before the first token')), `the entry frame: ${JSON.stringify(frames)}`);
      // The Position scope opens expanded and fills the view: fold it, then open the Next token scope.
      const variables = paneRows(w(), 'Variables');
      const position = variables.filter({ hasText: /^Position$/ }).first();
      if ((await position.getAttribute('aria-expanded')) === 'true') await position.click();
      const nextToken = variables.filter({ hasText: /^Next token$/ }).first();
      await nextToken.click({ timeout: 30_000 });
      const next = await eventually(() => rowTexts(variables), (t) => t.some((r) => /^wouldChoose\s*[=:]\s*"/.test(r)) && t.some((r) => /^top\s*[=:]/.test(r)), 'wouldChoose and top under Next token', 30_000);
      console.log(`[e2e] live entry: ${JSON.stringify(frames)}; next token: ${JSON.stringify(next)}`);
      await w().screenshot('debug-live-entry');

      // F11: one token; the top frame names it and the live document holds it.
      await page.keyboard.press('F11');
      const stepped = await eventually(() => topFrame(w()), (f) => /^token 1 ".*" p=/.test(f), 'the top frame on the first token after F11', 60_000);
      await page.locator('.tabs-container .tab.active[aria-label*="u0010 (live, thinking)"]').waitFor({ timeout: 30_000 });
      await w().screenshot('debug-live-step');

      // Force Next Token with a typed token (" Espresso" is one token of the demo tokenizer): the run stops on it, and the live document shows it.
      await w().runCommand('RecLens: Force Next Token');
      await page.locator('.quick-input-widget:visible .quick-input-title', { hasText: 'Force the Next Token' }).waitFor({ timeout: 30_000 });
      await chooseRow(w(), 'force what you typed', ' Espresso');
      const forced = await eventually(() => topFrame(w()), (f) => f.startsWith('token 2 " Espresso"'), 'the top frame on the forced token', 60_000);
      const firstToken = /^token 1 (".*") p=/.exec(stepped)![1];
      await eventually(
        () => page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().innerText(),
        (text) => text.replace(/\u00a0/g, ' ').startsWith(`${JSON.parse(firstToken) as string} Espresso`),
        'the forced token in the live document',
        30_000,
      );
      console.log(`[e2e] live: F11 stopped on ${stepped}; forced ${forced}`);
      await w().screenshot('debug-live-forced');

      // F5: on to the end; the trace is written and opened beside, and the changed run offers the diff with the unmodified one.
      await page.keyboard.press('F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 180_000 });
      const written = await eventually(
        async () => (await tabLabels(w())).find((t) => /u0010-thinking-live-edited-.*\.rtrace/.test(t)),
        (t) => t !== undefined,
        'the written trace in a tab',
        60_000,
      );
      const traces = fs.readdirSync(path.join(demo.dir(), '.reclens', 'traces'));
      const edited = traces.find((f) => /^u0010-thinking-live-edited-.*\.rtrace$/.test(f));
      const original = traces.find((f) => /^u0010-thinking-live-\d.*\.rtrace$/.test(f));
      assert.ok(edited && original, `the edited and the unmodified traces are written: ${JSON.stringify(traces)}`);
      assert.ok(fs.readFileSync(path.join(demo.dir(), '.reclens', 'traces', edited), 'utf8').includes(' Espresso'), 'the forced token is in the written trace');
      assert.ok(written?.includes(edited), `the tab is the edited trace: ${written}`);
      assert.ok((await editorGroups(w())) >= 2, 'the trace opens beside the editor');
      await w().screenshot('debug-live-written');
      const compare = w().notificationToast('the changed run is saved as').locator('.monaco-button', { hasText: 'Compare with the unmodified run' });
      await compare.click({ timeout: 30_000 });
      await page.locator('.tabs-container .tab.active[aria-label*="RecLens Diff"]').waitFor({ timeout: 60_000 });
      const diff = w().webviewFrame();
      await diff.locator('svg .node').first().waitFor({ timeout: 30_000 });
      const summary = await diff.locator('.rl-summary li').allInnerTexts();
      assert.ok(summary.length > 0, 'the diff has summary lines');
      console.log(`[e2e] live run ${edited} ↔ ${original}: ${JSON.stringify(summary)} after ${elapsed()}`);
      await w().screenshot('debug-live-diff');
    });
  });
});
