/**
 * The debug adapter over real DAP messages (`node dist/debugAdapter.js`, run
 * `npm run build` first), replaying the demo trace u1024.rtrace with the demo
 * workspace's settings: stop on entry, stepping in every direction, line,
 * conditional, hit-count, function and log breakpoints, stack frames,
 * scopes and variables with resolved items, evaluate, and bad launches.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const repoRoot = path.resolve(__dirname, '..', '..');
const adapter = path.join(repoRoot, 'dist', 'debugAdapter.js');
const demo = path.join(repoRoot, 'demo');
const trace = path.join(demo, 'traces', 'u1024.rtrace');

let dc: DebugClient;

beforeEach(async () => {
  dc = new DebugClient(process.execPath, adapter, 'reclens', { cwd: demo }, true);
  dc.defaultTimeout = 20_000;
  await dc.start();
});
afterEach(() => dc.stop());

/** Launch, set line breakpoints (1-based lines) and function breakpoints, finish configuration; resolves on the first stop. */
async function launch(args: Record<string, unknown>, lines: DebugProtocol.SourceBreakpoint[] = [], functions: DebugProtocol.FunctionBreakpoint[] = []): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.launch({ trace, cwd: demo, ...args }),
    dc.waitForEvent('initialized').then(async () => {
      if (lines.length > 0) await dc.setBreakpointsRequest({ source: { path: (args.trace as string | undefined) ?? trace }, breakpoints: lines });
      if (functions.length > 0) await dc.setFunctionBreakpointsRequest({ breakpoints: functions });
      await dc.configurationDoneRequest();
    }),
  ]);
  return stopped;
}

/** The top frame: its name and 1-based line. */
async function top(): Promise<{ name: string; line: number; frames: DebugProtocol.StackFrame[] }> {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  const f = st.body.stackFrames[0];
  return { name: f.name, line: f.line, frames: st.body.stackFrames };
}

async function evaluate(expression: string, context = 'watch'): Promise<string> {
  return (await dc.evaluateRequest({ expression, context, frameId: (await top()).frames[0].id })).body.result;
}

/** Each move's stop, as its top frame's line. */
async function moved(request: Promise<unknown>): Promise<number> {
  const stopped = dc.waitForEvent('stopped');
  await request;
  await stopped;
  return (await top()).line;
}

describe('replaying u1024.rtrace', () => {
  test('stops on entry at the first history item; frames are step › layer › trace', async () => {
    const e = await launch({});
    assert.equal(e.body.reason, 'entry');
    const t = await top();
    assert.equal(t.line, 19);
    assert.match(t.name, /^h1 /);
    assert.deepEqual(t.frames.map((f) => f.name.split(' ')[0]), ['h1', 'history', 'trace']);
  });

  test('next, step out, step back and step in move between steps and layers', async () => {
    await launch({});
    assert.equal(await moved(dc.nextRequest({ threadId: 1 })), 20);
    assert.equal(await moved(dc.stepOutRequest({ threadId: 1 })), 27, 'step out: the first step of the next layer');
    const p2 = await moved(dc.nextRequest({ threadId: 1 }));
    assert.ok(p2 > 27);
    assert.equal(await moved(dc.stepBackRequest({ threadId: 1 })), 27);
    assert.equal(await moved(dc.stepInRequest({ threadId: 1 })), p2, 'a step without recorded tokens steps over');
  });

  test('line breakpoints, a condition, a hit count and reverse continue', async () => {
    await launch({}, [{ line: 44 }, { line: 56, condition: 'len(step.evidence) == 2' }, { line: 49, hitCondition: '2' }]);
    assert.equal(await moved(dc.continueRequest({ threadId: 1 })), 44);
    assert.equal(await evaluate('step.id'), '"c3"');
    // line 49 (c4) is only hit the 2nd time: passed once now, so the next stop is r1, whose condition holds.
    assert.equal(await moved(dc.continueRequest({ threadId: 1 })), 56);
    assert.equal(await evaluate('step.evidence'), '["c3", "c4"]');
    assert.equal(await moved(dc.reverseContinueRequest({ threadId: 1 })), 49, 'going back, c4 is hit a second time');
  });

  test('function breakpoints on events, with a condition; logpoints write to the console', async () => {
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    const e = await launch({ stopOnEntry: false }, [{ line: 37, logMessage: 'c1 rests on {step.evidence}' }], [{ name: 'layer', condition: 'stage == "recommendation"' }]);
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await top()).line, 55 + 1);
    assert.ok(output.some((o) => o.includes('c1 rests on ["p1", "p2", "p3"]')), output.join(''));
    assert.equal(await moved(dc.continueRequest({ threadId: 1 })), 63, 'the recommendations are a layer too');
  });

  test('variables: the step, the items it names with their titles, and the trace header', async () => {
    await launch({}, [{ line: 63 }]);
    await moved(dc.continueRequest({ threadId: 1 }));
    const frame = (await top()).frames[0];
    const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
    assert.deepEqual(scopes.map((s) => s.name.split(' ')[0]), ['Position', 'Items', 'Trace']);
    const position = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
    assert.equal(position.find((v) => v.name === 'rank')?.value, '1');
    assert.equal(position.find((v) => v.name === 'hit')?.value, 'true');
    const items = (await dc.variablesRequest({ variablesReference: scopes[1].variablesReference })).body.variables;
    const item = (await dc.variablesRequest({ variablesReference: items[0].variablesReference })).body.variables;
    assert.match(item.find((v) => v.name === 'title')?.value ?? '', /curl/i, JSON.stringify(item));
    assert.equal(item.find((v) => v.name === 'inGroundTruth')?.value, 'true');
    const header = (await dc.variablesRequest({ variablesReference: scopes[2].variablesReference })).body.variables;
    assert.equal(header.find((v) => v.name === 'user')?.value, '"u1024"');
    assert.equal(await evaluate('item.title contains "Curl" && rank <= 3 && hit'), 'true');
  });

  test('hovering a step id shows the step; an expression error is an error, not a crash', async () => {
    await launch({});
    const hovered = await dc.evaluateRequest({ expression: 'c3', context: 'hover' });
    assert.ok(hovered.body.variablesReference > 0);
    await assert.rejects(dc.evaluateRequest({ expression: 'step.id ==', context: 'watch' }), /expected/);
  });

  test('continuing past the last stop ends the session', async () => {
    const ended = dc.waitForEvent('terminated');
    await Promise.all([dc.launch({ trace, cwd: demo, stopOnEntry: false }), dc.configurationSequence()]);
    await ended;
  });
});

