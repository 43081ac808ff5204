/**
 * The expression language at the debugger's surface: how a value reads in
 * Watch, the Debug Console and logpoints, logpoint messages, DAP hit
 * conditions, and Debug Console completion (docs/debugging.md,
 * "Expressions"). The language itself is expr.ts.
 */
import { BLOCKED, compileExpression, evaluate, FUNCTION_NAMES, KEYWORDS, MAX_SOURCE_LENGTH, member, toValue, type Value } from './expr';
import { tokenize } from './expr-lexer';

/** How Watch, the Debug Console and logpoints show a value on one line. */
export function formatValue(v: unknown): string {
  return format(toValue(v), 0);
}

function format(v: Value, depth: number): string {
  if (typeof v === 'string') return JSON.stringify(v.length > (depth ? 40 : 200) ? `${v.slice(0, depth ? 40 : 200)}…` : v);
  if (typeof v === 'number') return formatNumber(v);
  if (v === null || typeof v === 'boolean') return String(v);
  const entries = Array.isArray(v) ? v.map((x): [string, unknown] => ['', x]) : Object.entries(v).filter(([k]) => !BLOCKED.has(k));
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  if (depth > 0) return Array.isArray(v) ? `Array(${v.length})` : '{…}';
  const shown = entries.slice(0, 5).map(([k, x]) => (k === '' && Array.isArray(v) ? '' : `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: `) + format(toValue(x), 1));
  const more = entries.length > 5 ? ', …' : '';
  return `${Array.isArray(v) && more ? `(${v.length}) ` : ''}${open}${shown.join(', ')}${more}${close}`;
}

/** Integers in full; other numbers to 4 decimals, or 4 significant digits below 0.01. */
function formatNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n);
  return String(Math.abs(n) < 0.01 ? Number(n.toPrecision(4)) : Number(n.toFixed(4)));
}

/** A logpoint message: `{expr}` replaced by its value (strings unquoted), `{{`/`}}` for braces, errors inline as `{!error}`. */
export function interpolate(template: string, scope: object): string {
  let out = '';
  for (let i = 0; i < template.length; ) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      out += c;
      i += 2;
    } else if (c !== '{') {
      out += c;
      i++;
    } else {
      const end = closingBrace(template, i + 1);
      if (end < 0) return `${out}{!"{" at column ${i + 1} is not closed; write "{{" for a brace}`;
      out += interpolated(template.slice(i + 1, end), scope);
      i = end + 1;
    }
  }
  return out;
}

function interpolated(source: string, scope: object): string {
  const c = compileExpression(source);
  const r = c.ok ? evaluate(c.expr, scope) : c;
  return !r.ok ? `{!${r.error}}` : typeof r.value === 'string' ? r.value : formatValue(r.value);
}

/** The offset of the `}` that ends an interpolation, skipping quoted strings; -1 if none. */
function closingBrace(s: string, from: number): number {
  let quote = '';
  for (let i = from; i < s.length; i++) {
    if (quote && s[i] === '\\') i++;
    else if (quote) quote = s[i] === quote ? '' : quote;
    else if (s[i] === '"' || s[i] === "'") quote = s[i];
    else if (s[i] === '}') return i;
  }
  return -1;
}

/** A DAP hit condition as a test of the hit count, or why it is not one. */
export type HitCondition = { ok: true; test: (hits: number) => boolean } | { ok: false; error: string };

/** Compiles a hit condition: `5` or `== 5` (the 5th hit), `> 3`, `>= 3`, `< 3`, `<= 3`, `% 2` (every 2nd). */
export function hitCondition(source: string): HitCondition {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d{1,15})\s*$/.exec(source.slice(0, 100));
  if (!m || source.length > 100) {
    const shown = source.length > 30 ? `${source.slice(0, 30)}…` : source;
    return { ok: false, error: `"${shown}" is not a hit count; write a whole number, optionally after ==, >, >=, <, <= or % (e.g. "5", ">= 3", "% 2")` };
  }
  const n = Number(m[2]);
  if (m[1] === '%' && n === 0) return { ok: false, error: '"% 0" never matches; use "% 1" for every hit' };
  return { ok: true, test: (h) => HIT_TESTS[m[1] ?? '=='](h, n) };
}

const HIT_TESTS: Record<string, (hits: number, n: number) => boolean> = {
  '==': (h, n) => h === n,
  '>': (h, n) => h > n,
  '>=': (h, n) => h >= n,
  '<': (h, n) => h < n,
  '<=': (h, n) => h <= n,
  '%': (h, n) => h % n === 0,
};

/** A completion for the Debug Console. */
export interface Completion {
  label: string;
  kind: 'variable' | 'property' | 'function' | 'keyword';
}

/**
 * What can complete the end of `prefix` (the text before the cursor): scope
 * names, functions and keywords, or after `a.b.` the member names of `a.b`.
 * `start` is where the word being completed begins in `prefix`.
 */
export function completions(scope: object, prefix: string): { start: number; items: Completion[] } {
  const lexed = prefix.length <= MAX_SOURCE_LENGTH ? tokenize(prefix) : undefined;
  if (!lexed?.ok) return { start: prefix.length, items: [] };
  const tokens = lexed.tokens.slice(0, -1);
  let last = tokens.length - 1;
  let word = '';
  if (tokens[last]?.kind === 'name' && tokens[last].start + tokens[last].text.length === prefix.length) word = tokens[last--].text;
  const start = prefix.length - word.length;
  const path: string[] = [];
  while (tokens[last]?.text === '.' && tokens[last - 1]?.kind === 'name') {
    path.unshift(tokens[last - 1].text);
    last -= 2;
  }
  if (tokens[last]?.text === '.') return { start, items: [] };
  const matching = (names: Iterable<string>, kind: Completion['kind']): Completion[] =>
    [...names].filter((n) => n.toLowerCase().startsWith(word.toLowerCase()) && /^[A-Za-z_$][\w$]*$/.test(n) && !BLOCKED.has(n)).sort().map((label) => ({ label, kind }));
  if (path.length > 0) {
    let target = member(scope, path[0]);
    for (const k of path.slice(1)) target = member(target, k);
    const keys = target !== null && typeof target === 'object' && !Array.isArray(target) ? Object.keys(target) : [];
    return { start, items: matching(keys, 'property') };
  }
  return { start, items: [...matching(Object.keys(scope), 'variable'), ...matching(FUNCTION_NAMES, 'function'), ...matching(KEYWORDS, 'keyword')] };
}
