/**
 * `reclens/traceHeader` over a real JSON-RPC connection (`dist/server.js`:
 * run `npm run build` first): the header of a trace on disk and of an open
 * document, a malformed header's problems, and the errors for documents
 * that have no header.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TraceHeaderRequest } from '../../protocol/messages';
import { repoRoot, responseError, startClient, waitForStatus, type TestClient } from './client';

const traces = path.join(repoRoot, 'demo', 'traces');
const uri = (file: string): string => pathToFileURL(file).toString();

describe('reclens/traceHeader', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-header-'));
  let client: TestClient;
  const header = (u: string) => client.connection.sendRequest(TraceHeaderRequest, { uri: u });

  before(async () => {
    client = await startClient({ rootPath: dir, settings: {} });
    await waitForStatus(client, () => true);
  });
  after(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a trace on disk: its fields, and its mode and decoding settings as inference overrides', async () => {
    const result = await header(uri(path.join(traces, 'u1024.rtrace')));
    assert.equal(result.version, 1);
    assert.equal(result.header.user, 'u1024');
    assert.equal(result.header.model, 'OpenOneRec-1.7B-beauty');
    assert.equal(result.header.checkpoint, 'sft-think/step-8000');
    assert.equal(result.header.decoding?.top_k, 50);
    assert.deepEqual(result.overrides, { mode: 'thinking', temperature: 0.6, topP: 0.95, topK: 50, seed: 7, beams: 16, numReturn: 4, thinkingSamples: 1, maxThinkingTokens: 768, constrained: true });
    assert.deepEqual(result.problems, []);
  });

  test('a malformed header in an open document: the values that parse and fit their setting, and a problem with its line for each that does not parse', async () => {
    const doc = uri(path.join(dir, 'edited.rtrace'));
    const text = [
      '%rtrace 1',
      '# a comment',
      'user: u0910',
      'model: /models/final',
      'mode: sideways',
      'domain: video',
      'decoding: temperature=0.6 top_p=0.95 top_k=20 seed=7 beams=16',
      'decoding: num_return=4 constrained=false bogus=1 max_thinking_tokens=x thinking_samples=99',
      'User: someone',
      '',
      '[history]',
      'user: not-a-history-line',
    ].join('\n');
    await client.open(doc, text, 'rtrace');
    const result = await header(doc);
    assert.equal(result.version, 1);
    assert.equal(result.header.user, 'u0910');
    assert.equal(result.header.mode, undefined);
    assert.deepEqual(result.overrides, { domain: 'video', temperature: 0.6, topP: 0.95, topK: 20, seed: 7, beams: 16, numReturn: 4, constrained: false });
    const name = path.join(dir, 'edited.rtrace');
    const at = (line: number, pattern: RegExp): void => assert.ok(result.problems.some((p) => p.startsWith(`${name}:${line}: `) && pattern.test(p)), `line ${line} ${pattern}: ${JSON.stringify(result.problems)}`);
    at(5, /Unknown mode `sideways`/);
    at(8, /Unknown decoding setting `bogus`/);
    at(8, /`max_thinking_tokens` must be/);
    at(9, /Unknown header key `User`.*lower case/);
    // The body's problems are the diagnostics' business, not the header's.
    assert.ok(result.problems.every((p) => !p.startsWith(`${name}:11:`)), JSON.stringify(result.problems));
    await client.closeDocument(doc);
  });

  test('without a `%rtrace` first line there is no version (no lenses), and the problem says what to add', async () => {
    const file = path.join(dir, 'late-version.rtrace');
    fs.writeFileSync(file, '# made by hand\n%rtrace 1\nuser: u1\n');
    const result = await header(uri(file));
    assert.equal(result.version, undefined);
    assert.equal(result.header.user, 'u1');
    assert.ok(result.problems.some((p) => p.startsWith(`${file}:1: `) && /first line .* must be `%rtrace 1`/.test(p)), JSON.stringify(result.problems));
  });

  test('a document that is not an .rtrace trace, a missing file and a missing uri are errors that say why', async () => {
    const dump = path.join(traces, 'benchmark.json');
    assert.match((await responseError(header(uri(dump)))).message, /benchmark\.json is not an \.rtrace trace \(it reads as benchmark\)/);
    assert.match((await responseError(header(uri(path.join(dir, 'gone.rtrace'))))).message, /cannot read .*gone\.rtrace \(ENOENT\)/);
    assert.match((await responseError(client.connection.sendRequest(TraceHeaderRequest.method, {}))).message, /needs the "uri"/);
  });
});
