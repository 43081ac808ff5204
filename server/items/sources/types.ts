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

