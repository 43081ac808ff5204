/**
 * `reclens/modelFolders` and `reclens/inspectModel` over a real JSON-RPC
 * connection (`dist/server.js`: run `npm run build` first): the workspace's
 * model folders by the engine's own layout rule, the configured one, and a
 * folder's status — a demo checkpoint, and folders without a model.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InspectModelRequest, ModelFoldersRequest } from '../../protocol/messages';
import { repoRoot, responseError, startClient, waitForStatus, type TestClient } from './client';

/** Writes `files` (relative path → content) under `root`. */
function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
}

describe('model folder requests', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-models-'));
  let client: TestClient;
  const inspect = (p: string) => client.connection.sendRequest(InspectModelRequest, { path: p });

  before(async () => {
    write(dir, {
      'models/a/config.json': '{}',
      'models/a/model.onnx': '',
      // Optimum's merged decoder, under onnx/: the engine loads it, so the picker offers it.
      'models/b/config.json': '{}',
      'models/b/onnx/decoder_model_merged.onnx': '',
      '.reclens/runs/c/config.json': '{}',
      '.reclens/runs/c/onnx/model.onnx': '',
      'node_modules/pkg/config.json': '{}',
      'node_modules/pkg/model.onnx': '',
      'no-model/config.json': '{}',
      'no-tokenizer/config.json': JSON.stringify({ num_hidden_layers: 2, num_attention_heads: 2, hidden_size: 8, vocab_size: 10 }),
      'no-tokenizer/model.onnx': '',
    });
    client = await startClient({ rootPath: dir, settings: { model: { path: 'models/b' } } });
    await waitForStatus(client, () => true);
  });
  after(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the workspace model folders: config.json beside any ONNX file the engine loads, hidden folders included, node_modules and folders without a model left out', async () => {
    const result = await client.connection.sendRequest(ModelFoldersRequest, {});
    const at = (p: string): string => path.join(dir, p);
    assert.deepEqual(
      result.folders,
      [
        { path: at('.reclens/runs/c'), onnx: at('.reclens/runs/c/onnx/model.onnx') },
        { path: at('models/a'), onnx: at('models/a/model.onnx') },
        { path: at('models/b'), onnx: at('models/b/onnx/decoder_model_merged.onnx') },
        { path: at('no-tokenizer'), onnx: at('no-tokenizer/model.onnx') },
      ].sort((x, y) => x.path.localeCompare(y.path)),
    );
    assert.equal(result.current, at('models/b'));
    assert.equal(result.truncated, false);
    const one = await client.connection.sendRequest(ModelFoldersRequest, { limit: 1 });
    assert.equal(one.folders.length, 1);
    assert.equal(one.truncated, true);
  });

  test('a demo checkpoint inspects as loadable: its ONNX file and checkpoint label', async () => {
    const final = path.join(repoRoot, 'demo', 'models', 'final');
    const status = await inspect(final);
    assert.ok(status.ok, JSON.stringify(status));
    assert.equal(status.path, final);
    assert.equal(status.onnx, path.join(final, 'model.onnx'));
    assert.ok(status.checkpoint.length > 0);
  });

  test('folders without a model: each problem names the file and what to do', async () => {
    const noModel = await inspect('no-model');
    assert.equal(noModel.ok, false);
    assert.equal(noModel.path, path.join(dir, 'no-model'));
    assert.match(!noModel.ok ? noModel.problem : '', /no-model: no model\.onnx \(looked for model\.onnx, .*decoder_model_merged\.onnx\)\. Export the decoder with Optimum/);
    const noTokenizer = await inspect(path.join(dir, 'no-tokenizer'));
    assert.match(!noTokenizer.ok ? noTokenizer.problem : '', /no-tokenizer[\\/]tokenizer\.json: missing/);
    const gone = await inspect('gone');
    assert.match(!gone.ok ? gone.problem : '', /gone: no such model folder\. Set reclens\.model\.path/);
    assert.match((await responseError(client.connection.sendRequest(InspectModelRequest.method, {}))).message, /needs the "path" of a model folder/);
  });
});
