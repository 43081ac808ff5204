/**
 * The extension's pure helpers, without VS Code: the Restricted Mode rule,
 * settings named in errors, the progress text of a run, and which graph
 * node the cursor is on.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { nodeAt } from '../../extension/graph-sync';
import { progressMessage, tail, THINKING_TAIL } from '../../extension/inference-progress';
import { settingsNamedIn } from '../../extension/setting-links';
import { trustedOnlyCommands, trustRefusal } from '../../extension/trust';

const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

test('Restricted Mode refuses to run a model, and says how to allow it', () => {
  assert.equal(trustRefusal(true, 'Running inference'), undefined);
  const refusal = trustRefusal(false, 'Running inference');
  assert.match(refusal ?? '', /Running inference is not available in Restricted Mode/);
  assert.match(refusal ?? '', /Trust the workspace/);
});

test('commands that run a model are hidden from the palette without trust; model and table paths are restricted settings', () => {
  const palette = manifest.contributes.menus.commandPalette as { command: string; when?: string }[];
  for (const command of trustedOnlyCommands) {
    assert.ok(manifest.contributes.commands.some((c: { command: string }) => c.command === command), `${command} is contributed`);
    const entry = palette.find((m) => m.command === command);
    assert.match(entry?.when ?? '', /isWorkspaceTrusted/, `${command} needs trust in the palette`);
  }
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  for (const key of ['reclens.model.path', 'reclens.alignment.paths', 'reclens.users.paths']) assert.ok(trust.restrictedConfigurations.includes(key), key);
});

test('every command is in the RecLens category, and every walkthrough step has its media file', () => {
  for (const c of manifest.contributes.commands) {
    assert.match(c.command, /^reclens\./);
    assert.equal(c.category, 'RecLens', c.command);
  }
  for (const w of manifest.contributes.walkthroughs) {
    for (const step of w.steps) {
      assert.ok(fs.existsSync(new URL(`../../${step.media.markdown}`, import.meta.url)), step.media.markdown);
      assert.ok(step.completionEvents.length > 0, step.id);
    }
  }
});

test('settings named in an error message, without a trailing full stop', () => {
  assert.deepEqual(settingsNamedIn('no users file: set reclens.users.paths to a JSONL file.'), ['reclens.users.paths']);
  assert.deepEqual(settingsNamedIn('no model: set reclens.model.path. See reclens.model.path and reclens.model.executionProvider'), ['reclens.model.path', 'reclens.model.executionProvider']);
  assert.deepEqual(settingsNamedIn('the model crashed'), []);
});

test('the progress text shows the last characters of the thinking and the speed', () => {
  const long = 'Perception: the user bakes bread.\nCognition: '.padEnd(300, 'x') + ' the end';
  const shown = progressMessage({ kind: 'thinking', sample: 0, samples: 1, text: long, tokens: 120, tokensPerSecond: 68.6 });
  assert.match(shown, /^….* the end \(69 tok\/s\)$/);
  assert.equal(tail(long).length, THINKING_TAIL);
  assert.match(progressMessage({ kind: 'thinking', sample: 1, samples: 3, text: 'short', tokens: 1, tokensPerSecond: 10 }), /^\[2\/3\] short/);
  assert.equal(progressMessage({ kind: 'beams', branch: 'thinking', sample: 0, level: 1, levels: 3 }), 'searching codes (thinking, sample 1): level 2 of 3');
  assert.equal(progressMessage({ kind: 'done', totalMs: 1234 }), 'done in 1.2 s');
});

test('the node at the cursor is the narrowest whose range holds it', () => {
  const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
  const nodes = [{ id: 'layer', range: r(10, 0, 20, 0) }, { id: 'c1', range: r(12, 0, 14, 5) }, { id: 'norange' }];
  assert.equal(nodeAt(nodes, { line: 13, character: 2 }), 'c1');
  assert.equal(nodeAt(nodes, { line: 15, character: 0 }), 'layer');
  assert.equal(nodeAt(nodes, { line: 2, character: 0 }), null);
});
