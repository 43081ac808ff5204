/**
 * One ONNX decoder in onnxruntime-node, in the standard layout: inputs
 * `input_ids`, `attention_mask`, optional `position_ids` (and Optimum's
 * `use_cache_branch`), `past_key_values.{i}.key|value`; outputs `logits`,
 * `present.{i}.key|value`. fp32 or fp16 caches and logits. Keeps the time
 * spent inside `session.run`, for the loop-overhead figure.
 *
 * All rows of a batch have the same length (the engine never pads): beams
 * and thinking samples advance in lockstep, so the attention mask is all
 * ones and positions are shared.
 */
import * as ort from 'onnxruntime-node';
import type { ModelFolder } from './model-folder';
import { ModelError } from './model-folder';
import type { ProviderSetting } from '../../protocol/inference';

/** Key/value caches of every layer: `[batch, kvHeads, length, headDim]` each, in layer order (key, value, key, value, …). */
export interface KvCache {
  tensors: ort.Tensor[];
  batch: number;
  length: number;
}

type FloatType = 'float32' | 'float16';

// onnxruntime prints its own report of a missing CUDA library before throwing; the CPU fallback message says it instead.
ort.env.logLevel = 'fatal';

/** IEEE half → float (Node 20 has no Float16Array). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const toFloat32 = (t: ort.Tensor): Float32Array => {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') return Float32Array.from(t.data as Uint16Array, halfToFloat);
  throw new ModelError(`logits have type ${t.type}; expected float32 or float16`);
};

export class OnnxDecoder {
  /** Milliseconds spent inside `session.run` since creation (or the last `resetClock`). */
  runMs = 0;
  private readonly kvNames: string[];
  private readonly hasPositions: boolean;
  private readonly hasCacheBranch: boolean;
  private readonly kvType: FloatType;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly folder: ModelFolder,
    readonly provider: string,
    readonly providerNote: string | undefined,
    readonly loadMs: number,
  ) {
    const L = folder.config.numLayers;
    this.kvNames = Array.from({ length: L }, (_, i) => [`${i}.key`, `${i}.value`]).flat();
    const inputs = new Set(session.inputNames);
    const outputs = new Set(session.outputNames);
    const file = folder.onnx;
    for (const name of ['input_ids', 'attention_mask', ...this.kvNames.map((k) => `past_key_values.${k}`)]) {
      if (!inputs.has(name)) throw new ModelError(`${file}: no input tensor "${name}" (inputs: ${session.inputNames.join(', ')}). RecLens expects the standard decoder layout with a KV cache (Optimum task text-generation-with-past); config.json says ${L} layers.`);
    }
    for (const name of ['logits', ...this.kvNames.map((k) => `present.${k}`)]) {
      if (!outputs.has(name)) throw new ModelError(`${file}: no output tensor "${name}" (outputs: ${session.outputNames.join(', ')}). RecLens expects the standard decoder layout with a KV cache.`);
    }
    this.hasPositions = inputs.has('position_ids');
    this.hasCacheBranch = inputs.has('use_cache_branch');
    const meta = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    const type = meta && meta.isTensor ? meta.type : 'float32';
    if (type !== 'float32' && type !== 'float16') throw new ModelError(`${file}: past_key_values.0.key has type ${type}; RecLens runs float32 and float16 models.`);
    this.kvType = type;
  }

  /** Create a session on the requested provider; `auto` tries CUDA and falls back to CPU, saying why. */
  static async load(folder: ModelFolder, provider: ProviderSetting): Promise<OnnxDecoder> {
    const t0 = performance.now();
    const create = (ep: string): Promise<ort.InferenceSession> =>
      ort.InferenceSession.create(folder.onnx, { executionProviders: [ep], graphOptimizationLevel: 'all' });
    let note: string | undefined;
    if (provider === 'cuda' || provider === 'auto') {
      try {
        const s = await create('cuda');
        return new OnnxDecoder(s, folder, 'cuda', undefined, performance.now() - t0);
      } catch (e) {
        const why = (e as Error).message.split('\n')[0];
        note = `CUDA execution provider unavailable (${why}); running on CPU. Install it with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci (needs CUDA 12 and cuDNN 9).`;
        if (provider === 'cuda') note = `reclens.model.executionProvider is "cuda", but ${note}`;
      }
    }
    let session: ort.InferenceSession;
    try {
      session = await create('cpu');
    } catch (e) {
      throw new ModelError(`${folder.onnx}: onnxruntime cannot load it (${(e as Error).message.split('\n')[0]}).`);
    }
    return new OnnxDecoder(session, folder, 'cpu', note, performance.now() - t0);
  }

  get vocabSize(): number {
    return this.folder.config.vocabSize;
  }

  emptyCache(batch: number): KvCache {
    const { numKvHeads, headDim } = this.folder.config;
    const data = () => (this.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0));
    return { tensors: this.kvNames.map(() => new ort.Tensor(this.kvType, data(), [batch, numKvHeads, 0, headDim])), batch, length: 0 };
  }

  /**
   * Feed `rows` (equal lengths) after `past`. Returns the logits of the last
   * position of each row (`[batch, V]`), or of every position when `all`
   * (`[batch, n, V]`), and the extended cache.
   */
  async forward(rows: readonly (readonly number[])[], past: KvCache, all = false): Promise<{ logits: Float32Array; cache: KvCache }> {
    const batch = rows.length;
    const n = rows[0].length;
    if (past.batch !== batch) throw new Error(`cache holds ${past.batch} rows, ${batch} fed`);
    const total = past.length + n;
    const ids = new BigInt64Array(batch * n);
    const positions = new BigInt64Array(batch * n);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < n; t++) {
        ids[b * n + t] = BigInt(rows[b][t]);
        positions[b * n + t] = BigInt(past.length + t);
      }
    }
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [batch, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * total).fill(1n), [batch, total]),
    };
    if (this.hasPositions) feeds.position_ids = new ort.Tensor('int64', positions, [batch, n]);
    if (this.hasCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', [past.length > 0], [1]);
    this.kvNames.forEach((k, i) => (feeds[`past_key_values.${k}`] = past.tensors[i]));
    const t0 = performance.now();
    const out = await this.session.run(feeds);
    this.runMs += performance.now() - t0;
    const V = this.vocabSize;
    const logits = toFloat32(out.logits);
    if (out.logits.dims[out.logits.dims.length - 1] !== V) throw new ModelError(`${this.folder.onnx}: logits have ${out.logits.dims.join('×')}; config.json says vocab_size ${V}.`);
    const cache: KvCache = { tensors: this.kvNames.map((k) => out[`present.${k}`]), batch, length: total };
    // One new position per row (every decoding step): the logits are already `[batch, V]`.
    if (all || n === 1) return { logits, cache };
    const last = new Float32Array(batch * V);
    for (let b = 0; b < batch; b++) last.set(logits.subarray((b * n + n - 1) * V, (b * n + n) * V), b * V);
    return { logits: last, cache };
  }

  /** A cache of the given rows of `cache` (rows may repeat: beam reordering, fanning one prompt out to a batch). */
  select(cache: KvCache, rows: readonly number[]): KvCache {
    const tensors = cache.tensors.map((t) => {
      const [, h, len, d] = t.dims;
      const stride = h * len * d;
      const src = t.data as Float32Array | Uint16Array;
      const dst = new (src.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(rows.length * stride);
      rows.forEach((r, i) => dst.set(src.subarray(r * stride, (r + 1) * stride), i * stride));
      return new ort.Tensor(t.type as FloatType, dst, [rows.length, h, len, d]);
    });
    return { tensors, batch: rows.length, length: cache.length };
  }

  /** Row `row` of `cache`, cut to its first `length` positions. */
  truncate(cache: KvCache, row: number, length: number): KvCache {
    const tensors = cache.tensors.map((t) => {
      const [, h, len, d] = t.dims;
      const src = t.data as Float32Array | Uint16Array;
      const dst = new (src.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(h * length * d);
      for (let j = 0; j < h; j++) {
        const from = ((row * h + j) * len) * d;
        dst.set(src.subarray(from, from + length * d), j * length * d);
      }
      return new ort.Tensor(t.type as FloatType, dst, [1, h, length, d]);
    });
    return { tensors, batch: 1, length };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
