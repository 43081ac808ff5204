/**
 * A Parquet file opened for reading row group by row group, through
 * hyparquet (pure JavaScript: runs in the server, the CLI and VS Code's
 * Electron alike) with its compressors (gzip, zstd, brotli, lz4; snappy is
 * built in). Only the footer is read up front; each row group is read, as
 * the columns asked for, when it is needed.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/** A Parquet file that cannot be read, with what went wrong in words. */
export class ParquetError extends Error {}

/** One row group's columns, each as long as the group. */
export type GroupColumns = Map<string, ArrayLike<unknown>>;

/** An open Parquet file: its footer, top-level columns and row groups. */
export class ParquetFile {
  /** Top-level columns by name. */
  readonly columns: Map<string, SchemaTree>;
  /** First row of each row group, and the total after the last. */
  readonly groupStarts: number[];

  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly handle: FileHandle,
    private readonly file: AsyncBuffer,
    readonly metadata: FileMetaData,
  ) {
    this.columns = new Map(parquetSchema(metadata).children.map((c) => [c.element.name, c]));
    this.groupStarts = [0];
    for (const g of metadata.row_groups) this.groupStarts.push(this.groupStarts[this.groupStarts.length - 1] + Number(g.num_rows));
  }

  /** Open `path` and read its footer; throws `ParquetError` for a file that is not (or no longer) valid Parquet. */
  static async open(path: string): Promise<ParquetFile> {
    const handle = await openFile(path, 'r');
    try {
      const { size } = await handle.stat();
      const file: AsyncBuffer = {
        byteLength: size,
        async slice(start: number, end = size): Promise<ArrayBuffer> {
          const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
          const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
          if (bytesRead < bytes.length) throw new ParquetError(`the file ended at byte ${start + bytesRead} while reading bytes ${start}–${end} (was it cut off, or changed while being read?)`);
          return bytes.buffer;
        },
      };
      if (size < 12) throw new ParquetError(`${size} bytes is too short for a Parquet file (it was cut off, or is not Parquet)`);
      let metadata: FileMetaData;
      try {
        metadata = await parquetMetadataAsync(file);
      } catch (e) {
        throw new ParquetError(`not a readable Parquet file (${(e as Error).message}); a file cut off while copying has no footer — copy it again`);
      }
      return new ParquetFile(path, size, handle, file, metadata);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  get rows(): number {
    return this.groupStarts[this.groupStarts.length - 1];
  }

  get groups(): number {
    return this.metadata.row_groups.length;
  }

  /** Compressed bytes of row group `g` (for progress). */
  groupBytes(g: number): number {
    let n = 0;
    for (const c of this.metadata.row_groups[g].columns) n += Number(c.meta_data?.total_compressed_size ?? 0n);
    return n;
  }

  /** The column names, for messages. */
  columnList(): string {
    return [...this.columns.keys()].map((c) => `"${c}"`).join(', ');
  }

  /** A column's type in words: INT64, BYTE_ARRAY (UTF8), a list, a struct. */
  columnType(name: string): string {
    const c = this.columns.get(name);
    if (!c) return 'missing';
    const e = c.element;
    if (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') return 'a list';
    if (c.children.length > 0) return 'a group of columns';
    return `${e.type}${e.converted_type ? ` (${e.converted_type})` : ''}`;
  }

  /** Whether a column holds scalars (not a list or struct). */
  isScalar(name: string): boolean {
    const c = this.columns.get(name);
    return c !== undefined && c.children.length === 0 && c.element.repetition_type !== 'REPEATED';
  }

  /** Read `columns` of row group `g`; throws `ParquetError` when the group cannot be decoded. */
  async readGroup(g: number, columns: string[]): Promise<GroupColumns> {
    const start = this.groupStarts[g];
    const end = this.groupStarts[g + 1];
    const out: GroupColumns = new Map();
    const parts = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
    try {
      await parquetRead({
        file: this.file,
        metadata: this.metadata,
        compressors,
        columns,
        rowStart: start,
        rowEnd: end,
        onChunk: (c) => {
          let list = parts.get(c.columnName);
          if (!list) parts.set(c.columnName, (list = []));
          list.push({ rowStart: c.rowStart, data: c.columnData });
        },
      });
    } catch (e) {
      throw new ParquetError(`row group ${g + 1} of ${this.groups} (rows ${start + 1}–${end}) cannot be decoded: ${(e as Error).message}`);
    }
    for (const name of columns) {
      const list = parts.get(name) ?? [];
      if (list.length === 1 && list[0].rowStart === start && list[0].data.length === end - start) {
        out.set(name, list[0].data);
        continue;
      }
      // Several pages: put each where it belongs (pages may arrive out of order).
      const joined: unknown[] = new Array(end - start);
      for (const { rowStart, data } of list) {
        for (let k = Math.max(0, start - rowStart); k < data.length && rowStart + k < end; k++) joined[rowStart - start + k] = data[k];
      }
      out.set(name, joined);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
