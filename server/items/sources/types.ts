/**
 * What every alignment-table reader produces: rows of item id, code and
 * text, in batches, with the problems found on the way. The index builder
 * consumes these; it never parses files itself.
 */

/** One item as read from a table. */
export interface ItemRow {
  id: string;
  /** The item's code, coarse to fine (already checked against the grammar). */
  levels: number[];
  /** Domain (OneReason begin token, or the table's configured domain). */
  domain?: string;
  title?: string;
  caption?: string;
  categories?: string;
  popularity?: number;
  /** 1-based line (text formats) or row number (Parquet), for go-to-definition and messages. */
  line?: number;
}

/** A problem with a table, naming the file, the row or line, and what to do. */
export interface SourceProblem {
  path: string;
  line?: number;
  message: string;
}

/** Which columns hold what, for JSONL / CSV / TSV / Parquet tables (`reclens.alignment.columns`). */
export interface ColumnMapping {
  /** Item id column (default: the first of id, item_id, pid that exists). */
  id?: string;
  /** One column holding the whole code, in any itemic spelling, a list of ints, or "1 2 3" (default: sid, code, semantic_id). */
  code?: string;
  /** One column per level instead of `code`, coarse to fine. */
  levels?: string[];
  /** Text columns shown for an item, e.g. ["title", "dense_caption"]; the first is the title. */
  text?: string[];
  /** Popularity column (collisions are listed most popular first). */
  popularity?: string;
  /** A domain for every item of this table (OneReason: video, prod, ad, living). */
  domain?: string;
}

/** A table being read: batches of rows, then the problems. */
export interface RowSource {
  path: string;
  /** Bytes of the source, for progress. */
  size: number;
  /** Rows in batches (e.g. one Parquet row group); `done` is the bytes or rows read so far, for progress. */
  batches(): AsyncIterable<{ rows: ItemRow[]; done: number }>;
  /** Problems so far (complete once `batches` is exhausted): the first few listed, the rest counted. */
  problems(): SourceProblem[];
}

/** The layouts a table can have; the file extension or content picks one unless a spec says. */
export type TableFormat = 'parquet' | 'jsonl' | 'json' | 'csv' | 'tsv';

/**
 * One entry of `reclens.alignment.paths` in its object form; a plain string
 * entry is `{ path }`. Relative paths are resolved by the caller (against the
 * workspace); a relative `captions` path against the folder of `path`.
 */
export interface TableSpec {
  path: string;
  /**
   * OpenOneRec `pid2caption` Parquet file joined on `pid`. Default for a
   * `pid2sid*.parquet` path: `pid2caption<same suffix>.parquet` in the same
   * folder, else the only `pid2caption*.parquet` there; `false` joins none.
   */
  captions?: string | false;
  columns?: ColumnMapping;
  /** A domain for every item of this table (overrides `columns.domain`). */
  domain?: string;
  /** The layout, when the extension does not say it (e.g. a `.txt` CSV). */
  format?: TableFormat;
}
