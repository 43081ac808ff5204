/**
 * `reclens/rebuildIndex` (the Rebuild Item Index command) over a real
 * JSON-RPC connection: the cached index of each configured table is
 * deleted and built again, shown as a task, and the pool answers as before.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { RebuildIndexRequest, StatusNotification, type RebuildIndexResult } from '../../protocol/messages';
import { positionOf, startClient, waitForStatus, type TestClient } from './client';

let dir = '';
let client: TestClient;
const rows = [
  { id: 'i1', sid: [1, 2, 3], title: 'Copper kettle' },
  { id: 'i2', sid: [1, 2, 4], title: 'Walnut cutting board' },
];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-rebuild-'));
  fs.writeFileSync(path.join(dir, 'items.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  client = await startClient({ rootPath: dir, settings: { alignment: { paths: ['items.jsonl'] } } });
  assert.equal((await waitForStatus(client)).items, 2);
});

after(async () => {
  await client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rebuild = (): Promise<RebuildIndexResult> => client.connection.sendRequest(RebuildIndexRequest);

test('rebuilding deletes the cached index and builds it again; the pool answers as before', async () => {
  const result = await rebuild();
  assert.equal(result.items, 2);
  assert.deepEqual(result.tables.map((t) => path.basename(t)), ['items.jsonl']);
  assert.deepEqual(result.built.map((t) => path.basename(t)), ['items.jsonl'], 'the index was built, not opened from the cache');
  assert.deepEqual(result.problems, []);

  const text = 'next <|sid_begin|><s_a_1><s_b_2><s_c_4><|sid_end|>\n';
  const uri = pathToFileURL(path.join(dir, 'notes.txt')).toString();
  await client.open(uri, text, 'plaintext');
  const hover = await client.connection.sendRequest<Hover | null>(HoverRequest.method, { textDocument: { uri }, position: positionOf(text, '<s_b_2>') });
  assert.match(hover ? (hover.contents as MarkupContent).value : '', /Walnut cutting board/);
});

test('after a settings reload (which reuses the cached index), a rebuild builds again', async () => {
  const seen = (client.notifications.get(StatusNotification.method) ?? []).length;
  await client.setSettings({ alignment: { paths: ['items.jsonl'] }, inlayHints: { enabled: false } });
  assert.equal((await waitForStatus(client, (s) => s.items === 2, seen)).items, 2);
  const result = await rebuild();
  assert.equal(result.items, 2);
  assert.deepEqual(result.built.map((t) => path.basename(t)), ['items.jsonl']);
});
