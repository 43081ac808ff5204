/**
 * Reads a small alignment table that is already in memory into
 * `ItemRecord`s for the in-memory lookup: the same splitters and row decoder
 * as the streaming sources (`./sources`), plus what only a whole-table read
 * can do — ids made unique, and a file that is not valid JSON loads nothing.
 */
import type { CompiledGrammar } from './grammar';
import type { ItemRecord } from './lookup';
import { RowDecoder } from './sources/decode';
import { JsonlSplitter, looksLikeJsonl } from './sources/jsonl';
import { JsonTableSplitter } from './sources/onerec-think';
import { ProblemLog } from './sources/problems';
import { splitAll } from './sources/text-source';
import type { SourceProblem } from './sources/types';

export { MAX_TEXT_LENGTH } from './sources/decode';
export { MAX_REPORTED_PROBLEMS } from './sources/problems';

/** A problem with a table file; `line` is 1-based. */
export type TableProblem = SourceProblem;

/** Read one table file's text (JSON keyed by id, a JSON list of rows, or JSONL); `path` labels items and problems and picks JSONL by extension. */
export function loadTable(path: string, text: string, grammar: CompiledGrammar): { items: ItemRecord[]; problems: TableProblem[] } {
  const log = new ProblemLog(path);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const jsonl = /\.(jsonl|ndjson)$/i.test(path) || looksLikeJsonl(body.slice(0, 1 << 20));
  const rows = splitAll(jsonl ? new JsonlSplitter(log) : new JsonTableSplitter(log), body);
  // A document that is not valid JSON is not a table; say where it breaks rather than load half of it.
  if (log.failed) return { items: [], problems: [log.failed] };
  const decoder = new RowDecoder(grammar, log);
  const items: ItemRecord[] = [];
  const seen = new Map<string, { label: string; index: number; line?: number }>();
  for (const row of rows) {
    const decoded = decoder.decode(row);
    if (!decoded) continue;
    const { line, ...fields } = decoded;
    const item: ItemRecord = { ...fields, source: line !== undefined ? { path, line } : { path } };
    const first = seen.get(item.id);
    if (first === undefined) {
      seen.set(item.id, { label: line !== undefined ? `line ${line}` : row.label, index: items.length, line });
      items.push(item);
    } else if (row.id !== undefined) {
      // A key written twice in one JSON object: JSON keeps the later value, in the earlier place.
      log.note(line, `item id "${item.id}" appears again (first at line ${first.line}); JSON keeps only this later entry`);
      items[first.index] = item;
    } else {
      log.skip(line, `${row.label}: item id "${item.id}" already used by ${first.label}; row skipped (ids must be unique)`);
    }
  }
  return { items, problems: log.problems(items.length) };
}
