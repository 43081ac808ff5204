/**
 * The debugger's expression language (docs/debugging.md, "Expressions"):
 * breakpoint conditions, hit counts, logpoints, Watch and the Debug Console
 * all read the scope of a stop through it. Pure: a recursive-descent parser
 * and a tree walker that treat every input as hostile (length, depth, step and
 * regex guards; prototype keys read as null) and report problems as values.
 */
import { createContext, Script, type Context } from 'node:vm';
import { scanPattern, tokenize, type Token } from './expr-lexer';

/** A value of the language: what scope values read as. */
export type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value };

/** A parsed expression, ready for `evaluate`. */
export interface Compiled {
  readonly source: string;
  /** The scope names it reads (unknown ones evaluate to null; an adapter may warn). */
  readonly names: readonly string[];
  readonly root: Node;
}

/** A compiled expression, or what was expected and where (1-based column). */
export type CompileResult = { ok: true; expr: Compiled } | { ok: false; error: string; column: number };
/** An evaluated value, or why evaluation failed. */
export type EvalResult = { ok: true; value: Value } | { ok: false; error: string };

/** Longest expression source, in characters. */
export const MAX_SOURCE_LENGTH = 2000;
/** Deepest nesting of parentheses, brackets, calls and prefix operators. */
export const MAX_DEPTH = 32;
/** Longest `matches` pattern, in characters. */
export const MAX_PATTERN_LENGTH = 200;
/** Longest string `matches` tests, in characters. */
export const MAX_MATCH_SUBJECT = 10_000;
/** How long a `matches` with several open-ended repeats may run. */
export const MATCH_TIME_LIMIT_MS = 50;
const MAX_COMPARE_STEPS = 100_000;
const MAX_STRING = 1_000_000;

type Node =
  | { k: 'lit'; v: Value }
  | { k: 'name'; name: string }
  | { k: 'get'; obj: Node; key: Node; at: number }
  | { k: 'list'; items: Node[] }
  | { k: 'not' | 'neg'; arg: Node; at: number }
  | { k: 'bin'; op: string; left: Node; right: Node; at: number; re?: Pattern }
  | { k: 'call'; fn: string; args: Node[]; at: number };

interface Pattern {
  re: RegExp;
  /** Run under a time limit (see `test`). */
  timed: boolean;
}

/** An error at a source offset; thrown inside this module only. */
class ExprError extends Error {
  constructor(readonly at: number, message: string) {
    super(message);
  }
}
function fail(at: number, message: string): never {
  throw new ExprError(at, message);
}

const WORD_OPS = new Set(['contains', 'startsWith', 'endsWith', 'matches', 'in']);
const LITERALS = new Map<string, Value>([['true', true], ['false', false], ['null', null]]);
/** Binary operators from loosest to tightest; comparisons (index 2) do not chain. */
const LEVELS = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', ...WORD_OPS], ['+', '-'], ['*', '/']];
/** Keys that would reach Object.prototype: they read as null whatever the object holds. */
/** Keys that never read through to an object's prototype. */
export const BLOCKED: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses `source`; unknown names are accepted (they read as null), unknown functions are not. */
export function compileExpression(source: string): CompileResult {
  if (source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, error: `column 1: the expression is ${source.length} characters long; the limit is ${MAX_SOURCE_LENGTH}`, column: 1 };
  }
  const lexed = tokenize(source);
  if (!lexed.ok) return { ok: false, error: `column ${lexed.at + 1}: ${lexed.error}`, column: lexed.at + 1 };
  try {
    const parser = new Parser(lexed.tokens);
    const root = parser.parse();
    return { ok: true, expr: { source, names: [...parser.names], root } };
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    return { ok: false, error: `column ${e.at + 1}: ${e.message}`, column: e.at + 1 };
  }
}

