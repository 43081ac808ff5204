/**
 * Reads an alignment table (item id → code + text) into `ItemRecord`s:
 * the OneRec-Think layout (one JSON object keyed by item id) and JSONL (one
 * object per line). Malformed rows are skipped and reported, never dropped
 * silently.
 */
import { formatCode, scanCodes, type CompiledGrammar } from './grammar';
import { jsonErrorOffset, jsonErrorReason, lineAt, topLevelKeys } from './json-text';
import type { ItemRecord } from './lookup';

/** A problem with a table file; `line` is 1-based. */
export interface TableProblem {
  path: string;
  line?: number;
  message: string;
}

/** One line for logs and notifications: `path:line: message`. */
export function formatTableProblem(p: TableProblem): string {
  return `${p.path}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`;
}

/** Problems listed one by one per file; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 20;
/** Longest text field kept; captions are for hovers, not for storage. */
export const MAX_TEXT_LENGTH = 10_000;

const PRESET_SETTING = 'reclens.itemicTokens.preset';
const ID_FIELDS = ['id', 'item_id', 'pid'];
const CODE_FIELDS = ['sid', 'code', 'semantic_id'];
const LEVEL_STEMS = ['sid_', 's_', 'code_', ''];

/** One table row before decoding. */
interface Row {
  /** How a message names the row: `row 3` or `item "B0001"`. */
  label: string;
  line?: number;
  /** The id when the layout gives it (the key of the OneRec-Think object). */
  id?: string;
  value: unknown;
}

type Note = { line?: number; message: string };

/** Read one table file; `path` only labels items and problems. */
export function loadTable(path: string, text: string, grammar: CompiledGrammar): { items: ItemRecord[]; problems: TableProblem[] } {
  const notes: Note[] = [];
  const rows = readRows(path, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, notes);
  const items: ItemRecord[] = [];
  const seen = new Map<string, string>();
  let skipped = 0;
  for (const row of rows) {
    const decoded = decodeRow(path, row, grammar, notes);
    if (typeof decoded === 'string') {
      skipped++;
      notes.push({ line: row.line, message: `${row.label}: ${decoded}; row skipped` });
      continue;
    }
    const first = seen.get(decoded.id);
    if (first !== undefined) {
      skipped++;
      notes.push({ line: row.line, message: `${row.label}: item id "${decoded.id}" already used by ${first}; row skipped (ids must be unique)` });
      continue;
    }
    seen.set(decoded.id, row.line !== undefined ? `line ${row.line}` : row.label);
    items.push(decoded);
  }
  const problems: TableProblem[] = notes.slice(0, MAX_REPORTED_PROBLEMS).map((n) => (n.line !== undefined ? { path, line: n.line, message: n.message } : { path, message: n.message }));
  if (notes.length > MAX_REPORTED_PROBLEMS) problems.push({ path, message: `${notes.length - MAX_REPORTED_PROBLEMS} more problems not listed` });
  if (skipped > 0) problems.push({ path, message: `skipped ${skipped} of ${rows.length} rows; loaded ${items.length} items` });
  return { items, problems };
}

/** Split a file into rows by its layout; a file that cannot be read at all adds one note and no rows. */
function readRows(path: string, text: string, notes: Note[]): Row[] {
  if (text.trim() === '') {
    notes.push({ message: 'file is empty; expected one JSON object keyed by item id, or JSONL with one item per line' });
    return [];
  }
  if (/\.(jsonl|ndjson)$/i.test(path)) return jsonlRows(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    if (looksLikeJsonl(text)) return jsonlRows(text);
    const message = (e as Error).message;
    const line = lineAt(text, jsonErrorOffset(text, message));
    notes.push({ line, message: `file is not valid JSON: ${jsonErrorReason(message)} at line ${line}; a table is one JSON object keyed by item id, or JSONL (one object per line, file extension .jsonl)` });
    return [];
  }
  if (Array.isArray(parsed)) return parsed.map((value, i) => ({ label: `row ${i + 1}`, value }));
  if (!isObject(parsed)) {
    notes.push({ line: 1, message: `expected a JSON object keyed by item id (the OneRec-Think layout) or a list of rows, not ${describe(parsed)}` });
    return [];
  }
  const lines = new Map<string, number>();
  for (const { key, line } of topLevelKeys(text)) {
    const first = lines.get(key);
    // JSON.parse keeps the last of two equal keys; say so rather than lose one quietly.
    if (first !== undefined) notes.push({ line, message: `item id "${key}" appears again (first at line ${first}); JSON keeps only this later entry` });
    else lines.set(key, line);
  }
  return Object.entries(parsed).map(([id, value]) => ({ label: `item "${id}"`, line: lines.get(id), id, value }));
}

