/**
 * A model folder in the standard decoder layout (what Optimum or
 * transformers.js export for a Qwen3 model): `model.onnx` or
 * `onnx/model.onnx` (+ external data), `config.json`,
 * `generation_config.json`, `tokenizer.json`, `tokenizer_config.json`.
 * Reads and checks the JSON files; every problem names the file and what
 * was expected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatTemplate } from './prompt';

export class ModelError extends Error {}

/** The parts of `config.json` the engine needs. */
export interface DecoderConfig {
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  /** Token ids that end a generation (`eos_token_id` of config and generation config). */
  eos: number[];
  pad?: number;
  modelType?: string;
}

export interface ModelFolder {
  dir: string;
  /** The ONNX file to load. */
  onnx: string;
  config: DecoderConfig;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** The chat template (`chat_template` of tokenizer_config.json, or chat_template.jinja), when the folder has one. */
  chatTemplate?: ChatTemplate;
  /** A short label for the trace header: `reclens_demo.checkpoint`, else the folder name. */
  checkpoint: string;
}

const ONNX_CANDIDATES = ['model.onnx', path.join('onnx', 'model.onnx'), 'decoder_model_merged.onnx', path.join('onnx', 'decoder_model_merged.onnx')];

function readJson(dir: string, name: string, required: boolean): Record<string, unknown> | undefined {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (!required) return undefined;
    throw new ModelError(`${file}: missing. A model folder needs ${name} beside model.onnx (export the model with Optimum, or copy it from the Hugging Face checkpoint).`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new ModelError(`${file}: not valid JSON (${(e as Error).message}); restore the file from the checkpoint.`);
  }
}

const ids = (v: unknown): number[] => (typeof v === 'number' ? [v] : Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

function positiveInt(config: Record<string, unknown>, key: string, file: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ModelError(`${file}: "${key}" must be a positive whole number (found ${JSON.stringify(config[key])}).`);
  return v;
}

/**
 * The model's chat template from `tokenizer_config.json` (`chat_template`,
 * a string or the `default` of a named list) or a `chat_template.jinja`
 * beside it, with the special tokens the config names; undefined when it
 * has none.
 */
function chatTemplateOf(config: Record<string, unknown>, configFile: string, jinja?: { file: string; text: string }): ChatTemplate | undefined {
  const raw = config.chat_template;
  let source: string | undefined;
  if (typeof raw === 'string') source = raw;
  else if (Array.isArray(raw)) {
    const named = raw as { name?: unknown; template?: unknown }[];
    const entry = named.find((t) => t?.name === 'default') ?? named[0];
    if (typeof entry?.template === 'string') source = entry.template;
  }
  const file = source !== undefined ? configFile : jinja?.file;
  source ??= jinja?.text;
  if (source === undefined || file === undefined || source.trim() === '') return undefined;
  const tokens: Record<string, string> = {};
  for (const key of ['bos_token', 'eos_token', 'pad_token', 'unk_token']) {
    const v = config[key] as string | { content?: unknown } | undefined;
    const text = typeof v === 'string' ? v : typeof v?.content === 'string' ? v.content : undefined;
    if (text !== undefined) tokens[key] = text;
  }
  return { file, source, tokens };
}

/** Read and check a model folder. Throws `ModelError` naming the file and the fix. */
export function readModelFolder(dir: string): ModelFolder {
  const abs = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new ModelError(`${abs}: no such model folder. Set reclens.model.path to a folder holding model.onnx, config.json and tokenizer.json.`);
  }
  if (!stat.isDirectory()) throw new ModelError(`${abs}: is a file; reclens.model.path must name the folder that holds model.onnx, config.json and tokenizer.json.`);
  const onnx = findOnnx(abs);
  if (!onnx) throw new ModelError(`${abs}: no model.onnx (looked for ${ONNX_CANDIDATES.join(', ')}). Export the decoder with Optimum (\`optimum-cli export onnx --task text-generation-with-past\`).`);
  const configFile = path.join(abs, 'config.json');
  const raw = readJson(abs, 'config.json', true)!;
  const generation = readJson(abs, 'generation_config.json', false) ?? {};
  const numLayers = positiveInt(raw, 'num_hidden_layers', configFile);
  const numHeads = positiveInt(raw, 'num_attention_heads', configFile);
  const numKvHeads = positiveInt(raw, 'num_key_value_heads', configFile, numHeads);
  const hidden = positiveInt(raw, 'hidden_size', configFile);
  const headDim = positiveInt(raw, 'head_dim', configFile, Math.floor(hidden / numHeads));
  const vocabSize = positiveInt(raw, 'vocab_size', configFile);
  const eos = [...new Set([...ids(generation.eos_token_id), ...ids(raw.eos_token_id)])];
  const tokenizerJson = readJson(abs, 'tokenizer.json', true)!;
  const tokenizerConfig = readJson(abs, 'tokenizer_config.json', false) ?? {};
  const jinjaFile = path.join(abs, 'chat_template.jinja');
  const jinja = fs.existsSync(jinjaFile) ? { file: jinjaFile, text: fs.readFileSync(jinjaFile, 'utf8') } : undefined;
  const demo = raw.reclens_demo as { checkpoint?: unknown } | undefined;
  const pad = ids(generation.pad_token_id ?? raw.pad_token_id)[0];
  return {
    dir: abs,
    onnx,
    config: { numLayers, numKvHeads, headDim, vocabSize, eos, pad, modelType: typeof raw.model_type === 'string' ? raw.model_type : undefined },
    tokenizerJson,
    tokenizerConfig,
    chatTemplate: chatTemplateOf(tokenizerConfig, path.join(abs, 'tokenizer_config.json'), jinja),
    checkpoint: typeof demo?.checkpoint === 'string' ? demo.checkpoint : path.basename(abs),
  };
}

/** The ONNX file a folder in the standard layout would load (the first of the candidate names that exists), or undefined. */
export function findOnnx(dir: string): string | undefined {
  return ONNX_CANDIDATES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}
