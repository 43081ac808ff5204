/**
 * The item pool the server and CLI use: one cached index per configured
 * alignment table (built on first use and whenever the table, the grammar
 * or the table's settings change), merged into one lookup. A reload keeps
 * answering from the previous pool until the new one is ready, so hovers
 * never wait for an index build.
 */
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import * as nodePath from 'node:path';
import type { CompiledGrammar } from './grammar';
import { loadOrBuild } from './index/cache';
import type { IndexLookup } from './index/open';
import type { ItemLookup } from './lookup';
import { emptyLookup } from './memory-lookup';
import { mergeLookups } from './multi-lookup';
import { captionsFor, openSource, SourceError } from './sources/open';
import { formatProblem, PATHS_SETTING } from './sources/problems';
import type { TableSpec } from '../../protocol/items';
import type { SourceProblem } from './sources/types';

/** Files a folder entry of `reclens.alignment.paths` contributes. */
const TABLE_EXTENSIONS = new Set(['.parquet', '.json', '.jsonl', '.ndjson', '.csv', '.tsv']);
/** Editors save in several writes; one reload per burst. */
const WATCH_DEBOUNCE_MS = 300;

/** Reports an index build; the returned `signal` cancels it. */
export interface BuildProgress {
  signal?: AbortSignal;
  report(fraction: number, message: string): void;
  done(message?: string): void;
}

export interface LoadHooks {
  /** Called (debounced) when a table changes on disk; the caller reloads. */
  onChange?: () => void;
  /** Called when a table's index must be built, with a title such as "Indexing pid2sid.parquet". */
  progress?: (title: string) => BuildProgress;
}

export interface LoadResult {
  lookup: ItemLookup;
  /** `path:line: message` lines, the first few per table. */
  problems: string[];
  /** Tables whose index was built by this load (the others came from the cache). */
  built: string[];
}

/** Owns the configured tables, their indexes and the merged lookup. */
export class ItemStore {
  private current: ItemLookup = emptyLookup;
  private open: IndexLookup[] = [];
  /** Bumped per load so that a slow, older load never replaces a newer one. */
  private generation = 0;
  /** The load in progress: one at a time, so that two builds never write the same index file. */
  private running: { key: string; controller: AbortController; promise: Promise<LoadResult> } | undefined;
  private watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;

  /** `cacheDir`: where index files live (VS Code global storage, or `.reclens/cache` for the CLI). */
  constructor(private readonly cacheDir: string) {}

  /** The index of each table of the last finished load (for statistics). */
  get indexes(): readonly IndexLookup[] {
    return this.open;
  }

  /** The lookup of the last finished load (empty before the first). */
  get lookup(): ItemLookup {
    return this.current;
  }

  /** Index (or open the cached index of) every table and swap in the merged lookup. */
  load(tables: TableSpec[], grammar: CompiledGrammar, hooks: LoadHooks = {}): Promise<LoadResult> {
    // The same request while one runs (a client sends its settings several times at start-up) joins it.
    const key = JSON.stringify([tables, grammar.spec]);
    if (this.running && this.running.key === key && !this.running.controller.signal.aborted) return this.running.promise;
    // Otherwise the running load is superseded: cancel its builds and start once it has let go of its files.
    const previous = this.running;
    previous?.controller.abort();
    const controller = new AbortController();
    const promise = (previous ? previous.promise.catch(() => undefined) : Promise.resolve()).then(() => this.loadNow(tables, grammar, hooks, controller.signal));
    const running = { key, controller, promise };
    this.running = running;
    void promise.finally(() => {
      if (this.running === running) this.running = undefined;
    });
    return promise;
  }

