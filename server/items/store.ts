/**
 * The item pool the server uses: reads the configured alignment tables
 * (`reclens.alignment.paths`, already resolved to absolute paths by the
 * caller), merges them into one lookup, keeps the problems for display and,
 * when asked, watches the tables for changes.
 */
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import * as nodePath from 'node:path';
import { compileGrammar, type CompiledGrammar } from './grammar';
import type { ItemLookup, ItemRecord } from './lookup';
import { createMemoryLookup, emptyLookup } from './memory-lookup';
import { presets } from './presets';
import { formatTableProblem, loadTable, MAX_REPORTED_PROBLEMS, type TableProblem } from './table';

/** Larger files belong in the on-disk index, not in memory (V8 strings stop at ~512 MB anyway). */
export const MAX_TABLE_BYTES = 256 * 1024 * 1024;
const TABLE_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson']);
const PATHS_SETTING = 'reclens.alignment.paths';
/** Editors save in several writes; one reload per burst. */
const WATCH_DEBOUNCE_MS = 300;

/** Owns the configured tables and the lookup built from them. */
export class ItemStore {
  private paths: string[];
  private grammar: CompiledGrammar;
  private current: ItemLookup = emptyLookup;
  private currentProblems: TableProblem[] = [];
  /** Bumped per reload so that a slow, older reload never overwrites a newer one. */
  private generation = 0;
  private watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;

  constructor(grammar: CompiledGrammar = compileGrammar(presets.openonerec), paths: string[] = []) {
    this.grammar = grammar;
    this.paths = [...paths];
  }

  /** The lookup from the last finished reload (empty before the first). */
  get lookup(): ItemLookup {
    return this.current;
  }

  /** Problems of the last finished reload, across all tables. */
  get problems(): readonly TableProblem[] {
    return this.currentProblems;
  }

  /** Set the table paths and grammar used by the next `reload()`. */
  configure(paths: string[], grammar: CompiledGrammar): void {
    this.paths = [...paths];
    this.grammar = grammar;
  }

  /** Configure, reload, and (with `onChange`) call it when a table changes on disk; problems come as `path:line: message` lines. */
  async load(paths: string[], grammar: CompiledGrammar, onChange?: () => void): Promise<{ lookup: ItemLookup; problems: string[] }> {
    this.configure(paths, grammar);
    const lookup = await this.reload();
    this.unwatch();
    if (onChange) this.watch(paths, onChange);
    return { lookup, problems: this.currentProblems.map(formatTableProblem) };
  }

  /** Stop watching tables. */
  dispose(): void {
    this.unwatch();
  }

  /** Read every table again and swap in the merged lookup; resolves to it. */
  async reload(): Promise<ItemLookup> {
    const generation = ++this.generation;
    const grammar = this.grammar;
    const problems: TableProblem[] = [];
    const files = (await Promise.all(this.paths.map((p) => tableFiles(p, problems)))).flat();
    const loaded = await Promise.all(files.map((f) => readTable(f, grammar)));
    const items: ItemRecord[] = [];
    const firstSource = new Map<string, ItemRecord['source']>();
    const duplicates: TableProblem[] = [];
    for (const table of loaded) {
      problems.push(...table.problems);
      for (const item of table.items) {
        const first = firstSource.get(item.id);
        if (first) {
          duplicates.push({ ...item.source, message: `item id "${item.id}" is also in ${first.path}${first.line ? ` line ${first.line}` : ''}; kept the first (tables are read in the order of ${PATHS_SETTING})` });
          continue;
        }
        firstSource.set(item.id, item.source);
        items.push(item);
      }
    }
    problems.push(...duplicates.slice(0, MAX_REPORTED_PROBLEMS));
    if (duplicates.length > MAX_REPORTED_PROBLEMS) problems.push({ path: duplicates[0].path, message: `${duplicates.length - MAX_REPORTED_PROBLEMS} more duplicate ids across tables not listed` });
    if (generation === this.generation) {
      this.current = items.length > 0 || files.length > 0 ? createMemoryLookup(items, files) : emptyLookup;
      this.currentProblems = problems;
    }
    return this.current;
  }

  private watch(paths: string[], onChange: () => void): void {
    const fire = (): void => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(onChange, WATCH_DEBOUNCE_MS);
    };
    for (const p of paths) {
      try {
        // A missing table is not watched; it is reported, and a settings change reloads.
        this.watchers.push(watch(p, { persistent: false }, fire).on('error', () => undefined));
      } catch {
        continue;
      }
    }
  }

  private unwatch(): void {
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}

/** The table files a configured path names: the file itself, or the .json/.jsonl files of a folder. */
async function tableFiles(path: string, problems: TableProblem[]): Promise<string[]> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isDirectory()) return [path];
    const names = (await fs.readdir(path)).filter((n) => TABLE_EXTENSIONS.has(nodePath.extname(n).toLowerCase())).sort();
    if (names.length === 0) problems.push({ path, message: `folder has no .json or .jsonl tables; check ${PATHS_SETTING}` });
    return names.map((n) => nodePath.join(path, n));
  } catch (e) {
    problems.push({ path, message: `cannot read alignment table: ${(e as Error).message}; check ${PATHS_SETTING}` });
    return [];
  }
}

async function readTable(path: string, grammar: CompiledGrammar): Promise<{ items: ItemRecord[]; problems: TableProblem[] }> {
  const ext = nodePath.extname(path).toLowerCase();
  if (!TABLE_EXTENSIONS.has(ext)) {
    return { items: [], problems: [{ path, message: `"${ext || path}" tables are not supported yet; convert it to JSON (object keyed by item id) or JSONL (one item per line with id, sid and text fields)` }] };
  }
  try {
    const { size } = await fs.stat(path);
    if (size > MAX_TABLE_BYTES) {
      return { items: [], problems: [{ path, message: `table is ${(size / 2 ** 20).toFixed(0)} MB, more than the ${MAX_TABLE_BYTES / 2 ** 20} MB the in-memory lookup reads; split it or build an index (reclens index)` }] };
    }
    return loadTable(path, await fs.readFile(path, 'utf8'), grammar);
  } catch (e) {
    return { items: [], problems: [{ path, message: `cannot read alignment table: ${(e as Error).message}; check ${PATHS_SETTING}` }] };
  }
}
