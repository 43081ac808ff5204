/**
 * The demo world and checkpoints as the engine's tests and benchmark use them: the world's
 * items as an in-memory pool, its users resolved to codes, a checkpoint loaded on a provider,
 * and the `runInference` input for one user.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeVocabulary } from '../../server/engine/codes';
import { OnnxEngine } from '../../server/engine/engine';
import type { InferenceInput } from '../../server/engine/infer';
import { readModelFolder, type ModelFolder } from '../../server/engine/model-folder';
import { OnnxDecoder } from '../../server/engine/session';
import { loadTokenizer, type TextTokenizer } from '../../server/engine/tokenizer';
import { defaultDecoding, defaultPrompt, type DecodeSettings, type ProviderSetting } from '../../protocol/inference';
import { resolveGrammar } from '../../server/items/grammar';
import type { ItemLookup, ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { loadTable } from '../../server/items/table';
import type { UserRecord } from '../../server/users/types';

const root = path.join(__dirname, '..', '..');
export const demoModels = path.join(root, 'demo', 'models');
export const worldItemsPath = path.join(root, 'demo', 'world', 'items.json');
export const { grammar } = resolveGrammar('openonerec', null);

export interface DemoWorld {
  items: ItemRecord[];
  lookup: ItemLookup;
  /** Every user of users.jsonl, in file order, its pids resolved through the pool. */
  users: UserRecord[];
}

export function demoWorld(): DemoWorld {
  const items = loadTable(worldItemsPath, fs.readFileSync(worldItemsPath, 'utf8'), grammar).items;
  const lookup = createMemoryLookup(items, [worldItemsPath]);
  const item = (pid: number) => ({ id: String(pid), levels: lookup.byId(String(pid))!.levels });
  const users = fs
    .readFileSync(path.join(root, 'demo', 'world', 'users.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => {
      const u = JSON.parse(l) as { user: string; split: string; history: number[]; targets: number[] };
      return { id: u.user, history: u.history.map(item), targets: u.targets.map(item), split: u.split, source: { path: 'users.jsonl', line: i + 1 } };
    });
  return { items, lookup, users };
}

export interface DemoModel {
  folder: ModelFolder;
  tokenizer: TextTokenizer;
  engine: OnnxEngine;
}

export async function loadDemoModel(name: string, provider: ProviderSetting = 'cpu'): Promise<DemoModel> {
  const folder = readModelFolder(path.join(demoModels, name));
  const tokenizer = loadTokenizer(folder);
  return { folder, tokenizer, engine: new OnnxEngine(await OnnxDecoder.load(folder, provider), tokenizer) };
}

/** The inference of `user` on `m` over `lookup`, the default decoding changed by `decoding`. */
export function demoInput(m: DemoModel, lookup: ItemLookup, user: UserRecord, decoding: Partial<DecodeSettings>): InferenceInput {
  return {
    user,
    engine: m.engine,
    tokenizer: m.tokenizer,
    codes: new CodeVocabulary(grammar, m.tokenizer, lookup),
    grammar,
    decoding: { ...defaultDecoding, ...decoding },
    prompt: defaultPrompt,
    chatTemplate: m.folder.chatTemplate,
    eos: m.folder.config.eos,
    model: m.folder.dir,
    checkpoint: m.folder.checkpoint,
  };
}
