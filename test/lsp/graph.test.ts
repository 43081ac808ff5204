/**
 * `reclens/graph` and `reclens/diff` over a real JSON-RPC connection
 * (`dist/server.js`: run `npm run build` first): documents open in the
 * client and files on disk, trace choice by id and by cursor, errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { GraphDiff, TraceGraph } from '../../protocol/graph';
import { DiffRequest, GraphRequest, type DiffParams, type GraphParams } from '../../protocol/messages';
import { positionOf, repoRoot, responseError, startClient, waitForStatus, type TestClient } from './client';

const demo = path.join(repoRoot, 'demo');
const u1024 = path.join(demo, 'traces', 'u1024.rtrace');
const dump = path.join(demo, 'traces', 'benchmark.json');
const uri = (file: string): string => pathToFileURL(file).toString();

describe('graph requests with the demo beauty table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-graph-'));
  let client: TestClient;
  const graph = (params: GraphParams): Promise<TraceGraph> => client.connection.sendRequest(GraphRequest, params);
  const diff = (params: DiffParams): Promise<GraphDiff> => client.connection.sendRequest(DiffRequest, params);

  before(async () => {
    client = await startClient({ rootPath: dir, settings: { alignment: { paths: [path.join(demo, 'items.json')] } } });
    await waitForStatus(client, (s) => s.items > 0, 0, 30_000);
  });
  after(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the graph of a file on disk: every node, edge, title and range', async () => {
    const g = await graph({ uri: uri(u1024) });
    assert.equal(g.uri, uri(u1024));
    assert.equal(g.trace, 'demo/beauty/u1024');
    assert.equal(g.nodes.length, 24);
    assert.equal(g.edges.length, 26);
    assert.deepEqual(g.metrics, { recommendations: 4, hits: 1, targets: 1, firstHit: 1, steps: 13, history: 6 });
    assert.equal(g.nodes[0].label, 'Sulfate-Free Moisture Shampoo for Curly Hair');
    assert.equal(g.clusters.find((c) => c.key === '2981.4')?.label, 'Beauty / Hair Care');
    const text = fs.readFileSync(u1024, 'utf8');
    assert.deepEqual(g.nodes.find((n) => n.id === 'c3')!.range!.start, positionOf(text, 'c3 The routine'));
  });

  test('an open document is read from the editor, not from disk: unsaved edits show', async () => {
    const edited = fs.readFileSync(u1024, 'utf8').replace('c5 The skin-care purchase', 'c5 An edited interest');
    const doc = uri(path.join(dir, 'edited.rtrace'));
    await client.open(doc, edited, 'rtrace');
    const g = await graph({ uri: doc });
    assert.equal(g.nodes.find((n) => n.id === 'c5')!.label, 'An edited interest is a single one: a weak, long-term interest.');
    await client.closeDocument(doc);
  });

  test('a dump: the trace by id, by cursor, else the first', async () => {
    const text = fs.readFileSync(dump, 'utf8');
    await client.open(uri(dump), text, 'json');
    assert.equal((await graph({ uri: uri(dump) })).trace, 'u0001_skincare/1');
    assert.equal((await graph({ uri: uri(dump), trace: 'u0002_curly_hair/2' })).trace, 'u0002_curly_hair/2');
    const at = positionOf(text, '"prompt"', 0, text.indexOf('"u0003_makeup_nothink"'));
    assert.equal((await graph({ uri: uri(dump), position: at })).trace, 'u0003_makeup_nothink/1');
    const e = await responseError(graph({ uri: uri(dump), trace: 'u9' }));
    assert.match(e.message, /no trace "u9" in .*benchmark\.json; its traces are u0001_skincare\/1/);
  });

  test('errors: no trace in the document, a missing file, a document that is neither open nor a file', async () => {
    const notes = uri(path.join(dir, 'notes.md'));
    await client.open(notes, 'nothing to see\n', 'markdown');
    assert.match((await responseError(graph({ uri: notes }))).message, /^no trace in .*notes\.md/);
    assert.match((await responseError(graph({ uri: uri(path.join(dir, 'missing.rtrace')) }))).message, /^cannot read .*missing\.rtrace \(ENOENT\)/);
    assert.match((await responseError(graph({ uri: 'untitled:Untitled-1' }))).message, /not open in the editor/);
    assert.match((await responseError(diff({ a: { uri: uri(u1024) } } as DiffParams))).message, /two sides/);
  });

  test('the diff of two traces: checkpoints on disk, generations of one dump', async () => {
    const self = await diff({ a: { uri: uri(u1024) }, b: { uri: uri(u1024) } });
    assert.ok(self.nodes.every((n) => n.status === 'same'));
    assert.equal(self.summary.length, 4);
    const b = fs.readFileSync(u1024, 'utf8').replace('checkpoint: sft-think/step-8000', 'checkpoint: sft-think/step-9000').replace(/^2 (\S+) score=-1.31 beam=3 miss <- r2$/m, '5 $1 score=-3.5 miss');
    const later = path.join(dir, 'later.rtrace');
    fs.writeFileSync(later, b);
    const d = await diff({ a: { uri: uri(u1024) }, b: { uri: uri(later) } });
    assert.equal(d.b.title, 'u1024 · sft-think/step-9000 · thinking');
    const moved = d.nodes.find((n) => n.kind === 'recommendation' && n.status === 'changed')!;
    assert.deepEqual([moved.aRank, moved.bRank, moved.aId, moved.bId], [2, 5, 'rec2', 'rec5']);
    assert.equal(d.edges.find((e) => e.source === 'b:r2' && e.target === 'b:rec5')?.status, 'removed', 'B wrote rec5 without evidence');
    const gens = await diff({ a: { uri: uri(dump), trace: 'u0003_makeup_nothink/1' }, b: { uri: uri(dump), trace: 'u0003_makeup_nothink/2' } });
    assert.ok(gens.metrics.some((m) => m.name === 'steps'));
    assert.match((await responseError(diff({ a: { uri: uri(dump), trace: 'nope' }, b: { uri: uri(u1024) } }))).message, /no trace "nope"/);
  });
});