describe('bad launches end with a clear error', () => {
  const fails = async (args: Record<string, unknown>, message: RegExp): Promise<void> => {
    await assert.rejects(dc.launch(args), message);
  };
  test('a missing file', () => fails({ trace: 'no/such.rtrace', cwd: demo }, /no such file/));
  test('an unknown sample', () => fails({ trace: path.join(demo, 'traces', 'benchmark.json'), traceId: 'nobody', cwd: demo }, /no trace "nobody"/));
  test('nothing to debug', () => fails({ cwd: demo }, /no trace to debug/));
  test('bad settings', () => fails({ trace, settings: 'oops' }, /"settings" launch argument must be an object/));
});

describe('replaying a trace the engine wrote, token by token', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-dap-tokens-'));
  const written = path.join(dir, 'u0010.rtrace');
  let text = '';
  before(() => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'infer', '--user', 'u0010', '--provider', 'cpu', '--max-thinking-tokens', '96', '--beams', '8', '--num-return', '4', '--out', written], { cwd: demo, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    text = fs.readFileSync(written, 'utf8');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const lineOf = (prefix: string): number => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;

  test('step in walks a step token by token, with each token\'s probability and alternatives', async () => {
    await launch({ trace: written });
    const p1 = lineOf('p1 ');
    await dc.setBreakpointsRequest({ source: { path: written }, breakpoints: [{ line: p1 }] });
    assert.equal(await moved(dc.continueRequest({ threadId: 1 })), p1);
    await moved(dc.stepInRequest({ threadId: 1 }));
    const t = await top();
    assert.match(t.name, /^token 1 "<\|sid_begin\|>" p=/);
    assert.deepEqual(t.frames.map((f) => f.name.split(' ')[0]), ['token', 'p1', 'perception', 'trace']);
    assert.equal(t.line, lineOf('p1 "<|sid_begin|>"'), 'the token stops on its own record line');
    const scopes = (await dc.scopesRequest({ frameId: t.frames[0].id })).body.scopes;
    assert.ok(scopes.some((s) => s.name === 'Alternatives'));
    assert.equal(await evaluate('prob > 0.9 && len(alternatives) >= 2'), 'true');
  });

  test('a condition on a step line stops at the step\'s first unsure token; low-confidence is an event', async () => {
    const p1 = lineOf('p1 ');
    const first = await launch({ trace: written, stopOnEntry: false }, [{ line: p1, condition: 'kind == "token" && prob < 0.2' }]);
    assert.equal(first.body.reason, 'breakpoint');
    assert.match((await top()).name, /^token \d+ "<s_c_\d+>"/);
    assert.equal(await evaluate('step.id'), '"p1"');
    assert.match(await evaluate('entropy'), /^\d/);
    await dc.setBreakpointsRequest({ source: { path: written }, breakpoints: [] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'low-confidence', condition: 'step.id != "p1"' }] });
    await moved(dc.continueRequest({ threadId: 1 }));
    assert.equal(await evaluate('prob < 0.5 && "low-confidence" in events'), 'true');
  });
});
