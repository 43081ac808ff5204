/**
 * Item tables and itemic-token spellings as the settings name them
 * (`reclens.alignment.paths`, `reclens.itemicTokens.*`): plain data shared
 * by the settings, the server that reads the tables and the extension.
 */

/** Names of the built-in spellings (see DESIGN.md, "Itemic tokens"). */
export type PresetName = 'openonerec' | 'onereason' | 'onerec-think' | 'paper' | 'custom';

/** A user-defined spelling, the value of `reclens.itemicTokens.custom`. */
export interface GrammarSpec {
  /** Display name, e.g. "openonerec". */
  name: string;
  /**
   * One spelling per level, coarse to fine, with `{n}` where the number goes,
   * e.g. `["<s_a_{n}>", "<s_b_{n}>", "<s_c_{n}>"]`.
   */
  levels: string[];
  /** Codebook size per level (one number for all levels, or one per level). */
  codebookSize: number | number[];
  /**
   * Begin tokens; each may name a domain (OneReason: `<|video_begin|>` → "video").
   * Empty when the family writes no begin token.
   */
  begin: { token: string; domain?: string }[];
  /** End tokens (`<|sid_end|>`); a domain begin token may have its own end token. */
  end: string[];
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
