/**
 * Runs inferences: loads and caches one engine per model folder and
 * execution provider (released when another model is asked for), opens the
 * item pool from index files, and turns a request into an
 * `InferenceRecord`. The worker process wraps it; the CLI uses it directly.
 */
import { resolveGrammar } from '../items/grammar';
import { openIndex, type IndexLookup } from '../items/index/open';
import type { ItemLookup } from '../items/lookup';
import { mergeLookups } from '../items/multi-lookup';
import type { GrammarSpec, PresetName } from '../../protocol/items';
import type { UserRecord } from '../users/types';
import type { DecodeSettings, InferenceRecord, ProgressEvent, PromptSettings, ProviderSetting } from '../../protocol/inference';
import { CodeVocabulary } from './codes';
import { chooseDomain } from './domain';
import { OnnxEngine } from './engine';
import { runInference, type InferenceInput } from './infer';
import { readModelFolder, type ModelFolder } from './model-folder';
import { OnnxDecoder } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

/** Everything one inference needs, as plain data (it crosses the worker's IPC channel). */
export interface InferenceRequest {
  /** Model folder (absolute). */
  model: string;
  provider: ProviderSetting;
  user: UserRecord;
  decoding: DecodeSettings;
  prompt: PromptSettings;
  grammar: { preset: PresetName; custom: GrammarSpec | null };
  /** The `domain` of each alignment table entry (undefined where an entry names none), for choosing the begin token. */
  tableDomains: (string | undefined)[];
  /** Item index files of the alignment tables (for the constraint trie and validity). */
  indexFiles: string[];
}

interface Loaded {
  key: string;
  folder: ModelFolder;
  engine: OnnxEngine;
  tokenizer: TextTokenizer;
  loadedNow: boolean;
}

export class InferenceService {
  private loaded: Loaded | undefined;
  private pool: { key: string; lookup: ItemLookup; indexes: IndexLookup[] } | undefined;
  /** The code vocabulary (and its lazily filled trie) of the last pool, model and grammar. */
  private vocabulary: { lookup: ItemLookup; tokenizer: TextTokenizer; key: string; codes: CodeVocabulary } | undefined;

  /** The engine for a model folder and provider, loading it (and releasing the previous one) when needed. */
  async engineFor(model: string, provider: ProviderSetting, onProgress?: (e: ProgressEvent) => void): Promise<Loaded> {
    const key = `${model}\n${provider}`;
    if (this.loaded?.key === key) return { ...this.loaded, loadedNow: false };
    await this.release();
    onProgress?.({ kind: 'loading', message: `Loading ${model}` });
    const folder = readModelFolder(model);
    const tokenizer = loadTokenizer(folder);
    const decoder = await OnnxDecoder.load(folder, provider);
    this.loaded = { key, folder, engine: new OnnxEngine(decoder, tokenizer), tokenizer, loadedNow: true };
    return this.loaded;
  }

  private lookupFor(files: string[]): ItemLookup {
    const key = files.join('\n');
    if (this.pool?.key !== key) {
      for (const index of this.pool?.indexes ?? []) index.close();
      this.vocabulary = undefined;
      const indexes = files.map((f) => openIndex(f));
      this.pool = { key, lookup: mergeLookups(indexes), indexes };
    }
    return this.pool.lookup;
  }

  /** The model, pool and code vocabulary of a request, as runInference's input; `loadedNow` when this call loaded the model. */
  async prepare(req: InferenceRequest, options: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void; lookup?: ItemLookup } = {}): Promise<{ input: InferenceInput & { engine: OnnxEngine }; loadedNow: boolean }> {
    const { grammar, error } = resolveGrammar(req.grammar.preset, req.grammar.custom);
    if (error) throw new Error(error);
    const loaded = await this.engineFor(req.model, req.provider, options.onProgress);
    const lookup = options.lookup ?? this.lookupFor(req.indexFiles);
    if (req.decoding.constrained && lookup.size === 0) {
      throw new Error('constrained decoding needs the valid codes of an alignment table: add one to reclens.alignment.paths, or turn off reclens.inference.constrained');
    }
    const domain = chooseDomain(grammar, req.decoding.domain, req.user.targets, req.tableDomains);
    const key = JSON.stringify([grammar.spec, domain]);
    const v = this.vocabulary;
    const codes =
      v && v.lookup === lookup && v.tokenizer === loaded.tokenizer && v.key === key
        ? v.codes
        : (this.vocabulary = { lookup, tokenizer: loaded.tokenizer, key, codes: new CodeVocabulary(grammar, loaded.tokenizer, lookup, domain) }).codes;
    const input = {
      user: req.user,
      engine: loaded.engine,
      tokenizer: loaded.tokenizer,
      codes,
      grammar,
      decoding: req.decoding,
      prompt: req.prompt,
      chatTemplate: loaded.folder.chatTemplate,
      eos: loaded.folder.config.eos,
      model: req.model,
      checkpoint: loaded.folder.checkpoint,
      signal: options.signal,
      onProgress: options.onProgress,
    };
    return { input, loadedNow: loaded.loadedNow };
  }

  async infer(req: InferenceRequest, options: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void; lookup?: ItemLookup } = {}): Promise<InferenceRecord> {
    const { input, loadedNow } = await this.prepare(req, options);
    const record = await runInference(input);
    if (!loadedNow) record.timings.loadMs = 0;
    return record;
  }

  async release(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.vocabulary = undefined;
    await loaded?.engine.dispose();
  }

  async dispose(): Promise<void> {
    await this.release();
    for (const index of this.pool?.indexes ?? []) index.close();
    this.pool = undefined;
  }
}
