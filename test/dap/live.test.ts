/**
 * A live generation under the debug adapter (`node dist/debugAdapter.js`,
 * after `npm run build`), on the demo model with the demo workspace's
 * settings: stop on entry with the next-token distribution, a function
 * breakpoint at `</think>`, an intervention that changes the run (the
 * forced token is in the new trace, which differs from the unmodified run
 * written beside it), restart reproducing the same tokens, and stop leaving
 * no worker process behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const repoRoot = path.resolve(__dirname, '..', '..');
const adapter = path.join(repoRoot, 'dist', 'debugAdapter.js');
const demo = path.join(repoRoot, 'demo');
const settings = {
  alignment: { paths: [path.join(demo, 'world', 'pid2sid.parquet')] },
  model: { path: path.join(demo, 'models', 'final') },
  users: { paths: [path.join(demo, 'world', 'users.jsonl')] },
  inference: { presencePenalty: 0, frequencyPenalty: 0, topK: 20 },
};

let dc: DebugClient;
let cwd: string;

beforeEach(async () => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-dap-live-'));
  dc = new DebugClient(process.execPath, adapter, 'reclens', { cwd }, true);
  dc.defaultTimeout = 60_000;
  await dc.start();
});
afterEach(async () => {
  await dc.stop();
  fs.rmSync(cwd, { recursive: true, force: true });
});

async function launch(args: Record<string, unknown> = {}, functions: DebugProtocol.FunctionBreakpoint[] = []): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.launch({ user: 'u0010', mode: 'thinking', maxThinkingTokens: 96, beams: 8, numReturn: 4, cwd, settings, ...args }),
    dc.waitForEvent('initialized').then(async () => {
      if (functions.length > 0) await dc.setFunctionBreakpointsRequest({ breakpoints: functions });
      await dc.configurationDoneRequest();
    }),
  ]);
  return stopped;
}

async function stepIn(): Promise<string> {
  const stopped = dc.waitForEvent('stopped');
  await dc.stepInRequest({ threadId: 1 });
  await stopped;
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].name;
}

const evaluate = async (expression: string): Promise<string> => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;

describe('a live generation on the demo model', () => {
  test('stops on entry with the next-token distribution; a breakpoint on thinking-end stops at </think>', async () => {
    const entry = await launch({}, [{ name: 'thinking-end' }]);
    assert.equal(entry.body.reason, 'entry');
    const scopes = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
    const next = scopes.find((s) => s.name === 'Next token');
    assert.ok(next, scopes.map((s) => s.name).join());
    const top = (await dc.variablesRequest({ variablesReference: next.variablesReference })).body.variables;
    assert.ok(top.some((v) => v.name === 'top'));
    const stopped = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    await stopped;
    assert.match(await evaluate('events'), /thinking-end/);
    const source = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].source!;
    const content = (await dc.sourceRequest({ source, sourceReference: source.sourceReference! })).body.content;
    assert.match(content, /Perception:/, 'the live document holds the thinking generated so far');
  });

  test('an intervention changes the run: the forced token is in the new trace, which differs from the unmodified one', async () => {
    await launch();
    for (let i = 0; i < 3; i++) await stepIn();
    const top = (await dc.customRequest('reclens/topTokens', {})).body.tokens as { token: string; prob: number }[];
    assert.ok(top.length > 1);
    const forced = ' zebra';
    const stopped = dc.waitForEvent('stopped');
    await dc.customRequest('reclens/forceToken', { token: forced });
    await stopped;
    // Every token the typed text became is in the live document, not only the last.
    const source = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].source!;
    assert.ok((await dc.sourceRequest({ source, sourceReference: source.sourceReference! })).body.content.endsWith(forced));
    const written = dc.waitForEvent('reclens/traceWritten', 120_000);
    const ended = dc.waitForEvent('terminated', 120_000);
    await dc.continueRequest({ threadId: 1 });
    const body = (await written).body as { path: string; original?: string };
    assert.ok(body.original, 'the unmodified run is written beside it');
    const edited = fs.readFileSync(body.path, 'utf8');
    const original = fs.readFileSync(body.original, 'utf8');
    assert.ok(edited.includes('zebra'), 'the forced token is in the new trace');
    assert.ok(!original.includes('zebra'));
    assert.notEqual(edited.replace(/^created: .*$/m, ''), original.replace(/^created: .*$/m, ''));
    await ended;
  });

  test('restart reproduces the same tokens (same seed); stop leaves no worker behind', async () => {
    await launch();
    const first = [await stepIn(), await stepIn(), await stepIn()];
    const stopped = dc.waitForEvent('stopped');
    await dc.restartRequest({});
    await stopped;
    assert.deepEqual([await stepIn(), await stepIn(), await stepIn()], first);
    const pid = (dc as unknown as { _adapterProcess: { pid: number } })._adapterProcess.pid;
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
    assert.ok(children.length > 0, 'the model runs in a worker process');
    await dc.disconnectRequest({});
    await new Promise((r) => setTimeout(r, 500));
    for (const child of children) assert.throws(() => process.kill(child, 0), `worker ${child} is gone`);
  });
});

describe('bad live launches end with a clear error', () => {
  test('an unknown user', async () => {
    await assert.rejects(dc.launch({ user: 'nobody', cwd, settings }), /no user "nobody"/);
  });
  test('no model', async () => {
    await assert.rejects(dc.launch({ user: 'u0010', cwd, settings: { ...settings, model: { path: '' } } }), /no model/);
  });
});
