/**
 * One table row (a JSON object, a CSV record, a Parquet row) to an `ItemRow`:
 * the id, the code in any spelling a table uses, the text fields. Every
 * reader decodes through here, so a row means the same in every format and a
 * bad row gets the same message.
 */
import { formatCode, scanCodes, type CompiledGrammar } from '../grammar';
import { PRESET_SETTING, type ProblemLog } from './problems';
import type { ColumnMapping } from '../../../protocol/items';
import type { ItemRow } from './types';

/** Longest text field kept; captions are for hovers, not for storage. */
export const MAX_TEXT_LENGTH = 10_000;

const ID_FIELDS = ['id', 'item_id', 'pid'];
const CODE_FIELDS = ['sid', 'code', 'semantic_id'];
const LEVEL_STEMS = ['sid_', 's_', 'code_', ''];

/** One row before decoding, as a reader splits it from the file. */
export interface RawRow {
  /** How a message names the row: `row 3` or `item "B0001"`. */
  label: string;
  /** 1-based line (text formats) or row number (Parquet). */
  line?: number;
  /** The id when the layout gives it outside the value (the key of the OneRec-Think object). */
  id?: string;
  /** The row's fields, or why the reader could not split it into fields. */
  value: unknown;
}

/** A code read from a row: levels coarse to fine, and the domain its begin token names. */
export type DecodedCode = { levels: number[]; domain?: string };

/** Decodes the rows of one table, counting rows and skips in its `ProblemLog`. */
export class RowDecoder {
  private readonly mapping: ColumnMapping;

  constructor(
    private readonly grammar: CompiledGrammar,
    private readonly log: ProblemLog,
    mapping: ColumnMapping = {},
  ) {
    this.mapping = mapping;
  }

  /** The row as an item, or `undefined` when it was skipped (and logged). */
  decode(row: RawRow): ItemRow | undefined {
    this.log.rows++;
    const result = this.item(row);
    if (typeof result === 'string') {
      this.log.skip(row.line, `${row.label}: ${result}; row skipped`);
      return undefined;
    }
    return result;
  }

  /** A code from one field's value (an itemic string, "1 2 3", or a list of integers). */
  code(field: string, x: unknown): DecodedCode | string {
    if (typeof x === 'string') return codeFromString(field, x, this.grammar);
    if (isList(x)) return codeFromList(field, Array.from(x), this.grammar);
    return `"${field}" must be an itemic string or a list of ${this.grammar.levelCount} integers, not ${describe(x)}`;
  }

  private item(row: RawRow): ItemRow | string {
    const v = row.value;
    if (v instanceof Error) return v.message;
    if (!isObject(v)) return `expected an object with an id, a code and text fields, not ${describe(v)}`;
    const id = row.id ?? this.readId(v);
    if (typeof id !== 'string') return id.error;
    const code = this.readCode(v);
    if (typeof code === 'string') return code;
    const item: ItemRow = { id, levels: code.levels };
    if (row.line !== undefined) item.line = row.line;
    const note = (message: string): void => this.log.note(row.line, `${row.label}: ${message}`);
    const domain = typeof v.domain === 'string' && v.domain ? v.domain : code.domain ?? this.mapping.domain;
    if (domain) item.domain = domain;
    this.readTexts(v, item, note);
    const categories = readCategories(v.categories, note);
    if (categories !== undefined) item.categories = categories;
    const popularity = readPopularity(v[this.mapping.popularity ?? 'popularity'], this.mapping.popularity ?? 'popularity', note);
    if (popularity !== undefined) item.popularity = popularity;
    return item;
  }

  private readId(v: Record<string, unknown>): string | { error: string } {
    const fields = this.mapping.id ? [this.mapping.id] : ID_FIELDS;
    for (const f of fields) {
      const x = v[f];
      if (typeof x === 'string' && x !== '') return x;
      if ((typeof x === 'number' && Number.isFinite(x)) || typeof x === 'bigint') return String(x);
    }
    if (this.mapping.id) return { error: `no item id: column "${this.mapping.id}" (reclens.alignment.columns "id") is ${describe(v[this.mapping.id])}` };
    return { error: `no item id: expected one of the fields ${ID_FIELDS.map((f) => `"${f}"`).join(', ')} (a string or number)` };
  }

