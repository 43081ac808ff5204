/**
 * `reclens/users` and `reclens/infer` over a real JSON-RPC connection, with
 * the demo world's table, users and model (`dist/server.js` and its worker
 * `dist/engine.js`: run `npm run build` first).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, HoverRequest, LSPErrorCodes, type Hover, type MarkupContent } from 'vscode-languageserver-protocol/node';
import {
  InferProgressNotification,
  InferRequest,
  UsersRequest,
  type InferParams,
  type InferProgressParams,
  type InferResult,
  type UsersParams,
  type UsersResult,
} from '../../protocol/messages';
import type { DecodeOverrides } from '../../protocol/inference';
import { positionOf, repoRoot, responseError, startClient, waitForStatus, type TestClient } from './client';

const world = path.join(repoRoot, 'demo', 'world');
const pid2sid = path.join(world, 'pid2sid.parquet');
const usersFile = path.join(world, 'users.jsonl');
const finalModel = path.join(repoRoot, 'demo', 'models', 'final');
/** A code two demo items share (a planned collision). */
const COLLISION = '<|sid_begin|><s_a_6301><s_b_7201><s_c_2433><|sid_end|>';
/** Small beam searches: the point of most tests is not the decoding. */
const QUICK: DecodeOverrides = { mode: 'non-thinking', beams: 8, numReturn: 5, provider: 'cpu' };
/** A thinking run that lasts seconds: eight sampled traces of up to 1,024 tokens each. */
const LONG: DecodeOverrides = { mode: 'thinking', temperature: 1, topK: 0, topP: 1, maxThinkingTokens: 1024, thinkingSamples: 8, beams: 4, numReturn: 2, provider: 'cpu' };

const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');
const users = (client: TestClient, params: UsersParams = {}): Promise<UsersResult> => client.connection.sendRequest(UsersRequest, params);
// An explicit `undefined` token would be sent as a second parameter: pass the token only when there is one.
const infer = (client: TestClient, params: InferParams, cancel?: CancellationTokenSource): Promise<InferResult> =>
  cancel ? client.connection.sendRequest(InferRequest, params, cancel.token) : client.connection.sendRequest(InferRequest, params);

