/**
 * Index files cached per table set: the file name carries a fingerprint of
 * everything the index depends on (format version, grammar, column mapping,
 * each table's path, size and mtime), so a changed table, setting or
 * RecLens version always means a rebuild — never a stale answer.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { CompiledGrammar } from '../grammar';
import type { RowSource, SourceProblem } from '../sources/types';
import { buildIndex, type BuildOptions } from './build';
import { FORMAT_VERSION, IndexError } from './format';
import { openIndex, readIndexMeta, type IndexLookup } from './open';

/** What identifies a table's content without reading it. */
export interface TableStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

const EXTENSION = '.rlindex';
/** A table that keeps changing while it is indexed is indexed at most this often per call. */
const MAX_BUILDS = 3;

/** The cache file and fingerprint for these tables, grammar and column mapping. */
export function indexFor(sources: TableStamp[], grammar: CompiledGrammar, mapping: unknown, cacheDir: string): { file: string; fingerprint: string } {
  const fingerprint = sha256(stableJson({ format: FORMAT_VERSION, grammar: grammar.spec, mapping: mapping ?? null, sources: sources.map((s) => [s.path, s.size, s.mtimeMs]) }));
  return { file: nodePath.join(cacheDir, `${tablesKey(sources)}-${fingerprint.slice(0, 16)}${EXTENSION}`), fingerprint };
}

export interface LoadOrBuildOptions {
  /** Table paths, in the order of `reclens.alignment.paths` (the first of two equal ids wins). */
  tables: string[];
  /** Readers of the tables, created only when the index must be built. */
  rowSources: (tables: string[]) => RowSource[] | Promise<RowSource[]>;
  grammar: CompiledGrammar;
  /** The column mapping setting (anything JSON), part of the fingerprint. */
  mapping?: unknown;
  /** VS Code global storage, or `.reclens/cache` for the CLI. */
  cacheDir: string;
  onProgress?: BuildOptions['onProgress'];
  signal?: AbortSignal;
}

export interface LoadedIndex {
  lookup: IndexLookup;
  /** Whether the index was (re)built by this call. */
  built: boolean;
  /** Problems of the tables, from this build or the one that made the cached file. */
  problems: SourceProblem[];
  /** Why a cached file was not used, when one existed but could not be read. */
  rebuiltBecause?: string;
}

/** Open the cached index of `tables` when it is current, else build it (removing older indexes of the same tables). */
export async function loadOrBuild(options: LoadOrBuildOptions): Promise<LoadedIndex> {
  const { grammar, mapping, cacheDir } = options;
  let stamps = await stampTables(options.tables);
  let target = indexFor(stamps, grammar, mapping, cacheDir);
  let rebuiltBecause: string | undefined;
  if (fs.existsSync(target.file)) {
    try {
      if (readIndexMeta(target.file).fingerprint === target.fingerprint) {
        const lookup = openIndex(target.file);
        return { lookup, built: false, problems: lookup.problems };
      }
      rebuiltBecause = `${target.file}: fingerprint differs`;
    } catch (e) {
      if (!(e instanceof IndexError)) throw e;
      rebuiltBecause = e.message;
    }
  }
  for (let attempt = 1; ; attempt++) {
    const result = await buildIndex(await options.rowSources(options.tables), grammar, target.file, { fingerprint: target.fingerprint, onProgress: options.onProgress, signal: options.signal });
    const after = await stampTables(options.tables);
    // A table that changed while it was read gives an index of neither version: build again from the new one.
    if (sameStamps(stamps, after) || attempt >= MAX_BUILDS) {
      if (!sameStamps(stamps, after)) fs.rmSync(target.file, { force: true });
      else removeStale(target.file, options.tables, cacheDir);
      const lookup = openIndex(target.file);
      return { lookup, built: true, problems: result.problems, rebuiltBecause };
    }
    stamps = after;
    target = indexFor(stamps, grammar, mapping, cacheDir);
  }
}

async function stampTables(tables: string[]): Promise<TableStamp[]> {
  return Promise.all(
    tables.map(async (path) => {
      try {
        const s = await fs.promises.stat(path);
        return { path, size: s.size, mtimeMs: s.mtimeMs };
      } catch (e) {
        throw new Error(`reclens.alignment.paths: cannot read table ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }),
  );
}

const sameStamps = (a: TableStamp[], b: TableStamp[]): boolean => a.length === b.length && a.every((s, i) => s.path === b[i].path && s.size === b[i].size && s.mtimeMs === b[i].mtimeMs);

/** Delete other index files (and leftover temporary files) of the same tables. */
function removeStale(current: string, tables: string[], cacheDir: string): void {
  const prefix = `${tablesKey(tables.map((path) => ({ path })))}-`;
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = nodePath.join(cacheDir, name);
    if (!name.startsWith(prefix) || file === current) continue;
    const tmpPid = /\.rlindex\.(\d+)\.tmp$/.exec(name)?.[1];
    // A temporary file of a build still running in another process is left to it.
    if (tmpPid !== undefined && Number(tmpPid) !== process.pid && isAlive(Number(tmpPid))) continue;
    if (name.endsWith(EXTENSION) || tmpPid !== undefined) fs.rmSync(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Names the table set (not its content): index files of the same tables share it. */
function tablesKey(sources: { path: string }[]): string {
  return sha256(JSON.stringify(sources.map((s) => nodePath.resolve(s.path)))).slice(0, 16);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so that equal settings give equal fingerprints. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