  private async loadNow(tables: TableSpec[], grammar: CompiledGrammar, hooks: LoadHooks, superseded: AbortSignal): Promise<LoadResult> {
    const generation = ++this.generation;
    const problems: SourceProblem[] = [];
    const specs = (await Promise.all(tables.map((t) => expandFolder(t, problems)))).flat();
    const lookups: IndexLookup[] = [];
    const built: string[] = [];
    const watched: string[] = [];
    for (const spec of specs) {
      const captions = isParquet(spec) ? captionsFor(spec) : undefined;
      const files = captions ? [spec.path, captions] : [spec.path];
      watched.push(...files);
      let progress: BuildProgress | undefined;
      const controller = new AbortController();
      const abort = (): void => controller.abort();
      superseded.addEventListener('abort', abort);
      try {
        const loaded = await loadOrBuild({
          tables: files,
          rowSources: () => [openSource(spec, grammar)],
          grammar,
          mapping: { columns: spec.columns ?? null, domain: spec.domain ?? null, format: spec.format ?? null, captions: spec.captions ?? null },
          cacheDir: this.cacheDir,
          signal: controller.signal,
          onProgress: (fraction, message) => {
            if (!progress && hooks.progress) {
              progress = hooks.progress(`Indexing ${nodePath.basename(spec.path)}`);
              progress.signal?.addEventListener('abort', () => controller.abort());
            }
            progress?.report(fraction, message);
          },
        });
        lookups.push(loaded.lookup);
        problems.push(...loaded.problems);
        if (loaded.built) built.push(spec.path);
        progress?.done(`${loaded.lookup.size.toLocaleString('en')} items`);
      } catch (e) {
        progress?.done(superseded.aborted ? 'superseded' : 'failed');
        problems.push(failure(spec.path, e, controller.signal.aborted));
      } finally {
        superseded.removeEventListener('abort', abort);
      }
      if (superseded.aborted) break;
    }
    if (superseded.aborted || generation !== this.generation) {
      // A newer load replaces this one: it owns the pool; drop what this one opened.
      for (const l of lookups) l.close();
      return { lookup: this.current, problems: [], built: [] };
    }
    const previous = this.open;
    this.open = lookups;
    this.current = mergeLookups(lookups);
    for (const l of previous) l.close();
    this.unwatch();
    if (hooks.onChange) this.watch(watched, hooks.onChange);
    return { lookup: this.current, problems: problems.map(formatProblem), built };
  }

  /** Stop watching tables and close the indexes. */
  dispose(): void {
    this.unwatch();
    for (const l of this.open) l.close();
    this.open = [];
    this.current = emptyLookup;
  }

  private watch(paths: string[], onChange: () => void): void {
    const fire = (): void => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(onChange, WATCH_DEBOUNCE_MS);
    };
    for (const p of new Set(paths)) {
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

const isParquet = (spec: TableSpec): boolean => spec.format === 'parquet' || (!spec.format && nodePath.extname(spec.path).toLowerCase() === '.parquet');

/** A table entry, or one entry per table file of a folder (a folder's captions files are joined, not listed). */
async function expandFolder(spec: TableSpec, problems: SourceProblem[]): Promise<TableSpec[]> {
  let stat;
  try {
    stat = await fs.stat(spec.path);
  } catch (e) {
    problems.push({ path: spec.path, message: `cannot read alignment table (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check ${PATHS_SETTING}` });
    return [];
  }
  if (!stat.isDirectory()) return [spec];
  const names = (await fs.readdir(spec.path))
    .filter((n) => TABLE_EXTENSIONS.has(nodePath.extname(n).toLowerCase()) && !/^pid2caption/i.test(n))
    .sort();
  if (names.length === 0) problems.push({ path: spec.path, message: `folder has no tables (.parquet, .json, .jsonl, .csv, .tsv); check ${PATHS_SETTING}` });
  return names.map((n) => ({ ...spec, path: nodePath.join(spec.path, n) }));
}

/** A failed table as a problem a user can act on. */
function failure(path: string, e: unknown, cancelled: boolean): SourceProblem {
  if (e instanceof SourceError) return e.problem;
  if (cancelled) return { path, message: 'indexing was cancelled; the table is not in the item pool until it is indexed (edit the table or the setting, or reload, to index it again)' };
  return { path, message: `cannot index alignment table: ${(e as Error).message}` };
}
