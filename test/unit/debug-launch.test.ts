/**
 * The VS Code side of the RecLens debugger without VS Code: the manifest's
 * `reclens` debugger is generated from the launch arguments and the
 * decoding table, launch configurations are checked with messages a user
 * can act on, and the paused state follows the DAP messages.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkLaunch, mergeSettings, type LaunchEnv } from '../../extension/debug/launch-check';
import { pausedAfter } from '../../extension/debug/pause-state';
import { isLiveLaunch, launchDecodingKeys } from '../../protocol/debug';
import { debuggersContribution, launchAttributes } from '../../protocol/debug-schema';
import { decodingSpecs } from '../../protocol/inference';
import { settingsSchema } from '../../protocol/settings-schema';

const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

test('package.json debuggers are generated from the launch arguments and the decoding table', () => {
  assert.deepEqual(manifest.contributes.debuggers, JSON.parse(JSON.stringify(debuggersContribution())), 'run `npm run gen:settings`');
});

test('every decoding setting but the mode is a launch attribute with the setting\'s type and range', () => {
  const attributes = launchAttributes();
  for (const key of launchDecodingKeys) {
    const attribute = attributes[key];
    const setting = settingsSchema[`reclens.inference.${key}`];
    assert.ok(attribute, `${key} is a launch attribute`);
    for (const field of ['type', 'minimum', 'maximum', 'enum']) assert.deepEqual(attribute[field], setting[field], `${key}.${field} as in the setting`);
    assert.match(String(attribute.markdownDescription), new RegExp(`reclens\\.inference\\.${key}`), `${key} names its setting`);
    assert.doesNotMatch(String(attribute.markdownDescription), /#reclens\./, `${key}: no settings-editor links in launch.json`);
  }
  assert.deepEqual(launchDecodingKeys, Object.keys(decodingSpecs).filter((k) => k !== 'mode'));
  for (const key of ['trace', 'traceId', 'model', 'user', 'mode', 'stopOnEntry', 'cwd', 'settings']) assert.ok(attributes[key]?.markdownDescription, `${key} is documented`);
  assert.equal(attributes.stopOnEntry.default, true);
});

test('the manifest wires the debugger: activation, breakpoints, languages, commands, the steps view and its keys', () => {
  const c = manifest.contributes;
  for (const e of ['onDebugResolve:reclens', 'onDebugDynamicConfigurations:reclens']) assert.ok(manifest.activationEvents.includes(e), e);
  assert.deepEqual(
    c.breakpoints.map((b: { language: string }) => b.language),
    c.debuggers[0].languages,
  );
  const commands = new Map<string, { enablement?: string }>(c.commands.map((x: { command: string }) => [x.command, x]));
  for (const id of ['reclens.debugTrace', 'reclens.forceToken', 'reclens.replaceRest', 'reclens.nextStep', 'reclens.previousStep']) assert.ok(commands.has(id), `${id} is contributed`);
  for (const id of ['reclens.forceToken', 'reclens.replaceRest']) assert.equal(commands.get(id)?.enablement, 'reclens.debugPaused', `${id} only while paused`);
  assert.ok(c.views.explorer.some((v: { id: string }) => v.id === 'reclens.steps'));
  const keys = c.keybindings.filter((k: { command: string }) => /Step$/.test(k.command));
  assert.deepEqual(keys.map((k: { key: string }) => k.key).sort(), ['alt+down', 'alt+up']);
  for (const k of keys) assert.match(k.when, /reclens\.traceEditor/, 'the step keys leave other editors alone');
  assert.ok(c.menus['editor/title'].some((m: { command: string; when: string }) => m.command === 'reclens.debugTrace' && /rtrace/.test(m.when)));
  const body = c.debuggers[0].configurationSnippets.map((s: { body: Record<string, unknown> }) => s.body);
  assert.ok(body.some((b: Record<string, unknown>) => 'trace' in b) && body.some((b: Record<string, unknown>) => 'user' in b), 'a trace snippet and a live snippet');
});

const folder = path.resolve('/work/ws');
const files = new Set([folder, path.join(folder, 'traces', 'u1024.rtrace'), path.join(folder, 'models', 'final'), '/abs/dump.json']);
const env = (over: Partial<LaunchEnv> = {}): LaunchEnv => ({ exists: (p) => files.has(p), trusted: true, folder, modelSetting: 'models/final', modeSetting: 'thinking', ...over });
const problemsOf = (config: Record<string, unknown>, e = env()): string => {
  const r = checkLaunch(config, e);
  assert.equal(r.ok, false, `expected problems for ${JSON.stringify(config)}`);
  return r.ok ? '' : r.problems.join('\n');
};

test('a trace launch: the path resolved against the folder, stopOnEntry on by default', () => {
  const r = checkLaunch({ type: 'reclens', trace: 'traces/u1024.rtrace' }, env());
  assert.deepEqual(r, { ok: true, live: false, set: { stopOnEntry: true, trace: path.join(folder, 'traces', 'u1024.rtrace'), cwd: folder } });
  const abs = checkLaunch({ trace: '/abs/dump.json', traceId: 'u0001_skincare/1', stopOnEntry: false }, env({ folder: undefined }));
  assert.deepEqual(abs, { ok: true, live: false, set: { stopOnEntry: false, trace: '/abs/dump.json' } });
});

test('trace launch problems name the file and what to write', () => {
  assert.match(problemsOf({ trace: 'traces/missing.rtrace' }), /trace file not found: .*missing\.rtrace \("trace": "traces\/missing\.rtrace" resolved against \/work\/ws\)/);
  assert.match(problemsOf({ trace: 'notes.txt' }), /not a trace: RecLens debugs \.rtrace files/);
  assert.match(problemsOf({ trace: 'traces/u1024.rtrace' }, env({ folder: undefined })), /relative, but no workspace folder is open/);
  assert.match(problemsOf({ trace: 'traces/u1024.rtrace', user: 'u1' }), /not both/);
  assert.match(problemsOf({ trace: 'traces/u1024.rtrace', traceId: 3 }), /"traceId" must be a sample or generation id/);
  assert.match(problemsOf({ trace: 'traces/u1024.rtrace', stopOnEntry: 'yes' }), /"stopOnEntry" must be true or false/);
  assert.match(problemsOf({ type: 'reclens', request: 'launch', name: 'x' }), /names nothing to debug: add "trace"/);
  assert.match(problemsOf({ trace: 'traces/u1024.rtrace', settings: [] }), /"settings" must be an object/);
});

test('a live launch: the model from the setting, the mode from the setting, decoding values checked', () => {
  const r = checkLaunch({ user: 'u0001', temperature: 0.7, constrained: false }, env());
  assert.deepEqual(r, { ok: true, live: true, set: { stopOnEntry: true, model: path.join(folder, 'models', 'final'), mode: 'thinking', cwd: folder } });
  assert.match(problemsOf({ user: 'u0001', topP: 2, beams: 1.5, mode: 'fast' }), /"mode" must be "thinking", "non-thinking" or "race" \(got "fast"\)[^]*"topP" must be a number from 0 to 1 \(got 2\)[^]*"beams" must be a whole number from 1 to 128 \(got 1\.5\)/);
});

test('live launch problems: no user, no model, a missing model folder, Restricted Mode', () => {
  assert.match(problemsOf({ model: 'models/final' }), /no user: add "user": "<id>"/);
  const noModel = checkLaunch({ user: 'u0001' }, env({ modelSetting: '' }));
  assert.equal(noModel.ok, false);
  assert.ok(!noModel.ok && noModel.setting === 'reclens.model.path');
  assert.match(!noModel.ok ? noModel.problems[0] : '', /no model configured: set reclens\.model\.path/);
  assert.match(problemsOf({ user: 'u0001', model: 'models/early' }), /model folder not found: \/work\/ws\/models\/early/);
  assert.match(problemsOf({ user: 'u0001' }, env({ modelSetting: 'gone' })), /the model folder of reclens\.model\.path not found/);
  const untrusted = checkLaunch({ user: 'u0001' }, env({ trusted: false }));
  assert.ok(!untrusted.ok && untrusted.untrusted);
  assert.match(!untrusted.ok ? untrusted.problems[0] : '', /Debugging a live generation is not available in Restricted Mode/);
  // A trace is read, not run: no trust needed.
  assert.equal(checkLaunch({ trace: 'traces/u1024.rtrace' }, env({ trusted: false })).ok, true);
});

test('isLiveLaunch: a user or a model without a trace', () => {
  assert.equal(isLiveLaunch({ user: 'u1' }), true);
  assert.equal(isLiveLaunch({ model: 'm' }), true);
  assert.equal(isLiveLaunch({ trace: 't', user: 'u1' }), false);
  assert.equal(isLiveLaunch({}), false);
});

test('settings of the launch configuration override the workspace\'s key by key', () => {
  const base = { alignment: { paths: ['items.json'] }, inference: { topK: 20, mode: 'thinking' }, model: { path: 'models/final' } };
  assert.deepEqual(mergeSettings(base, { inference: { topK: 5 }, alignment: { paths: ['other.json'] } }), {
    alignment: { paths: ['other.json'] },
    inference: { topK: 5, mode: 'thinking' },
    model: { path: 'models/final' },
  });
  assert.equal(mergeSettings(base, undefined), base);
});

test('a session is paused from a stopped event until a request resumes it', () => {
  let paused = false;
  paused = pausedAfter(paused, { type: 'event', event: 'initialized' }, 'from');
  assert.equal(paused, false);
  paused = pausedAfter(paused, { type: 'event', event: 'stopped' }, 'from');
  assert.equal(paused, true);
  assert.equal(pausedAfter(paused, { type: 'request', command: 'reclens/topTokens' }, 'to'), true, 'asking for tokens keeps it paused');
  assert.equal(pausedAfter(paused, { type: 'request', command: 'variables' }, 'to'), true);
  for (const command of ['continue', 'next', 'stepIn', 'stepOut', 'stepBack']) assert.equal(pausedAfter(true, { type: 'request', command }, 'to'), false, command);
  assert.equal(pausedAfter(true, { type: 'event', event: 'continued' }, 'from'), false);
  assert.equal(pausedAfter(true, { type: 'event', event: 'terminated' }, 'from'), false);
  assert.equal(pausedAfter(true, { type: 'response', command: 'next' }, 'from'), true, 'responses change nothing');
});
