/**
 * The Get Started walkthrough in a real VS Code: it is listed with its
 * steps, and a step's button runs its command. Its markdown pages and the
 * demo folder are read from the installed extension (the harness links
 * media/ and demo/ into it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseRow, withLog } from './editor-helpers';
import { eventually, sharedWorkbench, type Workbench } from './harness';

const workbench = sharedWorkbench({ open: 'traces/u1024.rtrace' });

/** Cancels the modal dialog Open Demo Workspace shows (a modal keeps the command palette from opening). */
async function cancelDialog(w: Workbench): Promise<string> {
  const dialog = w.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15_000 });
  const text = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  return text;
}

async function openWalkthrough(w: Workbench): Promise<void> {
  await w.runCommand('Welcome: Open Walkthrough');
  await chooseRow(w, 'Get Started with RecLens');
  await w.page.locator('.gettingStartedContainer .getting-started-step').first().waitFor({ timeout: 30_000 });
}

test('the RecLens walkthrough lists its steps, and a step button runs its command', { timeout: 120_000 }, async () => {
  const w = workbench();
  await withLog(w, 'walkthrough', async () => {
    await openWalkthrough(w);
    const titles = (await w.page.locator('.gettingStartedContainer .getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(titles, ['Open the demo workspace', 'Hover an itemic token', 'Run inference for a user', 'Show the reasoning graph', 'Compare checkpoints']);
    await w.screenshot('walkthrough');
    await w.page.locator('.gettingStartedContainer .getting-started-step.expanded .monaco-button', { hasText: 'Open Demo Workspace' }).click();
    await eventually(async () => w.outputLog('RecLens'), (l) => /command: Open Demo Workspace/.test(l), 'the command run by the step button', 15_000);
    assert.match(await cancelDialog(w), /open the demo workspace/);
  });
});

test(
  'the walkthrough shows its markdown; Open Demo Workspace asks where to open the demo',
  { timeout: 120_000 },
  async () => {
    const w = workbench();
    await withLog(w, 'walkthrough-media', async () => {
      await w.runCommand('View: Close All Editors');
      await openWalkthrough(w);
      // The first test completed the first step, so the walkthrough now opens on the next one.
      await w.page.locator('.gettingStartedContainer .getting-started-step .step-title', { hasText: 'Open the demo workspace' }).click();
      const media = w.page.frameLocator('.gettingStartedContainer .getting-started-media iframe').frameLocator('#active-frame');
      await media.locator('h1', { hasText: 'The demo workspace' }).waitFor({ timeout: 30_000 });
      await w.screenshot('walkthrough-media');
      await w.page.locator('.gettingStartedContainer .getting-started-step.expanded .monaco-button', { hasText: 'Open Demo Workspace' }).click();
      await w.page.locator('.monaco-dialog-box').waitFor({ timeout: 15_000 });
      await w.screenshot('open-demo-dialog');
      assert.match(await cancelDialog(w), /open the demo workspace/);
    });
  },
);