  /** The row's code from an itemic string, a list of integers, or per-level fields. */
  private readCode(v: Record<string, unknown>): DecodedCode | string {
    const n = this.grammar.levelCount;
    const { levels, code } = this.mapping;
    if (levels && levels.length > 0) {
      const missing = levels.find((f) => v[f] === undefined || v[f] === null);
      if (missing !== undefined) return `no code: level column "${missing}" is empty`;
      return codeFromList(levels.join('/'), levels.map((f) => v[f]), this.grammar);
    }
    for (const field of code ? [code] : CODE_FIELDS) {
      const x = v[field];
      if (x === undefined || x === null || x === '') continue;
      return this.code(field, x);
    }
    if (code) return `no code: column "${code}" (reclens.alignment.columns "code") is empty`;
    const letters = 'abcdefgh'.slice(0, n).split('');
    for (const stem of LEVEL_STEMS) {
      if (letters.every((l) => v[stem + l] !== undefined)) return codeFromList(letters.map((l) => stem + l).join('/'), letters.map((l) => v[stem + l]), this.grammar);
    }
    return `no code: expected "sid" (an itemic string like ${exampleCode(this.grammar)}, or a list of ${n} integers) or per-level fields "sid_a", "sid_b", …`;
  }

  /** Title and caption: by the mapping's text columns (the first is the title), else by the usual field names. */
  private readTexts(v: Record<string, unknown>, item: ItemRow, note: (m: string) => void): void {
    const text = this.mapping.text;
    if (text && text.length > 0) {
      const title = readText(v, [text[0]], note);
      if (title !== undefined) item.title = title;
      const rest = text.slice(1).map((f) => readText(v, [f], note)).filter((t): t is string => t !== undefined && t !== '');
      if (rest.length > 0) item.caption = rest.join(' · ');
      return;
    }
    const title = readText(v, ['title'], note);
    if (title !== undefined) item.title = title;
    const caption = readText(v, ['caption', 'dense_caption'], note);
    if (caption !== undefined) item.caption = caption;
  }
}

/** A code from a string: an itemic spelling, or plain numbers ("340 6566 5603", "[340, 6566, 5603]"). */
export function codeFromString(field: string, s: string, grammar: CompiledGrammar): DecodedCode | string {
  const shown = JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);
  const matches = scanCodes(s, grammar);
  if (matches.length === 0) {
    // Some dumps write a code as plain numbers: "340 6566 5603", "340,6566,5603" or a JSON list in a CSV cell.
    const plain = /^\s*[[(]?\s*(\d+(?:\s*[\s,;.|_-]\s*\d+)*)\s*[\])]?\s*$/.exec(s);
    if (plain) return codeFromList(field, plain[1].split(/\s*[\s,;.|_-]\s*/).map(Number), grammar);
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

/** A code from a list of level values (numbers, bigints from Parquet INT64, or digit strings from CSV cells). */
export function codeFromList(field: string, list: unknown[], grammar: CompiledGrammar): DecodedCode | string {
  const levels: number[] = new Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const x = list[k];
    const n = typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : typeof x === 'string' && /^\s*\d{1,15}\s*$/.test(x) ? Number(x) : NaN;
    if (!Number.isInteger(n) || n < 0) return `"${field}" must hold non-negative integers; entry ${k + 1} is ${describe(x)}`;
    levels[k] = n;
  }
  if (levels.length !== grammar.levelCount) return levelCountMismatch(field, levels.length, grammar);
  const out = levels.findIndex((x, k) => x >= grammar.codebook[k]);
  if (out >= 0) {
    const size = grammar.codebook[out];
    return `"${field}" level ${out + 1} is ${levels[out]}, out of range: the "${grammar.spec.name}" codebook has ${size} entries (0–${size - 1}); set ${PRESET_SETTING} to the family this table was built for`;
  }
  return { levels };
}

/** A sample code in the grammar, for messages: `<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>`. */
export function exampleCode(grammar: CompiledGrammar): string {
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
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'bigint') {
      note(`"${f}" should be text, not ${describe(x)}; ignored`);
      continue;
    }
    return clip(String(x), f, note);
  }
  return undefined;
}

/** Text cut to `MAX_TEXT_LENGTH`, with a note when it was longer. */
export function clip(s: string, field: string, note: (m: string) => void): string {
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

function readPopularity(x: unknown, field: string, note: (m: string) => void): number | undefined {
  if (x === undefined || x === null || x === '') return undefined;
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : typeof x === 'bigint' ? Number(x) : x;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  note(`"${field}" should be a number, not ${describe(x)}; ignored`);
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** A JS array or a typed array (Parquet lists may decode to either). */
function isList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** A short description of a value for messages (never the whole value). */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'missing';
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (x instanceof Uint8Array) return `${x.length} bytes of binary data`;
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return x.length > 40 ? `the text "${x.slice(0, 40)}…"` : `the text ${JSON.stringify(x)}`;
  return `${typeof x} ${String(x)}`;
}
