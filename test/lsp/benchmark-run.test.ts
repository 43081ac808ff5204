/**
 * A result file laid out as the OneReason runner writes it, over a real
 * JSON-RPC connection (`dist/server.js`: run `npm run build` first): the run
 * as the outline's first symbol, each sample's metrics, the sample hover,
 * the layer scheme from the settings, and no warnings on runner answers.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DocumentSymbolRequest, HoverRequest, type DocumentSymbol, type MarkupContent } from 'vscode-languageserver-protocol';
import { GraphRequest } from '../../protocol/messages';
import { positionOf, repoRoot, startClient, waitForStatus, type TestClient } from './client';

const file = path.join(repoRoot, 'test', 'fixtures', 'dumps', 'onereason', 'onereason-8b-step1200', 'challenge_recommendation_video_full', 'test_generated.json');
const text = fs.readFileSync(file, 'utf8');
const uri = pathToFileURL(file).toString();

describe('a OneReason result file over LSP', () => {
  let client: TestClient;
  let diagnostics: unknown[];

  before(async () => {
    // The problems of the codes only: the reasoning checks are tested in checks.test.ts.
    client = await startClient({ rootPath: path.dirname(file), settings: { itemicTokens: { preset: 'onereason' }, checks: { enabled: false } } });
    await waitForStatus(client, () => true);
    diagnostics = await client.open(uri, text, 'json');
  });
  after(() => client.close());

  test('no diagnostics: complete codes without an end token are how the runner writes answers', () => {
    assert.deepEqual(diagnostics, []);
  });

  test('outline: the run first, then the samples with their key metrics', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail]),
      [
        ['onereason-8b-step1200', 'challenge_recommendation_video_full · R3 · race mode · 2 samples'],
        ['0', 'pass@1=true (+13)'],
        ['1', 'pass@1=false (+4)'],
      ],
    );
  });

  test('hover on a sample key: run, race halves and metrics', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, '"1": {', 1) });
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /\*\*Sample 1\*\* · 4 generations/);
    assert.match(value, /R3 recommendation/);
    assert.match(value, /\| `pass@4` \| true \|/);
  });

  test('graph of a thinking generation: OneReason layers from Chinese headings, the hit by the benchmark rule', async () => {
    const graph = await client.connection.sendRequest(GraphRequest, { uri, trace: '0/1' });
    assert.deepEqual([...new Set(graph.nodes.filter((n) => n.kind === 'step').map((n) => n.layer))], ['persona', 'interest-expansion', 'transition-inference']);
    assert.equal(graph.metrics.hits, 1);
    assert.equal(graph.header.level, 'R3');
  });

  test('the r0-r3 scheme from the settings reads the same headings with its own names', async () => {
    await client.setSettings({ itemicTokens: { preset: 'onereason' }, layerScheme: 'r0-r3' });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    let layers: string[] = [];
    for (let i = 0; i < 50 && !layers.includes('derivation'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      const graph = await client.connection.sendRequest(GraphRequest, { uri, trace: '0/2' });
      layers = [...new Set(graph.nodes.filter((n) => n.kind === 'step').map((n) => n.layer))];
    }
    assert.deepEqual(layers, ['perception', 'derivation', 'recommendation']);
  });
});