function looksLikeJsonl(text: string): boolean {
  const lines = text.split('\n', 3).filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    return isObject(JSON.parse(lines[0]));
  } catch {
    return false;
  }
}

function jsonlRows(text: string): Row[] {
  const rows: Row[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    const label = `row ${rows.length + 1}`;
    try {
      rows.push({ label, line, value: JSON.parse(raw) });
    } catch (e) {
      // Counted as a row so that the skip count covers it.
      rows.push({ label, line, value: new Error(`not valid JSON (${jsonErrorReason((e as Error).message)})`) });
    }
  }
  return rows;
}

/** An item, or why the row cannot be one. */
function decodeRow(path: string, row: Row, grammar: CompiledGrammar, notes: Note[]): ItemRecord | string {
  const v = row.value;
  if (v instanceof Error) return v.message;
  if (!isObject(v)) return `expected an object with an id, a code and text fields, not ${describe(v)}`;
  const id = row.id ?? readId(v);
  if (id === undefined) return `no item id: expected one of the fields ${ID_FIELDS.map((f) => `"${f}"`).join(', ')} (a string or number)`;
  const code = readCode(v, grammar);
  if (typeof code === 'string') return code;
  const item: ItemRecord = { id, levels: code.levels, source: row.line !== undefined ? { path, line: row.line } : { path } };
  const note = (message: string): void => void notes.push({ line: row.line, message: `${row.label}: ${message}` });
  const domain = typeof v.domain === 'string' && v.domain ? v.domain : code.domain;
  if (domain) item.domain = domain;
  const title = readText(v, ['title'], note);
  if (title !== undefined) item.title = title;
  const caption = readText(v, ['caption', 'dense_caption'], note);
  if (caption !== undefined) item.caption = caption;
  const categories = readCategories(v.categories, note);
  if (categories !== undefined) item.categories = categories;
  const popularity = readPopularity(v.popularity, note);
  if (popularity !== undefined) item.popularity = popularity;
  return item;
}

function readId(v: Record<string, unknown>): string | undefined {
  for (const f of ID_FIELDS) {
    const x = v[f];
    if (typeof x === 'string' && x !== '') return x;
    if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  }
  return undefined;
}

/** The row's code from an itemic string, a list of integers, or per-level fields. */
function readCode(v: Record<string, unknown>, grammar: CompiledGrammar): { levels: number[]; domain?: string } | string {
  const n = grammar.levelCount;
  for (const field of CODE_FIELDS) {
    const x = v[field];
    if (x === undefined || x === null) continue;
    if (typeof x === 'string') return codeFromString(field, x, grammar);
    if (Array.isArray(x)) return codeFromList(field, x, grammar);
    return `"${field}" must be an itemic string or a list of ${n} integers, not ${describe(x)}`;
  }
  const letters = 'abcdefgh'.slice(0, n).split('');
  for (const stem of LEVEL_STEMS) {
    if (letters.every((l) => v[stem + l] !== undefined)) return codeFromList(letters.map((l) => stem + l).join('/'), letters.map((l) => v[stem + l]), grammar);
  }
  return `no code: expected "sid" (an itemic string like ${exampleCode(grammar)}, or a list of ${n} integers) or per-level fields "sid_a", "sid_b", …`;
}

function codeFromString(field: string, s: string, grammar: CompiledGrammar): { levels: number[]; domain?: string } | string {
  const shown = JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);
  const matches = scanCodes(s, grammar);
  if (matches.length === 0) {
    // Some dumps write a code as plain numbers: "340 6566 5603" or "340,6566,5603".
    if (/^\s*\d+(?:\s*[\s,;.|_-]\s*\d+)*\s*$/.test(s)) return codeFromList(field, s.trim().split(/\s*[\s,;.|_-]\s*/).map(Number), grammar);
      return `"${field}" ${shown} is not a code in the itemic-token grammar "${grammar.spec.name}" (which spells codes like ${exampleCode(grammar)}); set ${PRESET_SETTING} to the family this table was built for`;
  }
  // Text the grammar skipped is usually another family's level token (`<s_d_4>` under a 3-level preset).
  let rest = '';
  let at = 0;
  for (const m of matches) [rest, at] = [rest + s.slice(at, m.span.start), m.span.end];
  rest = (rest + s.slice(at)).trim();
  if (rest) {
    const unread = JSON.stringify(rest.length > 40 ? `${rest.slice(0, 40)}…` : rest);
    return `"${field}" ${shown}: ${unread} is not part of a code in the itemic-token grammar "${grammar.spec.name}" (levels ${grammar.spec.levels.join('')}); set ${PRESET_SETTING} to the family this table was built for`;
  }
  if (matches.length > 1) return `"${field}" ${shown} holds ${matches.length} codes; an item has exactly one`;
  const m = matches[0];
  if (m.bare !== undefined) return `"${field}" ${shown} is a bare number, not a code with ${grammar.levelCount} levels`;
  // An unterminated code is still a whole code in a table; only a broken one is rejected.
  const broken = m.problems.find((p) => p.kind !== 'unterminated');
  if (broken) return `"${field}" ${shown}: ${broken.message}`;
  if (m.levels.length !== grammar.levelCount) return levelCountMismatch(field, m.levels.length, grammar);
  return m.domain ? { levels: m.levels, domain: m.domain } : { levels: m.levels };
}

