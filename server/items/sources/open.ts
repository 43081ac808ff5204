/**
 * One entry of `reclens.alignment.paths` to a `RowSource`: the reader is
 * chosen by the spec's `format`, else the file extension, else the first
 * bytes. A `pid2sid*.parquet` file is joined with the `pid2caption*.parquet`
 * beside it (see `TableSpec.captions`).
 *
 * What is wrong with the setting (a missing file, a folder, a format no
 * reader knows) throws a `SourceError` here, before any reading; what is
 * wrong inside a file is reported by the source's `problems()`.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { CompiledGrammar } from '../grammar';
import { delimitedSource } from './delimited';
import { jsonlSource, looksLikeJsonl } from './jsonl';
import { oneRecThinkSource } from './onerec-think';
import { openOneRecSource, parquetSource } from './parquet';
import { PATHS_SETTING } from './problems';
import type { TableFormat, TableSpec } from '../../../protocol/items';
import type { RowSource, SourceProblem } from './types';

/** A table that cannot be opened at all, as a problem naming the path and the setting. */
export class SourceError extends Error {
  constructor(readonly problem: SourceProblem) {
    super(`${problem.path}: ${problem.message}`);
  }
}

const EXTENSIONS: Record<string, TableFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
};
/** Enough of a file to tell its layout. */
const HEAD_BYTES = 1 << 16;

/** A reader for one configured table; throws `SourceError` when the file is missing, unreadable or of no known format. */
export function openSource(entry: TableSpec | string, grammar: CompiledGrammar): RowSource {
  const spec: TableSpec = typeof entry === 'string' ? { path: entry } : entry;
  const path = spec.path;
  if (typeof path !== 'string' || path === '') throw new SourceError({ path: String(path), message: `an entry of ${PATHS_SETTING} has no "path"` });
  const size = fileSize(path);
  const byName = spec.format ?? EXTENSIONS[nodePath.extname(path).toLowerCase()];
  // The first bytes are read only when the name leaves the layout open.
  const head = byName === undefined || byName === 'json' ? readHead(path) : '';
  const format = byName ?? sniff(head);
  if (format === undefined) {
    throw new SourceError({
      path,
      message: `cannot tell what kind of table this is; name it .parquet, .jsonl, .json, .csv or .tsv, or give its "format" in ${PATHS_SETTING} (e.g. { "path": "…", "format": "csv" })`,
    });
  }
  const mapping = spec.domain ? { ...spec.columns, domain: spec.domain } : spec.columns;
  switch (format) {
    case 'parquet': {
      const captions = captionsFor(spec);
      if (captions === undefined) return parquetSource(path, size, grammar, mapping);
      return openOneRecSource(path, captions, size + fileSize(captions), grammar, mapping?.domain);
    }
    case 'jsonl':
      return jsonlSource(path, size, grammar, mapping);
    case 'json':
      return looksLikeJsonl(head) ? jsonlSource(path, size, grammar, mapping) : oneRecThinkSource(path, size, grammar, mapping);
    case 'csv':
      return delimitedSource(path, size, grammar, ',', mapping);
    case 'tsv':
      return delimitedSource(path, size, grammar, '\t', mapping);
    default:
      throw new SourceError({ path, message: `"format": ${JSON.stringify(format)} is not one of parquet, jsonl, json, csv, tsv; check ${PATHS_SETTING}` });
  }
}

/**
 * The pid2caption file joined with a pid2sid table: the spec's `captions`
 * (relative to the table's folder), else for `pid2sid<suffix>.parquet` the
 * file `pid2caption<suffix>.parquet` beside it, else the only
 * `pid2caption*.parquet` there.
 */
export function captionsFor(spec: TableSpec): string | undefined {
  const dir = nodePath.dirname(spec.path);
  if (spec.captions === false) return undefined;
  if (typeof spec.captions === 'string') {
    const captions = nodePath.resolve(dir, spec.captions);
    fileSize(captions);
    return captions;
  }
  const m = /^pid2sid(.*)\.parquet$/i.exec(nodePath.basename(spec.path));
  if (!m) return undefined;
  const names = readdirSync(dir);
  const same = names.find((n) => n.toLowerCase() === `pid2caption${m[1]}.parquet`.toLowerCase());
  const all = names.filter((n) => /^pid2caption.*\.parquet$/i.test(n));
  const name = same ?? (all.length === 1 ? all[0] : undefined);
  return name === undefined ? undefined : nodePath.join(dir, name);
}

/** The size of a table file; a missing or unreadable file or a folder is a `SourceError` naming the setting. */
function fileSize(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new SourceError({ path, message: `cannot read alignment table: ${why}; check ${PATHS_SETTING}` });
  }
  if (stat.isDirectory()) throw new SourceError({ path, message: `is a folder; ${PATHS_SETTING} names table files (or a pid2sid*.parquet beside its pid2caption*.parquet)` });
  return stat.size;
}

/** The first bytes of a file as text (empty for an empty file). */
function readHead(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const bytes = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, bytes, 0, HEAD_BYTES, 0);
    return bytes.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new SourceError({ path, message: `cannot read alignment table: ${(e as Error).message}; check ${PATHS_SETTING}` });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The layout from the first bytes: Parquet magic, JSON, or a header line with tabs or commas. */
function sniff(head: string): TableFormat | undefined {
  if (head.startsWith('PAR1')) return 'parquet';
  const first = head.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  const line = head.split('\n', 1)[0];
  if (line.includes('\t')) return 'tsv';
  if (line.includes(',')) return 'csv';
  return undefined;
}
