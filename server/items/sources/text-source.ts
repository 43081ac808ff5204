/**
 * A `RowSource` over a text table (JSONL, JSON, CSV/TSV): the file is read in
 * 1 MB chunks and split into rows by a format's splitter, so a 1 GB table is
 * never one string, and the rows of each chunk come out as one batch.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { CompiledGrammar } from '../grammar';
import { RowDecoder, type RawRow } from './decode';
import { loggedSource, PATHS_SETTING, ProblemLog } from './problems';
import type { ColumnMapping } from '../../../protocol/items';
import type { ItemRow, RowSource } from './types';

/** Splits text into rows as it arrives; file-level failures go to the log it was made with. */
export interface RowSplitter {
  /** Rows completed by this chunk. */
  push(chunk: string): RawRow[];
  /** Rows completed by the end of the file (and a failure if the file ends inside a row). */
  end(): RawRow[];
}

const CHUNK_BYTES = 1 << 20;

/** Split a whole text (already in memory) into rows; for small tables and tests. */
export function splitAll(splitter: RowSplitter, text: string): RawRow[] {
  const rows = splitter.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (const row of splitter.end()) rows.push(row);
  return rows;
}

/** A source reading `path` through the splitter `split` makes for each pass. */
export function textSource(path: string, size: number, grammar: CompiledGrammar, mapping: ColumnMapping | undefined, split: (log: ProblemLog) => RowSplitter): RowSource {
  return loggedSource(path, size, async function* (log) {
    const splitter = split(log);
    const decoder = new RowDecoder(grammar, log, mapping);
    const decode = (raw: RawRow[]): ItemRow[] => {
      const rows: ItemRow[] = [];
      for (const r of raw) {
        const item = decoder.decode(r);
        if (item) rows.push(item);
      }
      return rows;
    };
    for await (const { rows, done } of splitFile(path, splitter, (e) => log.fail(undefined, `cannot read alignment table: ${e.message}; check ${PATHS_SETTING}`))) {
      yield { rows: decode(rows), done };
    }
  });
}

/**
 * The rows of a text file as `splitter` cuts them, read in 1 MB chunks (a
 * byte-order mark dropped); `done` counts bytes. A read failure goes to
 * `onError` and ends the rows.
 */
export async function* splitFile(path: string, splitter: RowSplitter, onError: (e: Error) => void): AsyncGenerator<{ rows: RawRow[]; done: number }> {
  const text = new StringDecoder('utf8');
  let done = 0;
  let first = true;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      const bytes = chunk as Buffer;
      done += bytes.length;
      let s = text.write(bytes);
      if (first && s.length > 0) {
        first = false;
        if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      }
      yield { rows: splitter.push(s), done };
    }
  } catch (e) {
    onError(e as Error);
    return;
  }
  const rest = splitter.push(text.end());
  for (const r of splitter.end()) rest.push(r);
  yield { rows: rest, done };
}
