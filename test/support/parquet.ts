/**
 * Real Parquet files for tests and benchmarks, written with hyparquet-writer:
 * explicit schemas (int64 ids, a LIST<int32> code column as OpenOneRec
 * writes it), several row groups, and a compression codec. hyparquet-writer
 * compresses SNAPPY itself; GZIP and BROTLI come from node:zlib; ZSTD only
 * where node:zlib has it (Node ≥ 22.15); LZ4 not at all.
 */
import * as zlib from 'node:zlib';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';

export type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'BROTLI' | 'ZSTD';

/** A column's Parquet type: scalars, or `INT_LIST` for a list of int32 (the `sid` of pid2sid). */
export type ColumnType = 'INT64' | 'INT32' | 'DOUBLE' | 'STRING' | 'INT_LIST' | 'STRING_LIST';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

type Compress = (bytes: Uint8Array) => Uint8Array;
const zstd = (zlib as unknown as { zstdCompressSync?: Compress }).zstdCompressSync;

const compressors: Record<string, Compress> = {
  GZIP: (b) => zlib.gzipSync(b),
  BROTLI: (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
  ...(zstd ? { ZSTD: zstd } : {}),
};

/** The codecs this Node can write. */
export const writableCodecs: Codec[] = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', ...(zstd ? (['ZSTD'] as const) : [])];

function schema(columns: ColumnSpec[]): unknown[] {
  const out: unknown[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    if (c.type === 'INT_LIST' || c.type === 'STRING_LIST') {
      out.push({ name: c.name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      out.push(c.type === 'INT_LIST' ? { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL' } : { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    } else if (c.type === 'STRING') out.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    else out.push({ name: c.name, type: c.type, repetition_type: 'OPTIONAL' });
  }
  return out;
}

/** Writes one Parquet file row group by row group, so a 10M-row file never sits in memory. */
export class ParquetTableWriter {
  private readonly writer: ParquetWriter;

  constructor(
    file: string,
    private readonly columns: ColumnSpec[],
    codec: Codec = 'SNAPPY',
  ) {
    this.writer = new ParquetWriter({ writer: fileWriter(file), schema: schema(columns), codec, compressors, statistics: false } as never);
  }

  /** Append one row group (or several, when `rowGroupSize` is smaller than the data); data by column name. */
  write(data: Record<string, ArrayLike<unknown>>, rowGroupSize?: number): void {
    const columnData = this.columns.map((c) => ({ name: c.name, data: data[c.name] }));
    const rows = columnData[0].data.length;
    void this.writer.write({ columnData, rowGroupSize: rowGroupSize ?? rows } as never);
  }

  finish(): void {
    this.writer.finish();
  }
}

/** Write a whole (small) table: `rowGroupSize` rows per group. */
export function writeParquet(file: string, columns: ColumnSpec[], data: Record<string, ArrayLike<unknown>>, options: { codec?: Codec; rowGroupSize?: number } = {}): void {
  const w = new ParquetTableWriter(file, columns, options.codec);
  w.write(data, options.rowGroupSize);
  w.finish();
}

/** pid (int64) → bigint values for an INT64 column. */
export const int64 = (values: readonly number[]): BigInt64Array => BigInt64Array.from(values, (v) => BigInt(v));