function codeFromList(field: string, list: unknown[], grammar: CompiledGrammar): { levels: number[] } | string {
  const bad = list.findIndex((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0);
  if (bad >= 0) return `"${field}" must hold non-negative integers; entry ${bad + 1} is ${describe(list[bad])}`;
  const levels = list as number[];
  if (levels.length !== grammar.levelCount) return levelCountMismatch(field, levels.length, grammar);
  const out = levels.findIndex((x, k) => x >= grammar.codebook[k]);
  if (out >= 0) {
    const size = grammar.codebook[out];
    return `"${field}" level ${out + 1} is ${levels[out]}, out of range: the "${grammar.spec.name}" codebook has ${size} entries (0–${size - 1}); set ${PRESET_SETTING} to the family this table was built for`;
  }
  return { levels: [...levels] };
}

/** A sample code in the grammar, for messages: `<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>`. */
function exampleCode(grammar: CompiledGrammar): string {
  return formatCode(grammar, grammar.codebook.map((_, k) => k + 1));
}

function levelCountMismatch(field: string, count: number, grammar: CompiledGrammar): string {
  return `"${field}" has ${count} levels but the itemic-token grammar "${grammar.spec.name}" has ${grammar.levelCount}; set ${PRESET_SETTING} to the family this table was built for`;
}

/** The first of `fields` that holds text, cut to `MAX_TEXT_LENGTH`. */
function readText(v: Record<string, unknown>, fields: string[], note: (m: string) => void): string | undefined {
  for (const f of fields) {
    const x = v[f];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string' && typeof x !== 'number') {
      note(`"${f}" should be text, not ${describe(x)}; ignored`);
      continue;
    }
    return clip(String(x), f, note);
  }
  return undefined;
}

function clip(s: string, field: string, note: (m: string) => void): string {
  if (s.length <= MAX_TEXT_LENGTH) return s;
  note(`"${field}" is ${s.length.toLocaleString('en')} characters; kept the first ${MAX_TEXT_LENGTH.toLocaleString('en')}`);
  return `${s.slice(0, MAX_TEXT_LENGTH)}…`;
}

/** Categories as one string: a list is joined, a list of paths (Amazon style) is joined path by path. */
function readCategories(x: unknown, note: (m: string) => void): string | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'string') return clip(x, 'categories', note);
  const flat = (y: unknown): string | undefined => (typeof y === 'string' ? y : typeof y === 'number' ? String(y) : undefined);
  const join = (ys: unknown[], sep: string): string | undefined => {
    const parts = ys.map((y) => (Array.isArray(y) && sep === '; ' ? join(y, ' > ') : flat(y)));
    return parts.every((p) => p !== undefined) ? parts.filter((p) => p !== '').join(sep) : undefined;
  };
  const joined = Array.isArray(x) ? join(x, x.some(Array.isArray) ? '; ' : ', ') : undefined;
  if (joined !== undefined) return clip(joined, 'categories', note);
  note(`"categories" should be text, a list of text or a list of category paths, not ${describe(x)}; ignored`);
  return undefined;
}

function readPopularity(x: unknown, note: (m: string) => void): number | undefined {
  if (x === undefined || x === null) return undefined;
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  note(`"popularity" should be a number, not ${describe(x)}; ignored`);
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A short description of a JSON value for messages (never the whole value). */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return x.length > 40 ? `the text "${x.slice(0, 40)}…"` : `the text ${JSON.stringify(x)}`;
  return `${typeof x} ${String(x)}`;
}