class Parser {
  readonly names = new Set<string>();
  private i = 0;
  private depth = 0;
  /** The last operator consumed, for "expected a value after …". */
  private after = '';
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const root = this.binary(0);
    const t = this.peek();
    if (t.kind !== 'end') fail(t.start, `expected an operator or the end, found ${show(t)}`);
    return root;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }
  private take(): Token {
    const t = this.tokens[this.i++];
    this.after = t.kind === 'op' || WORD_OPS.has(t.text) ? t.text : '';
    return t;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private expect(text: string, opener: Token): void {
    if (this.isOp(text)) this.take();
    else fail(this.peek().start, `expected "${text}" to close "${opener.text}" at column ${opener.start + 1}, found ${show(this.peek())}`);
  }
  private nest<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) fail(at, `nesting is deeper than ${MAX_DEPTH} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private binary(level: number): Node {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    let chained = false;
    for (let t = this.peek(); (t.kind === 'op' || t.kind === 'name') && LEVELS[level].includes(t.text); t = this.peek()) {
      if (level === 2 && chained) fail(t.start, `comparisons do not chain; join them with "&&"`);
      this.take();
      const right = this.binary(level + 1);
      left = { k: 'bin', op: t.text, left, right, at: t.start };
      if (t.text === 'matches' && right.k === 'lit') left.re = regex(right.v, t.start);
      chained = true;
    }
    return left;
  }

  private unary(): Node {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '!' || t.text === '-')) {
      this.take();
      const arg = this.nest(t.start, () => this.unary());
      if (t.text === '-' && arg.k === 'lit' && typeof arg.v === 'number') return { k: 'lit', v: -arg.v };
      return { k: t.text === '!' ? 'not' : 'neg', arg, at: t.start };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '.' && t.text !== '[')) return node;
      this.take();
      if (t.text === '.') {
        const name = this.peek();
        if (name.kind !== 'name') fail(name.start, `expected a member name after ".", found ${show(name)}`);
        this.take();
        node = { k: 'get', obj: node, key: { k: 'lit', v: name.text }, at: name.start };
      } else {
        const key = this.nest(t.start, () => this.binary(0));
        this.expect(']', t);
        node = { k: 'get', obj: node, key, at: t.start };
      }
    }
  }

  private primary(): Node {
    const t = this.peek();
    if (t.kind === 'num' || t.kind === 'str') {
      this.take();
      return { k: 'lit', v: t.value as Value };
    }
    if (t.kind === 'name' && !WORD_OPS.has(t.text)) {
      this.take();
      if (LITERALS.has(t.text)) return { k: 'lit', v: LITERALS.get(t.text) as Value };
      if (!this.isOp('(')) {
        this.names.add(t.text);
        return { k: 'name', name: t.text };
      }
      const fn = FUNCTIONS.get(t.text);
      if (fn === undefined) fail(t.start, `unknown function "${t.text}"; the functions are ${[...FUNCTIONS.keys()].join(', ')}`);
      const args = this.nest(t.start, () => this.list(this.take(), ')'));
      if (args.length < fn.min || args.length > fn.max) {
        const n = fn.min === fn.max ? `${fn.min}` : fn.max === Infinity ? `at least ${fn.min}` : `${fn.min} or ${fn.max}`;
        fail(t.start, `${t.text}() takes ${n} argument${fn.max === 1 || fn.max === Infinity ? '' : 's'}, got ${args.length}`);
      }
      return { k: 'call', fn: t.text, args, at: t.start };
    }
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) {
      this.take();
      if (t.text === '[') return { k: 'list', items: this.nest(t.start, () => this.list(t, ']')) };
      const inner = this.nest(t.start, () => this.binary(0));
      this.expect(')', t);
      return inner;
    }
    const found = t.kind === 'end' ? '' : `, found ${show(t)}`;
    fail(t.start, this.after ? `expected a value after "${this.after}"${found}` : `expected a value${found}`);
  }

  /** Comma-separated expressions up to `close`; the opener is already taken. */
  private list(opener: Token, close: string): Node[] {
    const items: Node[] = [];
    if (this.isOp(close)) {
      this.take();
      return items;
    }
    for (;;) {
      items.push(this.binary(0));
      if (!this.isOp(',')) break;
      this.take();
    }
    this.expect(close, opener);
    return items;
  }
}

function show(t: Token): string {
  return t.kind === 'end' ? 'the end' : `"${t.text.length > 20 ? `${t.text.slice(0, 20)}…` : t.text}"`;
}

interface Env {
  scope: object;
  /** Value comparisons so far, and where the current one is (for its error). */
  steps: number;
  at: number;
}

/** Evaluates a compiled expression over a scope; never throws. */
export function evaluate(expr: Compiled, scope: object): EvalResult {
  const cx: Env = { scope, steps: 0, at: 0 };
  try {
    return { ok: true, value: run(expr.root, cx) };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: `column ${e.at + 1}: ${e.message}` };
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function run(n: Node, cx: Env): Value {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'name':
      return member(cx.scope, n.name);
    case 'list':
      return n.items.map((x) => run(x, cx));
    case 'get':
      return index(run(n.obj, cx), run(n.key, cx));
    case 'not':
      return !isTruthy(run(n.arg, cx));
    case 'neg': {
      const v = run(n.arg, cx);
      return typeof v === 'number' ? -v : fail(n.at, `"-" needs a number, got ${typeName(v)}`);
    }
    case 'call':
      return (FUNCTIONS.get(n.fn) as Builtin).run(n.args.map((a) => run(a, cx)), n.at);
    case 'bin':
      if (n.op === '&&') return isTruthy(run(n.left, cx)) && isTruthy(run(n.right, cx));
      if (n.op === '||') return isTruthy(run(n.left, cx)) || isTruthy(run(n.right, cx));
      return binary(n, run(n.left, cx), run(n.right, cx), cx);
  }
}

function binary(n: Extract<Node, { k: 'bin' }>, a: Value, b: Value, cx: Env): Value {
  cx.at = n.at;
  switch (n.op) {
    case '==':
      return same(a, b, cx, 0);
    case '!=':
      return !same(a, b, cx, 0);
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return false;
      return n.op === '<' ? a < b : n.op === '<=' ? a <= b : n.op === '>' ? a > b : a >= b;
    case 'in':
      return has(b, a, cx);
    case 'contains':
      return has(a, b, cx);
    case 'startsWith':
      return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
    case 'endsWith':
      return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
    case 'matches':
      if (typeof a !== 'string') return false;
      if (a.length > MAX_MATCH_SUBJECT) fail(n.at, `"matches" tests strings of up to ${MAX_MATCH_SUBJECT} characters; this one has ${a.length}`);
      return test(n.re ?? regex(b, n.at), a, n.at);
  }
  if (n.op === '+' && (typeof a === 'string' || typeof b === 'string')) {
    const text = (v: Value) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
    const [x, y] = [text(a), text(b)];
    if (x === undefined || y === undefined) fail(n.at, `"+" joins a string with a string, number or boolean, not ${typeName(a)} and ${typeName(b)}`);
    if (x.length + y.length > MAX_STRING) fail(n.at, `the joined string would be longer than ${MAX_STRING} characters`);
    return x + y;
  }
  if (typeof a !== 'number' || typeof b !== 'number') fail(n.at, `"${n.op}" needs two numbers, got ${typeName(a)} and ${typeName(b)}`);
  if (n.op === '/' && b === 0) fail(n.at, 'division by zero');
  const r = n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b;
  return Number.isFinite(r) ? r : fail(n.at, `the result of "${n.op}" is too large`);
}

/** Equality by value: same type and same contents (arrays in order, objects by key). */
function same(a: Value, b: Value, cx: Env, depth: number): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  // Scope values may be cyclic or huge: bound the walk.
  if (++cx.steps > MAX_COMPARE_STEPS || depth > MAX_DEPTH) fail(cx.at, 'the values are too deep or too large to compare');
  if (Array.isArray(a)) return a.length === (b as Value[]).length && a.every((x, i) => same(toValue(x), toValue((b as Value[])[i]), cx, depth + 1));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(member(a, k), member(b, k), cx, depth + 1));
}

/** `x in container` / `container contains x`: element of an array, key of an object, substring of a string. */
function has(container: Value, x: Value, cx: Env): boolean {
  if (typeof container === 'string') return typeof x === 'string' && container.includes(x);
  if (Array.isArray(container)) return container.some((e) => same(toValue(e), x, cx, 0));
  if (container !== null && typeof container === 'object') return typeof x === 'string' && !BLOCKED.has(x) && Object.hasOwn(container, x);
  return false;
}

/** An own property of an object, as a Value; anything else reads as null. */
/** An own member of a value, or null (blocked keys always null). */
export function member(obj: unknown, key: string): Value {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || BLOCKED.has(key) || !Object.hasOwn(obj, key)) return null;
  return toValue((obj as Record<string, unknown>)[key]);
}

function index(obj: Value, key: Value): Value {
  if (typeof key === 'string') return member(obj, key);
  if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return null;
  if (typeof obj === 'string') return key < obj.length ? obj[key] : null;
  return Array.isArray(obj) && key < obj.length ? toValue(obj[key]) : null;
}

/** What a host value reads as: undefined, functions and symbols as null. */
export function toValue(x: unknown): Value {
  if (x === undefined || typeof x === 'function' || typeof x === 'symbol') return null;
  if (typeof x === 'bigint') return Number(x);
  return x as Value;
}

function typeName(v: Value): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** False for null, false, 0, NaN, "", [] and {}; true for everything else. */
export function isTruthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

interface Builtin {
  min: number;
  max: number;
  run(args: Value[], at: number): Value;
}

function numberArg(name: string, v: Value, at: number): number {
  return typeof v === 'number' ? v : fail(at, `${name}() needs a number, got ${typeName(v)}`);
}
function caseFn(name: string, f: (s: string) => string): Builtin {
  return { min: 1, max: 1, run: ([s], at) => (s === null ? null : typeof s === 'string' ? f(s) : fail(at, `${name}() needs a string, got ${typeName(s)}`)) };
}
function extreme(name: string, pick: (...xs: number[]) => number): Builtin {
  return {
    min: 1,
    max: Infinity,
    run(args, at) {
      const xs = args.length === 1 && Array.isArray(args[0]) ? (args[0] as Value[]).map(toValue) : args;
      return xs.length === 0 ? null : pick(...xs.map((x) => numberArg(name, x, at)));
    },
  };
}

const FUNCTIONS = new Map<string, Builtin>([
  ['len', { min: 1, max: 1, run: ([x], at) => (x === null ? 0 : typeof x === 'string' || Array.isArray(x) ? x.length : typeof x === 'object' ? Object.keys(x).length : fail(at, `len() needs a string, array or object, got ${typeName(x)}`)) }],
  ['lower', caseFn('lower', (s) => s.toLowerCase())],
  ['upper', caseFn('upper', (s) => s.toUpperCase())],
  ['abs', { min: 1, max: 1, run: ([x], at) => Math.abs(numberArg('abs', x, at)) }],
  ['round', {
    min: 1,
    max: 2,
    run([x, d = 0], at) {
      const digits = numberArg('round', d, at);
      if (!Number.isInteger(digits) || digits < 0 || digits > 10) fail(at, 'round() takes 0 to 10 digits');
      const f = 10 ** digits;
      return Math.round(numberArg('round', x, at) * f) / f;
    },
  }],
  ['min', extreme('min', Math.min)],
  ['max', extreme('max', Math.max)],
]);

/** A `matches` pattern as a RegExp; refused when it could backtrack exponentially. */
function regex(pattern: Value, at: number): Pattern {
  if (typeof pattern !== 'string') fail(at, `"matches" needs a pattern string, got ${typeName(pattern)}`);
  if (pattern.length > MAX_PATTERN_LENGTH) fail(at, `the pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
  const insensitive = pattern.startsWith('(?i)');
  const body = insensitive ? pattern.slice(4) : pattern;
  const shape = scanPattern(body);
  if (shape.refused) fail(at, `the pattern ${JSON.stringify(pattern)} ${shape.refused}`);
  try {
    return { re: new RegExp(body, insensitive ? 'i' : ''), timed: shape.openRepeats > 1 };
  } catch (e) {
    return fail(at, `the pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message})`);
  }
}

let sandbox: { context: Context; script: Script } | undefined;
/**
 * Tests a pattern; one with several open-ended repeats (`a.*b.*c`) can take
 * polynomial time, so it runs under a time limit (a V8 interrupt, the only way
 * to stop a RegExp).
 */
function test(p: Pattern, s: string, at: number): boolean {
  if (!p.timed) return p.re.test(s);
  sandbox ??= { context: createContext({}), script: new Script('re.test(s)') };
  Object.assign(sandbox.context, { re: p.re, s });
  try {
    return sandbox.script.runInContext(sandbox.context, { timeout: MATCH_TIME_LIMIT_MS }) === true;
  } catch {
    return fail(at, `the pattern took longer than ${MATCH_TIME_LIMIT_MS} ms; use fewer "*" and "+"`);
  }
}

/** Names the Debug Console completes besides the scope's: the functions, and the word literals and operators. */
export const FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys()];
export const KEYWORDS: readonly string[] = [...LITERALS.keys(), ...WORD_OPS];
