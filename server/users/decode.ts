/**
 * One users-file row (a JSON object, a Parquet row) to a `UserRecord`: the
 * id, the history and the targets, each item resolved to a code. Both
 * formats decode through here, so a row means the same in each and a bad
 * row gets the same message.
 *
 * An item list may hold item ids (numbers or strings, mapped through the
 * alignment tables), codes in the grammar's spelling (one string of
 * concatenated codes, or one string per item), or codes as lists of level
 * values. When a row gives both ids (`history`) and codes (`history_codes`)
 * of equal length they are paired, so a file that carries its own codes
 * needs no alignment table.
 */
import { codeKey, scanCodes, type CompiledGrammar } from '../items/grammar';
import type { ItemLookup } from '../items/lookup';
import { codeFromList, describe, exampleCode, type RawRow } from '../items/sources/decode';
import { PATHS_SETTING, PRESET_SETTING } from '../items/sources/problems';
import type { UserItem, UserRecord } from './types';

/** Fields that hold the user id, first match wins. */
export const ID_FIELDS = ['user', 'user_id', 'uid', 'id'];
export const SPLIT_FIELD = 'split';
/** Fields of one item list: `items` (ids or codes) and `codes` (codes only), first match of each wins. */
export interface ListFields {
  name: 'history' | 'targets';
  items: string[];
  codes: string[];
}
export const HISTORY: ListFields = { name: 'history', items: ['history', 'hist_video_pid'], codes: ['history_codes'] };
export const TARGETS: ListFields = { name: 'targets', items: ['targets', 'target', 'target_video_pid'], codes: ['target_codes'] };

/** Longest user or item id kept; longer ones are not ids but data in the wrong field. */
export const MAX_ID_CHARS = 256;
/** Ids and reasons named in one message; the rest are counted. */
const NAMED = 3;

/** An item as the row gives it, before the alignment tables are asked. */
interface Entry {
  id?: string;
  levels?: number[];
  domain?: string;
}

/** The entries of one field, and the ones that could not be read (with the first reason). */
interface Parsed {
  entries: Entry[];
  bad: number;
  reason?: string;
}

/** Decodes the rows of users files against one grammar and one item pool; items are shared between users. */
export class UserDecoder {
  /** One `UserItem` per distinct item: a long history costs a pointer per entry, not an object. */
  private readonly items = new Map<string, UserItem>();

  constructor(
    private readonly grammar: CompiledGrammar,
    private readonly lookup: ItemLookup,
  ) {}

  /**
   * The row as a user, or the reason it was skipped. `note` receives what
   * was dropped from a user that is kept; messages start with the row's label.
   */
  decode(path: string, row: RawRow, note: (message: string) => void): UserRecord | string {
    const v = row.value;
    if (v instanceof Error) return `${row.label}: ${v.message}`;
    if (!isObject(v)) return `${row.label}: expected an object with a user id and a history, not ${describe(v)}`;
    const id = readId(v);
    if (typeof id !== 'string') return `${row.label}: ${id.error}`;
    const label = `${row.label} (user ${JSON.stringify(id)})`;
    const history = this.list(v, HISTORY, label, note);
    if (typeof history === 'string') return `${label}: ${history}; user skipped`;
    if (history === undefined) return `${label}: no history; expected "history" (item ids or codes), "history_codes" (codes like ${exampleCode(this.grammar)}) or "hist_video_pid" (pids); user skipped`;
    if (history.length === 0) return `${label}: no history item left to read; user skipped`;
    const targets = this.list(v, TARGETS, label, note);
    const user: UserRecord = { id, history, targets: [], source: row.line !== undefined ? { path, line: row.line } : { path } };
    if (typeof targets === 'string') note(`${label}: ${targets}; targets ignored`);
    else if (targets !== undefined) user.targets = targets;
    const split = v[SPLIT_FIELD];
    if (typeof split === 'string' && split !== '') user.split = split.slice(0, MAX_ID_CHARS);
    else if ((typeof split === 'number' && Number.isFinite(split)) || typeof split === 'bigint') user.split = String(split);
    else if (split !== undefined && split !== null && split !== '') note(`${label}: "split" should be text or a number, not ${describe(split)}; ignored`);
    return user;
  }

