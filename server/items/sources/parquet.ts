/**
 * Parquet tables, read one row group at a time:
 *
 * - one file with id / code / text columns (named by a `ColumnMapping`, or
 *   the usual names: pid/id, sid/code, title, dense_caption…);
 * - the OpenOneRec pair: `pid2sid` (`pid`, `sid` = list of ints) joined on
 *   `pid` with `pid2caption` (`pid`, `dense_caption`).
 *
 * The join holds the narrow side (pid2sid: a pid and a few small ints per
 * row) in typed arrays with a hash index (`PidIndex`), then streams the wide
 * side (the captions, ~100 bytes a row) one row group at a time, emitting
 * each item with its caption as the caption arrives. Each file is read
 * once, in any row order; memory is ~22 bytes per item, never the captions.
 * Items are emitted in caption-file order, then the items without a caption
 * in pid2sid order.
 */
import type { CompiledGrammar } from '../grammar';
import { clip, describe, RowDecoder } from './decode';
import { ParquetError, ParquetFile } from './parquet-file';
import { PidIndex, RowState } from './pid-index';
import { loggedSource, PATHS_SETTING, ProblemLog } from './problems';
import type { ColumnMapping } from '../../../protocol/items';
import type { ItemRow, RowSource } from './types';

/** Columns the row decoder reads when no mapping names them. */
const DEFAULT_COLUMNS = ['id', 'item_id', 'pid', 'sid', 'code', 'semantic_id', 'title', 'caption', 'dense_caption', 'categories', 'popularity', 'domain'];
const LEVEL_COLUMNS = ['sid_', 's_', 'code_', ''].flatMap((stem) => 'abcdefgh'.split('').map((l) => stem + l));
const CAPTION_COLUMNS = ['dense_caption', 'caption', 'title'];
/** Rows per batch for the items emitted without a caption at the end of the join. */
const TAIL_BATCH = 65_536;

/** Open a Parquet file, turning a failure into the log's failure; `undefined` when it cannot be read. */
async function open(path: string, log: ProblemLog): Promise<ParquetFile | undefined> {
  try {
    return await ParquetFile.open(path);
  } catch (e) {
    const reason = e instanceof ParquetError ? e.message : `cannot read it: ${(e as Error).message}; check ${PATHS_SETTING}`;
    log.fail(undefined, `${path}: ${reason}`);
    return undefined;
  }
}

/** One Parquet file whose rows each hold an id, a code and text. */
export function parquetSource(path: string, size: number, grammar: CompiledGrammar, mapping: ColumnMapping = {}): RowSource {
  return loggedSource(path, size, async function* (log) {
    const file = await open(path, log);
    if (!file) return;
    try {
      const named = [mapping.id, mapping.code, ...(mapping.levels ?? []), ...(mapping.text ?? []), mapping.popularity].filter((c): c is string => c !== undefined);
      const missing = named.find((c) => !file.columns.has(c));
      if (missing !== undefined) {
        log.fail(undefined, `column "${missing}" (named in reclens.alignment.columns) is not in this file; its columns are ${file.columnList()}`);
        return;
      }
      const columns = [...new Set([...named, ...DEFAULT_COLUMNS, ...LEVEL_COLUMNS])].filter((c) => file.columns.has(c));
      const decoder = new RowDecoder(grammar, log, mapping);
      let done = 0;
      for (let g = 0; g < file.groups; g++) {
        const data = await file.readGroup(g, columns);
        const rows: ItemRow[] = [];
        const base = file.groupStarts[g];
        const count = file.groupStarts[g + 1] - base;
        for (let r = 0; r < count; r++) {
          const value = Object.create(null) as Record<string, unknown>;
          for (const [name, column] of data) {
            const v = column[r];
            if (v !== undefined && v !== null) value[name] = v;
          }
          const item = decoder.decode({ label: `row ${base + r + 1}`, line: base + r + 1, value });
          if (item) rows.push(item);
        }
        done += file.groupBytes(g);
        yield { rows, done };
      }
    } catch (e) {
      log.fail(undefined, e instanceof ParquetError ? e.message : `cannot read it: ${(e as Error).message}`);
    } finally {
      await file.close();
    }
  });
}

