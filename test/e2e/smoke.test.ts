/**
 * Smoke test in a real VS Code (code-server): the workbench opens the demo
 * workspace, RecLens activates when a JSON trace is opened, and the picture
 * is saved to test-results/smoke.png for a human look.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elapsed, eventually, sharedWorkbench } from './harness';

const workbench = sharedWorkbench();

test('the demo workspace opens and RecLens activates on a benchmark dump', { timeout: 120_000 }, async () => {
  const w = workbench();
  await w.guard('smoke', async () => {
    await w.openFile('traces/benchmark.json');
    // Activation is lazy (onLanguage:json); the extension creates its output channel first thing.
    const channels = await eventually(() => w.outputChannels(), (names) => names.includes('RecLens'), 'the RecLens output channel');
    assert.ok(channels.includes('RecLens'));
    console.log(`[e2e] RecLens active after ${elapsed()}`);
    assert.ok((await w.statusBarText()).length > 0, 'the status bar shows items');
    await w.screenshot('smoke');
  });
});