  /** One item list: `undefined` when the row has none, a reason when its field has the wrong type. */
  private list(v: Record<string, unknown>, fields: ListFields, label: string, note: (m: string) => void): UserItem[] | string | undefined {
    const itemsField = fields.items.find((f) => present(v[f]));
    const codesField = fields.codes.find((f) => present(v[f]));
    if (itemsField === undefined && codesField === undefined) return undefined;
    const items = itemsField !== undefined ? this.parse(itemsField, v[itemsField]) : undefined;
    const codes = codesField !== undefined ? this.parse(codesField, v[codesField]) : undefined;
    if (typeof items === 'string') return items;
    if (typeof codes === 'string') return codes;
    let parsed = (items ?? codes)!;
    let field = (itemsField ?? codesField)!;
    if (items && codes) {
      const idsOnly = items.bad === 0 && items.entries.every((e) => e.levels === undefined);
      if (idsOnly && items.entries.length === codes.entries.length && codes.bad === 0) {
        parsed = { entries: items.entries.map((e, k) => ({ ...codes.entries[k], id: e.id })), bad: 0 };
        field = `${itemsField}/${codesField}`;
        this.checkPairs(parsed.entries, field, label, note);
      } else if (idsOnly) {
        const [a, b] = [items.entries.length, codes.entries.length + codes.bad];
        if (a !== b) note(`${label}: "${itemsField}" lists ${count(a, 'item')} but "${codesField}" ${count(b, 'code')}; used "${codesField}" alone — write both from the same list`);
        parsed = codes;
        field = codesField!;
      }
    }
    return this.resolve(parsed, field, fields.name, label, note);
  }

  /** The entries of one field's value: a string of codes, or a list of ids, code strings or level lists. */
  private parse(field: string, x: unknown): Parsed | string {
    if (typeof x === 'string') {
      const parsed: Parsed = { entries: [], bad: 0 };
      this.scan(field, x, parsed);
      if (parsed.entries.length === 0 && parsed.bad === 0) return `"${field}" ${describe(x)} holds no code in the itemic-token grammar "${this.grammar.spec.name}" (codes like ${exampleCode(this.grammar)}); give a list of item ids, or set ${PRESET_SETTING} to the family the file was written for`;
      return parsed;
    }
    if (!isList(x)) return `"${field}" should be a list of item ids or a string of codes, not ${describe(x)}`;
    const parsed: Parsed = { entries: [], bad: 0 };
    const drop = (k: number, reason: string): void => {
      parsed.bad++;
      parsed.reason ??= `entry ${k + 1} of "${field}" ${reason}`;
    };
    for (let k = 0; k < x.length; k++) {
      const e = x[k];
      if (typeof e === 'number') {
        if (Number.isSafeInteger(e)) parsed.entries.push({ id: String(e) });
        else if (Number.isInteger(e)) drop(k, `(${e}) is beyond 2^53 and lost digits when it was read as a JSON number; write ids this large as strings`);
        else drop(k, `is ${describe(e)}; item ids are integers or strings`);
      } else if (typeof e === 'bigint') parsed.entries.push({ id: String(e) });
      else if (typeof e === 'string') {
        if (e === '' || e.length > MAX_ID_CHARS) drop(k, e === '' ? 'is empty' : `is ${e.length.toLocaleString('en')} characters long, too long for an item id`);
        // A string is a code when the grammar finds one in it, else an item id ("B00012", "7001602").
        else if (!this.scan(field, e, parsed, k)) parsed.entries.push({ id: e });
      } else if (isList(e)) {
        const code = codeFromList(field, Array.from(e), this.grammar);
        if (typeof code === 'string') drop(k, `is not a code: ${code}`);
        else parsed.entries.push({ levels: code.levels });
      } else drop(k, `is ${describe(e)}; expected an item id or a code`);
    }
    return parsed;
  }