/** Resolves with the first value `check` returns within `ms`. */
async function waitFor<T>(what: string, check: () => T | undefined, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('inference requests with the demo table, users and model', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-infer-'));
  const progress: InferProgressParams[] = [];
  let client: TestClient;

  before(async () => {
    client = await startClient({ rootPath: root, settings: { alignment: { paths: [pid2sid] }, model: { path: finalModel }, users: { paths: [usersFile] } } });
    client.connection.onNotification(InferProgressNotification, (p) => {
      progress.push(p);
    });
    const status = await waitForStatus(client, (s) => s.items === 3000, 0, 60_000);
    assert.deepEqual(status.problems, []);
  });
  after(async () => {
    await client.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('reclens/users lists the 1,000 demo users in file order, and a query filters them', async () => {
    const all = await users(client, { limit: 5000 });
    assert.equal(all.total, 1000);
    assert.equal(all.users.length, 1000);
    assert.deepEqual(all.paths, [usersFile]);
    assert.deepEqual(all.problems, []);
    assert.equal(all.users[0].id, 'u0001');
    assert.equal(all.users.filter((u) => u.split === 'test').length, 100);
    const u0010 = all.users.find((u) => u.id === 'u0010')!;
    assert.equal(u0010.split, 'test');
    assert.ok(u0010.historyLength >= 20 && u0010.targetCount > 0, JSON.stringify(u0010));

    const byDefault = await users(client);
    assert.equal(byDefault.total, 1000);
    assert.ok(byDefault.users.length < 1000, 'an unbounded list is capped');

    const found = await users(client, { query: 'U091' });
    assert.deepEqual(
      found.users.map((u) => u.id),
      Array.from({ length: 10 }, (_, i) => `u091${i}`),
    );
    assert.equal(found.total, 1000);
    assert.deepEqual((await users(client, { query: 'u09', limit: 3 })).users.map((u) => u.id), ['u0900', 'u0901', 'u0902']);
    assert.deepEqual((await users(client, { query: 'nobody-here' })).users, []);
  });

  test('reclens/infer for a test user: a clean .rtrace, a record with candidates, progress under the progressId', async () => {
    const progressId = 41;
    const result = await infer(client, { user: 'u0010', progressId, overrides: { ...QUICK, mode: 'thinking', temperature: 0, maxThinkingTokens: 256 } });
    const { record, trace, fileName } = result;
    assert.equal(record.user, 'u0010');
    assert.equal(record.mode, 'thinking');
    assert.equal(record.model, finalModel);
    assert.equal(record.thinking.length, 1);
    assert.equal(record.candidates.length, 5);
    assert.ok(record.candidates.every((c) => c.valid && c.items.length > 0 && c.levels.length === 3));
    for (let i = 1; i < record.candidates.length; i++) assert.ok(record.candidates[i - 1].logprob >= record.candidates[i].logprob);
    assert.ok(record.targets.length > 0, 'a test user has held-out targets');
    assert.match(fileName, /^u0010-thinking-final\.rtrace$/);

    assert.match(trace, /^%rtrace 1\n/);
    assert.match(trace, /^user: u0010$/m);
    assert.match(trace, /^mode: thinking$/m);
    for (const c of record.candidates) assert.ok(trace.includes(c.code), `the trace lists ${c.code}`);
    const uri = pathToFileURL(path.join(root, fileName)).toString();
    const diagnostics = await client.open(uri, trace, 'rtrace');
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 1),
      [],
      'the server accepts the trace it wrote',
    );

    const mine = progress.filter((p) => p.progressId === progressId).map((p) => p.event.kind);
    assert.equal(mine[mine.length - 1], 'done');
    for (const kind of ['prefill', 'thinking', 'beams'] as const) assert.ok(mine.includes(kind), `a ${kind} event: ${mine.join(' ')}`);
    assert.ok(mine.indexOf('prefill') < mine.indexOf('thinking') && mine.lastIndexOf('thinking') < mine.indexOf('beams'), mine.join(' '));
  });

  test('hover answers while an inference runs; the client cancel stops the run with RequestCancelled', async () => {
    const docUri = pathToFileURL(path.join(root, 'notes.txt')).toString();
    const text = `Recommended: ${COLLISION}\n`;
    await client.open(docUri, text);
    const progressId = 42;
    const cancel = new CancellationTokenSource();
    let settled = false;
    const running = infer(client, { user: 'u0010', progressId, overrides: LONG }, cancel).finally(() => (settled = true));
    running.catch(() => undefined);
    await waitFor('thinking progress', () => progress.find((p) => p.progressId === progressId && p.event.kind === 'thinking'));

    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: docUri }, position: positionOf(text, '<s_b_7201>', 3) });
    assert.match(hoverText(hover), /2 items share this code/);
    assert.equal(settled, false, 'the hover was answered while the inference ran');

    const cancelledAt = Date.now();
    cancel.cancel();
    const error = await responseError(running);
    assert.equal(error.code, LSPErrorCodes.RequestCancelled);
    assert.match(error.message, /cancelled/);
    assert.ok(Date.now() - cancelledAt < 5000, `stopped ${Date.now() - cancelledAt} ms after the cancel`);
    assert.ok(!progress.some((p) => p.progressId === progressId && p.event.kind === 'done'));

    // The worker serves the next request.
    const next = await infer(client, { user: 'u0010', overrides: QUICK });
    assert.equal(next.record.candidates.length, 5);
    assert.equal(client.alive(), true);
  });

  test('an unknown user is an error naming the user and the users file', async () => {
    const error = await responseError(infer(client, { user: 'u9999', overrides: QUICK }));
    assert.match(error.message, /no user "u9999"/);
    assert.ok(error.message.includes(usersFile), error.message);
  });

  test('a missing model folder is an error naming it', async () => {
    const missing = path.join(root, 'no-model');
    const error = await responseError(infer(client, { user: 'u0010', overrides: { ...QUICK, model: missing } }));
    assert.ok(error.message.includes(missing), error.message);
  });
});

describe('inference without a users setting', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-no-users-'));
  let client: TestClient;
  before(async () => {
    client = await startClient({ rootPath: root, settings: { model: { path: finalModel } } });
    await waitForStatus(client, () => true, 0, 30_000);
  });
  after(async () => {
    await client.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('reclens/infer says to set reclens.users.paths', async () => {
    const error = await responseError(infer(client, { user: 'u0010', overrides: QUICK }));
    assert.notEqual(error.code, LSPErrorCodes.RequestCancelled);
    assert.match(error.message, /no users file/);
    assert.match(error.message, /reclens\.users\.paths/);
  });

  test('reclens/users answers with an empty list', async () => {
    const result = await users(client);
    assert.equal(result.total, 0);
    assert.deepEqual(result.users, []);
  });
});