/** The OpenOneRec pair: `pid2sid` joined on `pid` with `pid2caption`; `size` is both files' bytes. */
export function openOneRecSource(sidPath: string, captionPath: string, size: number, grammar: CompiledGrammar, domain?: string): RowSource {
  return loggedSource(sidPath, size, async function* (log) {
    const sids = await open(sidPath, log);
    if (!sids) return;
    let captions: ParquetFile | undefined;
    try {
      const bad = checkSidColumns(sids);
      if (bad) return log.fail(undefined, bad);
      // Pass 1: the narrow side, into typed arrays (progress only, no rows yet).
      const index = new PidIndex(sids.rows, grammar.levelCount, grammar.codebook);
      const decoder = new RowDecoder(grammar, log);
      let done = 0;
      for (let g = 0; g < sids.groups; g++) {
        const data = await sids.readGroup(g, ['pid', 'sid']);
        const pids = data.get('pid')!;
        const codes = data.get('sid')!;
        const base = sids.groupStarts[g];
        for (let k = 0; k < pids.length; k++) {
          const r = base + k;
          log.rows++;
          const pid = pids[k];
          if (pid === null || pid === undefined || pid === '') {
            log.skip(r + 1, `row ${r + 1}: no item id: "pid" is ${describe(pid)}; row skipped`);
            continue;
          }
          const value = codes[k];
          if (fits(value, grammar.codebook)) {
            index.set(r, pid as number | bigint | string, value);
            continue;
          }
          const code = value === null || value === undefined ? `no code: "sid" is ${describe(value)}` : decoder.code('sid', value);
          if (typeof code === 'string') log.skip(r + 1, `row ${r + 1} (pid ${String(pid)}): ${code}; row skipped`);
          else index.set(r, pid as number | bigint | string, code.levels);
        }
        done += sids.groupBytes(g);
        yield { rows: [], done };
      }
      captions = await open(captionPath, log);
      if (!captions) return;
      const captionColumn = CAPTION_COLUMNS.find((c) => captions!.columns.has(c));
      if (!captions.columns.has('pid') || captionColumn === undefined) {
        return log.fail(undefined, `${captionPath}: expected the columns "pid" and "dense_caption" of an OpenOneRec pid2caption table; its columns are ${captions.columnList()}`);
      }
      // Pass 2: stream the captions, emitting each item as its caption arrives.
      let orphans = 0;
      const orphanPids: string[] = [];
      const captionLog = (line: number, message: string): void => log.note(undefined, `${captionPath} row ${line}: ${message}`);
      const item = (r: number): ItemRow => {
        const row: ItemRow = { id: index.id(r), levels: index.code(r), line: r + 1 };
        if (domain) row.domain = domain;
        return row;
      };
      for (let g = 0; g < captions.groups; g++) {
        const data = await captions.readGroup(g, ['pid', captionColumn]);
        const pids = data.get('pid')!;
        const texts = data.get(captionColumn)!;
        const base = captions.groupStarts[g];
        const rows: ItemRow[] = [];
        for (let k = 0; k < pids.length; k++) {
          const matches = index.find(pids[k]);
          if (matches.length === 0) {
            orphans++;
            if (orphanPids.length < 5) orphanPids.push(String(pids[k]));
            continue;
          }
          const text = texts[k];
          const line = base + k + 1;
          let caption: string | undefined;
          if (typeof text === 'string') caption = clip(text, captionColumn, (m) => captionLog(line, m));
          else if (text !== null && text !== undefined) captionLog(line, `"${captionColumn}" should be text, not ${describe(text)}; ignored`);
          for (const r of matches) {
            if (index.state[r] !== RowState.Waiting) {
              if (index.state[r] === RowState.Emitted) captionLog(line, `pid ${String(pids[k])} already has a caption; kept the first`);
              continue;
            }
            index.state[r] = RowState.Emitted;
            const row = item(r);
            if (caption !== undefined && caption !== '') row.caption = caption;
            rows.push(row);
          }
        }
        done += captions.groupBytes(g);
        yield { rows, done };
      }
      if (orphans > 0) log.note(undefined, `${orphans} captions in ${captionPath} name a pid that ${sidPath} does not have (e.g. ${orphanPids.join(', ')}); they are not shown`);
      // Pass 3: the items no caption named.
      let rows: ItemRow[] = [];
      for (let r = 0; r < index.rows; r++) {
        if (index.state[r] !== RowState.Waiting) continue;
        rows.push(item(r));
        if (rows.length === TAIL_BATCH) {
          yield { rows, done };
          rows = [];
        }
      }
      if (rows.length > 0) yield { rows, done };
    } catch (e) {
      log.fail(undefined, e instanceof ParquetError ? e.message : `cannot read it: ${(e as Error).message}`);
    } finally {
      await sids.close();
      await captions?.close();
    }
  });
}

/** The common case, checked without the decoder: a list of in-range integers, one per level. */
function fits(x: unknown, codebook: number[]): x is number[] {
  if (!Array.isArray(x) || x.length !== codebook.length) return false;
  for (let k = 0; k < codebook.length; k++) {
    const v = x[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= codebook[k]) return false;
  }
  return true;
}

/** Why a pid2sid file's columns cannot be joined, or `undefined` when they can. */
function checkSidColumns(file: ParquetFile): string | undefined {
  if (!file.columns.has('pid') || !file.columns.has('sid')) return `expected the columns "pid" and "sid" of an OpenOneRec pid2sid table; its columns are ${file.columnList()}`;
  if (!file.isScalar('pid')) return `column "pid" is ${file.columnType('pid')}; expected one integer or text item id per row`;
  const sid = file.columnType('sid');
  if (file.isScalar('sid') && !sid.startsWith('BYTE_ARRAY')) return `column "sid" is ${sid}; expected a list of integers (one per level) or an itemic string`;
  return undefined;
}