  /** Add the codes of `text` to `parsed`; false when it holds no code at all. `index` names the list entry, if any. */
  private scan(field: string, text: string, parsed: Parsed, index?: number): boolean {
    const matches = scanCodes(text, this.grammar);
    if (matches.length === 0) return false;
    const where = index === undefined ? `"${field}"` : `entry ${index + 1} of "${field}"`;
    const drop = (reason: string): void => {
      parsed.bad++;
      parsed.reason ??= reason;
    };
    let rest = '';
    let at = 0;
    for (const m of matches) {
      rest += text.slice(at, m.span.start);
      at = m.span.end;
      const shown = JSON.stringify(text.slice(m.span.start, Math.min(m.span.end, m.span.start + 80)));
      // A cut-off end token is harmless in a history; a broken or short code is not an item.
      const broken = m.problems.find((p) => p.kind !== 'unterminated');
      if (m.bare !== undefined) parsed.entries.push(m.domain ? { id: m.bare, domain: m.domain } : { id: m.bare });
      else if (broken) drop(`${where}: code ${shown}: ${broken.message}`);
      else if (m.kind !== 'full') drop(`${where}: code ${shown} has ${m.levels.length} of ${this.grammar.levelCount} levels (a cluster, not an item)`);
      else parsed.entries.push(m.domain ? { levels: m.levels, domain: m.domain } : { levels: m.levels });
    }
    rest = (rest + text.slice(at)).replace(/[\s,;|[\]"']+/g, '');
    if (rest !== '') {
      const shown = JSON.stringify(rest.length > 40 ? `${rest.slice(0, 40)}…` : rest);
      // Counted as one dropped item: usually another family's level token (`<s_d_4>` under a 3-level preset).
      drop(`${where}: ${shown} is not part of a code in the itemic-token grammar "${this.grammar.spec.name}"; set ${PRESET_SETTING} to the family the file was written for`);
    }
    return true;
  }

  /** Entries to items: ids through the alignment tables; what cannot be resolved is dropped with one note per kind. */
  private resolve(parsed: Parsed, field: string, list: string, label: string, note: (m: string) => void): UserItem[] {
    const out: UserItem[] = [];
    const unknown: string[] = [];
    let unknownCount = 0;
    for (const e of parsed.entries) {
      if (e.levels) {
        out.push(this.item(e.id, e.levels, e.domain));
        continue;
      }
      const record = this.lookup.byId(e.id!);
      if (record) out.push(this.item(e.id, record.levels, record.domain ?? e.domain));
      else {
        unknownCount++;
        if (unknown.length < NAMED) unknown.push(e.id!);
      }
    }
    const total = parsed.entries.length + parsed.bad;
    if (parsed.bad > 0) note(`${label}: ${parsed.reason}; dropped ${count(parsed.bad, `${list} item`)} of ${total}`);
    if (unknownCount > 0) {
      const named = `${unknown.join(', ')}${unknownCount > unknown.length ? ` and ${unknownCount - unknown.length} more` : ''}`;
      const fix = `add the alignment table that holds pid ${unknown[0]} to ${PATHS_SETTING}`;
      note(
        this.lookup.size === 0
          ? `${label}: no alignment table is loaded, so the ids in "${field}" (${named}) have no codes; dropped ${unknownCount} of ${total} — ${fix}, or give the codes in "${list === 'history' ? HISTORY.codes[0] : TARGETS.codes[0]}"`
          : `${label}: ${unknownCount === 1 ? 'item' : 'items'} ${named} of "${field}" ${unknownCount === 1 ? 'is' : 'are'} in no alignment table; dropped ${unknownCount} of ${total} — ${fix}`,
      );
    }
    return out;
  }

  /** Report paired ids whose code in the file differs from the alignment table's (the file's code is kept). */
  private checkPairs(entries: Entry[], field: string, label: string, note: (m: string) => void): void {
    let differ = 0;
    let first: string | undefined;
    for (const e of entries) {
      const record = this.lookup.byId(e.id!);
      if (!record || sameLevels(record.levels, e.levels!)) continue;
      differ++;
      first ??= `item ${e.id} has ${e.levels!.join('.')} in the file but ${record.levels.join('.')} in ${record.source.path}`;
    }
    if (differ > 0) note(`${label}: the codes of "${field}" disagree with the alignment tables for ${count(differ, 'item')} (${first}); kept the file's codes — check that the file and the tables come from the same tokenizer`);
  }

  private item(id: string | undefined, levels: number[], domain: string | undefined): UserItem {
    const key = `${id ?? ''}@${codeKey(levels, domain)}`;
    let item = this.items.get(key);
    if (!item) {
      item = { levels: Object.freeze([...levels]) as number[] };
      if (id !== undefined) item.id = id;
      if (domain) item.domain = domain;
      this.items.set(key, Object.freeze(item));
    }
    return item;
  }
}

/** The user id, or why there is none. */
function readId(v: Record<string, unknown>): string | { error: string } {
  for (const f of ID_FIELDS) {
    const x = v[f];
    if (x === undefined || x === null) continue;
    if (typeof x === 'string' && x !== '' && x.length <= MAX_ID_CHARS) return x;
    if ((typeof x === 'number' && Number.isSafeInteger(x)) || typeof x === 'bigint') return String(x);
    return { error: `"${f}" is ${describe(x)}; a user id is a non-empty string (at most ${MAX_ID_CHARS} characters) or an integer (write ids beyond 2^53 as strings); user skipped` };
  }
  return { error: `no user id: expected one of the fields ${ID_FIELDS.map((f) => `"${f}"`).join(', ')}; user skipped` };
}

function present(x: unknown): boolean {
  return x !== undefined && x !== null;
}

function sameLevels(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** A JS array or a typed array (Parquet lists may decode to either); bytes are binary data, not a list. */
function isList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof Uint8Array));
}
