/**
 * The OpenOneRec metadata Parquet (`onerec_bench_release.parquet` and its
 * kin): one user per row, `uid`, `hist_video_pid` and `target_video_pid`
 * (lists of pids, INT32 or INT64), `split`. Read one row group at a time and
 * only the columns a user needs — the release file has dozens more (ads,
 * goods, long-view flags) that are never decoded.
 */
import type { RawRow } from '../items/sources/decode';
import { ParquetError, ParquetFile } from '../items/sources/parquet-file';
import type { ProblemLog } from '../items/sources/problems';
import { HISTORY, ID_FIELDS, SPLIT_FIELD, TARGETS } from './decode';

/** The rows of a users Parquet file, one batch per row group; `done` is the share of the file's bytes read. File-level failures go to `log`. */
export async function* parquetUserRows(path: string, log: ProblemLog): AsyncGenerator<{ rows: RawRow[]; done: number }> {
  let file: ParquetFile;
  try {
    file = await ParquetFile.open(path);
  } catch (e) {
    log.fail(undefined, e instanceof ParquetError ? e.message : `cannot read the users file: ${(e as Error).message}`);
    return;
  }
  try {
    const id = ID_FIELDS.find((c) => file.columns.has(c));
    const history = [...HISTORY.items, ...HISTORY.codes].filter((c) => file.columns.has(c));
    if (id === undefined || history.length === 0) {
      log.fail(undefined, `expected the columns "uid" and "hist_video_pid" (the OpenOneRec metadata layout, one user per row); its columns are ${file.columnList()}`);
      return;
    }
    if (!file.isScalar(id)) {
      log.fail(undefined, `column "${id}" is ${file.columnType(id)}; expected one user id (text or integer) per row`);
      return;
    }
    const columns = [id, ...history, ...[...TARGETS.items, ...TARGETS.codes].filter((c) => file.columns.has(c)), ...(file.columns.has(SPLIT_FIELD) ? [SPLIT_FIELD] : [])];
    for (let g = 0; g < file.groups; g++) {
      const data = await file.readGroup(g, columns);
      const base = file.groupStarts[g];
      const count = file.groupStarts[g + 1] - base;
      const rows: RawRow[] = new Array(count);
      for (let r = 0; r < count; r++) {
        const value = Object.create(null) as Record<string, unknown>;
        for (const [name, column] of data) {
          const v = column[r];
          if (v !== undefined && v !== null) value[name] = v;
        }
        rows[r] = { label: `row ${base + r + 1}`, line: base + r + 1, value };
      }
      // Row groups are about equal in compressed size per row, so rows read stand in for bytes read.
      yield { rows, done: Math.round((file.size * file.groupStarts[g + 1]) / Math.max(1, file.rows)) };
    }
  } catch (e) {
    log.fail(undefined, e instanceof ParquetError ? e.message : `cannot read the users file: ${(e as Error).message}`);
  } finally {
    await file.close();
  }
}
