/**
 * The editor experience of inference in a real VS Code, on a copy of the
 * demo workspace: Run Inference for User… from the command palette (user
 * picker searched by id, mode picker with the last choice remembered, a
 * cancellable progress notification that streams the thinking, the trace
 * saved and opened beside the editor), Run Thinking vs Non-Thinking, the
 * code lens "Run again", errors that offer the setting, the status bar,
 * Select Model…, Find Item…, Rebuild Item Index and `reclens.trace.server`.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { chooseRow, demoCopyWorkbench, editorGroups, notificationText, quickRows, quickTitle, rowTexts, tabLabels, withLog, writeSettings } from './editor-helpers';
import { elapsed, eventually } from './harness';

describe('inference from the command palette', () => {
  // Several thinking samples: the run lasts long enough to watch the thinking stream.
  const demo = demoCopyWorkbench({
    settings: { 'reclens.inference.thinkingSamples': 3, 'reclens.model.executionProvider': 'cpu' },
    userSettings: { 'reclens.trace.server': 'messages' },
    open: 'traces/u1024.rtrace',
  });
  const w = demo.workbench;
  const traceFile = (name: string): string => path.join(demo.dir(), '.reclens', 'traces', name);

  test('Run Inference for User…: pick u0910 and thinking; the thinking streams; the trace opens beside with its recommendations', { timeout: 180_000 }, async () => {
    await withLog(w(), 'run-inference', async () => {
      const { page } = w();
      const groupsBefore = await editorGroups(w());
      await w().runCommand('RecLens: Run Inference for User');
      // The user picker: the users file's users, each with its history length, targets and split.
      const rows = await rowTexts(w());
      assert.ok(rows.some((r) => /^u0001 .*\d+ history items · \d+ targets? · (train|test|val)/.test(r)), `user rows: ${JSON.stringify(rows.slice(0, 5))}`);
      assert.match(await quickTitle(w()), /Run Inference for User/);
      await chooseRow(w(), 'u0910', 'u0910');
      // The mode picker, the setting's mode preselected.
      const modes = await rowTexts(w());
      assert.deepEqual(modes.map((m) => m.split(' ')[0]), ['thinking', 'non-thinking', 'race']);
      const active = await page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row.focused').innerText();
      assert.match(active, /^thinking/);
      await w().screenshot('run-inference-mode');
      await page.keyboard.press('Enter');

      const toast = w().notificationToast('RecLens: u0910 (thinking)');
      await toast.waitFor({ timeout: 60_000 });
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).waitFor();
      const messages = new Set<string>();
      let shot = false;
      while (await toast.isVisible()) {
        const text = (await toast.innerText().catch(() => '')).replace(/\s+/g, ' ');
        messages.add(text);
        if (!shot && /tok\/s/.test(text)) {
          await w().screenshot('run-inference-progress');
          shot = true;
        }
        await page.waitForTimeout(25);
      }
      // The demo model thinks in well under a second, so a poll may see only one thinking update
      // (the LSP tests check that updates grow token by token); it must carry the thinking's text.
      const streamed = [...messages].filter((m) => /tok\/s/.test(m));
      console.log(`[e2e] progress messages: ${JSON.stringify([...messages].slice(0, 6))}`);
      assert.ok(streamed.length >= 1 && streamed.some((m) => /Perception|Cognition|Recommendation|is "/.test(m)), `the thinking streamed into the notification: ${JSON.stringify([...messages])}`);

      // The trace: saved under .reclens/traces, open beside the editor that was active.
      const file = traceFile('u0910-thinking-final.rtrace');
      await eventually(async () => fs.existsSync(file), (x) => x, 'the saved trace', 30_000);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /^%rtrace 1\nuser: u0910\n/);
      assert.match(text, /\n\[recommendations\]\n1 <\|sid_begin\|>/);
      await page.locator('.tabs-container .tab.active[aria-label*="u0910-thinking-final.rtrace"]').waitFor({ timeout: 30_000 });
      assert.equal(await editorGroups(w()), groupsBefore + 1, 'the trace opened in a new group beside the editor');
      const visible = (await page.locator('.part.editor .editor-group-container.active .view-lines').innerText()).replace(/\u00a0/g, ' ');
      assert.match(visible, /%rtrace 1/);
      await w().screenshot('run-inference-trace');
      const saved = await notificationText(w(), /Trace saved to \.reclens\/traces\/u0910-thinking-final\.rtrace/);
      assert.match(saved, /u0910 \(thinking, final, cpu\): \d+ recommendations, \d+ hits? in/);
      await w().runCommand('Notifications: Clear All Notifications');
      console.log(`[e2e] inference done after ${elapsed()}`);
    });
  });

  test('the status bar shows the model, the provider of the last run and the item pool', { timeout: 60_000 }, async () => {
    await withLog(w(), 'status-bar', async () => {
      const item = await eventually(() => w().statusBarText(), (t) => t.some((s) => /final · cpu · [\d,]+ items/.test(s)), 'the RecLens status bar item');
      console.log(`[e2e] status bar: ${JSON.stringify(item.filter((s) => /final/.test(s)))}`);
    });
  });

  test('reclens.trace.server logs the LSP traffic to the RecLens channel', { timeout: 30_000 }, async () => {
    const log = await eventually(async () => w().outputLog('RecLens'), (l) => /Sending request 'reclens\/infer/.test(l), 'the traced reclens/infer request', 15_000);
    assert.match(log, /inference: u0910 \(thinking, final, cpu\)/, 'the run is logged');
  });

  test('the picker lists recent users first and remembers the last mode', { timeout: 180_000 }, async () => {
    await withLog(w(), 'recent-and-mode', async () => {
      const { page } = w();
      await w().runCommand('RecLens: Run Inference for User');
      const rows = await rowTexts(w());
      assert.match(rows[0], /^u0910\b/, `u0910 first: ${JSON.stringify(rows.slice(0, 3))}`);
      await chooseRow(w(), 'u0910', 'u0910');
      await chooseRow(w(), /^non-thinking/);
      await page.locator('.tabs-container .tab.active[aria-label*="u0910-non-thinking-final.rtrace"]').waitFor({ timeout: 60_000 });
      await w().runCommand('RecLens: Run Inference for User');
      await chooseRow(w(), 'u0910', 'u0910');
      await rowTexts(w());
      const active = await page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row.focused').innerText();
      assert.match(active, /^non-thinking/, 'the last mode is preselected');
      await page.keyboard.press('Escape');
    });
  });

  test('Cancel stops a run: no trace is written', { timeout: 120_000 }, async () => {
    await withLog(w(), 'cancel', async () => {
      writeSettings(demo.dir(), { 'reclens.inference.thinkingSamples': 8, 'reclens.inference.temperature': 1, 'reclens.inference.topK': 0 });
      await w().page.waitForTimeout(1500);
      await w().runCommand('RecLens: Run Inference for User');
      await chooseRow(w(), 'u0002', 'u0002');
      await chooseRow(w(), /^thinking/);
      const toast = w().notificationToast('RecLens: u0002 (thinking)');
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click({ timeout: 60_000 });
      await toast.waitFor({ state: 'detached', timeout: 30_000 });
      await eventually(async () => w().outputLog('RecLens'), (l) => /inference: u0002 cancelled/.test(l), 'the cancel in the log', 15_000);
      await w().page.waitForTimeout(2000);
      assert.ok(!fs.existsSync(traceFile('u0002-thinking-final.rtrace')), 'no trace for a cancelled run');
      assert.equal(await w().notificationToast(/Run Inference for User failed/).count(), 0, 'a cancel is not an error');
      writeSettings(demo.dir(), { 'reclens.inference.thinkingSamples': 1, 'reclens.inference.temperature': 0.6, 'reclens.inference.topK': 20 });
    });
  });

  test('Run Thinking vs Non-Thinking opens both traces side by side', { timeout: 180_000 }, async () => {
    await withLog(w(), 'both-modes', async () => {
      const { page } = w();
      await page.waitForTimeout(1000);
      await w().runCommand('RecLens: Run Thinking vs Non-Thinking');
      await chooseRow(w(), 'u0003', 'u0003');
      await notificationText(w(), /u0003: thinking \d+ hit\(s\), non-thinking \d+ hit\(s\)/, 120_000);
      const tabs = await tabLabels(w());
      assert.ok(tabs.some((t) => t.includes('u0003-thinking-final.rtrace')), JSON.stringify(tabs));
      assert.ok(tabs.some((t) => t.includes('u0003-non-thinking-final.rtrace')), JSON.stringify(tabs));
      // Each in its own group: visible at once.
      const visible = await page.locator('.part.editor .editor-group-container .tab.active').evaluateAll((ts) => ts.map((t) => t.getAttribute('aria-label') ?? ''));
      assert.ok(visible.some((t) => t.includes('u0003-thinking-final')) && visible.some((t) => t.includes('u0003-non-thinking-final')), `both visible: ${JSON.stringify(visible)}`);
      await w().screenshot('both-modes');
    });
  });

  test('the "Run again" code lens on a trace header runs its user again', { timeout: 180_000 }, async () => {
    await withLog(w(), 'run-again', async () => {
      const { page } = w();
      const file = traceFile('u0910-thinking-final.rtrace');
      const before = fs.statSync(file).mtimeMs;
      // The demo hides .reclens/ from the explorer and Quick Open: go to the trace's tab, still open from the first run.
      await page.locator('.tabs-container .tab[aria-label*="u0910-thinking-final.rtrace"]').first().click();
      await page.locator('.tabs-container .tab.active[aria-label*="u0910-thinking-final.rtrace"]').first().waitFor();
      const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor');
      const lens = editor.locator('.codelens-decoration a', { hasText: 'Run again' }).first();
      await lens.waitFor({ timeout: 30_000 });
      const lenses = await editor.locator('.codelens-decoration').first().innerText();
      assert.match(lenses, /Run again.*Graph.*Compare with/s);
      await w().screenshot('code-lens');
      await lens.click();
      await eventually(async () => fs.statSync(file).mtimeMs, (m) => m > before, 'the trace written again', 90_000);
    });
  });

  test('an error names the setting and offers to open it', { timeout: 60_000 }, async () => {
    await withLog(w(), 'error-setting', async () => {
      writeSettings(demo.dir(), { 'reclens.users.paths': [] });
      await w().page.waitForTimeout(1500);
      await w().runCommand('RecLens: Run Inference for User');
      const toast = w().notificationToast(/Run Inference for User failed/);
      await toast.waitFor({ timeout: 30_000 });
      assert.match(await toast.innerText(), /reclens\.users\.paths/);
      await toast.locator('.monaco-button', { hasText: 'Open Settings' }).waitFor();
      await w().screenshot('error-setting');
      await toast.locator('.monaco-button', { hasText: 'Open Settings' }).click();
      await w().page.locator('.settings-editor').waitFor({ timeout: 15_000 });
      writeSettings(demo.dir(), { 'reclens.users.paths': ['world/users.jsonl'] });
      await w().runCommand('View: Close All Editors');
    });
  });

  test('Select Model… lists the workspace checkpoints and writes reclens.model.path; the status bar follows', { timeout: 60_000 }, async () => {
    await withLog(w(), 'select-model', async () => {
      await w().runCommand('RecLens: Select Model');
      const rows = await rowTexts(w());
      assert.ok(rows.some((r) => /^early models\/early/.test(r)), JSON.stringify(rows));
      assert.ok(rows.some((r) => /^final models\/final.*current/.test(r)), JSON.stringify(rows));
      assert.ok(rows.some((r) => /Browse…/.test(r)), JSON.stringify(rows));
      await w().screenshot('select-model');
      await chooseRow(w(), /^early/);
      await eventually(async () => fs.readFileSync(path.join(demo.dir(), '.vscode', 'settings.json'), 'utf8'), (t) => /"reclens\.model\.path": "models\/early"/.test(t), 'the setting written');
      await eventually(() => w().statusBarText(), (t) => t.some((s) => /early · cpu · /.test(s)), 'the status bar showing early');
      writeSettings(demo.dir(), { 'reclens.model.path': 'models/final' });
    });
  });

  test('Find Item… searches captions; the item is revealed in its table, and its code copied', { timeout: 90_000 }, async () => {
    await withLog(w(), 'find-item', async () => {
      const { page } = w();
      await w().runCommand('RecLens: Find Item');
      const input = page.locator('.quick-input-widget:visible input');
      await input.fill('Niacinamide');
      await chooseRow(w(), 'B00SKIN003');
      const actions = await rowTexts(w());
      assert.ok(actions.some((a) => /Reveal in table.*items\.json/.test(a)), JSON.stringify(actions));
      assert.ok(actions.some((a) => /Copy code <s_a_\d+><s_b_\d+><s_c_\d+>/.test(a)), JSON.stringify(actions));
      await w().screenshot('find-item-actions');
      await chooseRow(w(), 'Reveal in table');
      await page.locator('.tabs-container .tab.active[aria-label*="items.json"]').waitFor();
      const line = fs.readFileSync(path.join(demo.dir(), 'items.json'), 'utf8').split('\n').findIndex((l) => l.includes('"B00SKIN003"')) + 1;
      await eventually(() => w().cursorPosition(), (c) => c?.line === line, `the cursor on line ${line} of items.json`, 15_000);

      await w().runCommand('RecLens: Find Item');
      await page.locator('.quick-input-widget:visible input').fill('Niacinamide');
      await chooseRow(w(), 'B00SKIN003');
      await chooseRow(w(), 'Copy code');
      const log = await eventually(async () => w().outputLog('RecLens'), (l) => /Find Item: copied <s_a_\d+>/.test(l), 'the copy in the log', 15_000);
      const copied = /Find Item: copied (\S+)/.exec(log)![1];
      const items = JSON.parse(fs.readFileSync(path.join(demo.dir(), 'items.json'), 'utf8')) as Record<string, { sid: string }>;
      assert.ok(items.B00SKIN003.sid.includes(copied), `${copied} is the code of B00SKIN003 (${items.B00SKIN003.sid})`);
    });
  });

  test('Select Alignment Table… adds a table to reclens.alignment.paths; the pool grows', { timeout: 90_000 }, async () => {
    await withLog(w(), 'select-table', async () => {
      fs.writeFileSync(path.join(demo.dir(), 'extra.jsonl'), `${JSON.stringify({ id: 'extra-1', sid: [8000, 8001, 8002], title: 'An extra item' })}\n`);
      await w().runCommand('RecLens: Select Alignment Table');
      // code-server's file dialog is a quick input that takes a path.
      const input = w().page.locator('.quick-input-widget:visible input');
      await input.waitFor();
      const file = path.join(demo.dir(), 'extra.jsonl');
      // The dialog writes its starting folder into the input once it has read it, which can
      // overwrite a path typed before; type it again until it stays. Then accept it, pressing
      // Enter again if the first one was taken by the path completion instead of the dialog.
      for (let attempt = 0; attempt < 20; attempt++) {
        await input.fill(file);
        await w().page.waitForTimeout(300);
        if ((await input.inputValue()).endsWith('extra.jsonl')) break;
      }
      assert.ok((await input.inputValue()).endsWith('extra.jsonl'), `the file dialog shows ${await input.inputValue()}`);
      const next = quickRows(w()).filter({ hasText: 'Add to the item tables' }).first();
      for (let attempt = 0; attempt < 3 && !(await next.isVisible()); attempt++) {
        await w().page.keyboard.press('Enter');
        await next.waitFor({ timeout: 5_000 }).catch(() => undefined);
      }
      await chooseRow(w(), 'Add to the item tables');
      await eventually(async () => fs.readFileSync(path.join(demo.dir(), '.vscode', 'settings.json'), 'utf8'), (t) => /"items\.json",\s*"world\/pid2sid\.parquet",\s*"extra\.jsonl"/.test(t), 'the table added to the setting');
      await eventually(() => w().statusBarText(), (t) => t.some((s) => /· 3,041 items/.test(s)), 'the status bar counting the extra item');
    });
  });

  test('Rebuild Item Index builds the item tables again and says so', { timeout: 120_000 }, async () => {
    await withLog(w(), 'rebuild-index', async () => {
      await w().runCommand('RecLens: Rebuild Item Index');
      const text = await notificationText(w(), /index rebuilt for/, 90_000);
      assert.match(text, /index rebuilt for items\.json, pid2sid\.parquet, extra\.jsonl/);
      console.log(`[e2e] ${text}`);
    });
  });
});
