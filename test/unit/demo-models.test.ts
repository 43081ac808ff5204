/**
 * The committed demo checkpoints load with the libraries the engine uses:
 * the tokenizer keeps every itemic token as one id and round-trips text, and
 * the ONNX decoder has the standard layout, gives finite logits of the right
 * shape, and its KV cache agrees with full recomputation.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';

const modelsDir = path.join(__dirname, '..', '..', 'demo', 'models');
const readJson = (dir: string, name: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;

interface AddedToken {
  id: number;
  content: string;
}

for (const checkpoint of ['early', 'final']) {
  const dir = path.join(modelsDir, checkpoint);
  describe(`demo model ${checkpoint}`, () => {
    test('the folder has the files of a Hugging Face / Optimum export and stays under 10 MB', () => {
      const files = fs.readdirSync(dir).sort();
      assert.deepEqual(files, ['config.json', 'generation_config.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
      const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
      assert.ok(bytes <= 10 * 2 ** 20, `${checkpoint} is ${bytes} bytes`);
    });

    test('the tokenizer keeps every itemic and control token as one id and round-trips text', async () => {
      const { Tokenizer } = await import('@huggingface/tokenizers');
      const json = readJson(dir, 'tokenizer.json');
      const tokenizer = new Tokenizer(json, readJson(dir, 'tokenizer_config.json'));
      const added = json.added_tokens as AddedToken[];
      const itemic = added.filter((t) => /^<s_[abc]_\d+>$/.test(t.content));
      assert.ok(itemic.length > 2000, `${itemic.length} itemic tokens`);
      for (const name of ['<|sid_begin|>', '<|sid_end|>', '<think>', '</think>', '<|im_start|>', '<|im_end|>']) assert.ok(added.some((t) => t.content === name), name);
      for (const t of added) assert.deepEqual(tokenizer.encode(t.content).ids, [t.id], t.content);
      const code = `<|sid_begin|>${itemic[0].content}${itemic.find((t) => t.content.startsWith('<s_b_'))!.content}${itemic.find((t) => t.content.startsWith('<s_c_'))!.content}<|sid_end|>`;
      const text = `<|im_start|>user\nThe user watched ${code} and liked it. /think<|im_end|>\n<|im_start|>assistant\n<think>\nPerception: a hiking video.\n</think>\n${code}`;
      const ids = tokenizer.encode(text).ids;
      assert.equal(tokenizer.decode(ids, { skip_special_tokens: false }), text);
      assert.ok(ids.includes(itemic[0].id));
    });

    test('the ONNX decoder has the standard inputs and outputs, finite logits, and a KV cache equal to recomputation', async () => {
      const config = readJson(dir, 'config.json') as { num_hidden_layers: number; num_key_value_heads: number; head_dim: number; vocab_size: number };
      const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
      const L = config.num_hidden_layers;
      const kv = Array.from({ length: L }, (_, i) => [`${i}.key`, `${i}.value`]).flat();
      assert.deepEqual([...session.inputNames].sort(), ['attention_mask', 'input_ids', 'position_ids', ...kv.map((k) => `past_key_values.${k}`)].sort());
      assert.deepEqual([...session.outputNames].sort(), ['logits', ...kv.map((k) => `present.${k}`)].sort());
      const int64 = (xs: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
      const emptyPast = (): Record<string, ort.Tensor> =>
        Object.fromEntries(kv.map((k) => [`past_key_values.${k}`, new ort.Tensor('float32', new Float32Array(0), [1, config.num_key_value_heads, 0, config.head_dim])]));
      const ids = [12, 300, 301, 302, 1500, 2000, 77, 5];
      const V = config.vocab_size;
      const full = await session.run({ input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), position_ids: int64(ids.map((_, i) => i)), ...emptyPast() });
      assert.deepEqual(full.logits.dims, [1, ids.length, V]);
      const logits = full.logits.data as Float32Array;
      assert.ok(logits.every(Number.isFinite));
      let out = await session.run({ input_ids: int64(ids.slice(0, 4)), attention_mask: int64([1, 1, 1, 1]), position_ids: int64([0, 1, 2, 3]), ...emptyPast() });
      let worst = 0;
      for (let t = 4; t < ids.length; t++) {
        const feeds: Record<string, ort.Tensor> = { input_ids: int64([ids[t]]), attention_mask: int64(Array(t + 1).fill(1)), position_ids: int64([t]) };
        for (const k of kv) feeds[`past_key_values.${k}`] = out[`present.${k}`];
        out = await session.run(feeds);
        const step = out.logits.data as Float32Array;
        for (let j = 0; j < V; j++) worst = Math.max(worst, Math.abs(step[j] - logits[t * V + j]));
      }
      assert.ok(worst < 1e-3, `KV-cache logits differ from recomputation by ${worst}`);
    });
  });
}
