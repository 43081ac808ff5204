/**
 * The scanners of the debugger's expression language (docs/debugging.md,
 * "Expressions"): its tokens (numbers, JSON-escaped strings in either quote,
 * names, operators) and the shape of its `matches` patterns. Positions are
 * offsets into the source; errors are values.
 */

/** One token; `start` is its offset in the source. */
export interface Token {
  kind: 'num' | 'str' | 'name' | 'op' | 'end';
  /** The source text (for strings, the decoded value is in `value`). */
  text: string;
  value?: string | number;
  start: number;
}

/** Tokens ending with an `end` token, or what is wrong and where. */
export type Lexed = { ok: true; tokens: Token[] } | { ok: false; error: string; at: number };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '(', ')', '[', ']', ',', '.'];
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_$][\w$]*/y;
const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/** Characters people type from other languages, and what this one spells instead. */
const HINTS: Record<string, string> = {
  '=': 'expected "==" to compare (a single "=" is not an operator)',
  '&': 'expected "&&"',
  '|': 'expected "||"',
};

/** Splits `source` into tokens. */
export function tokenize(source: string): Lexed {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const num = sticky(NUMBER, source, i);
    if (num !== undefined) {
      const value = Number(num);
      if (!Number.isFinite(value)) return { ok: false, error: `the number ${num} is too large`, at: start };
      if (/[\w$]/.test(source[i + num.length] ?? '')) return { ok: false, error: `expected an operator after the number ${num}`, at: i + num.length };
      tokens.push({ kind: 'num', text: num, value, start });
      i += num.length;
      continue;
    }
    const name = sticky(NAME, source, i);
    if (name !== undefined) {
      tokens.push({ kind: 'name', text: name, start });
      i += name.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = readString(source, i);
      if ('error' in s) return { ok: false, error: s.error, at: s.at };
      tokens.push({ kind: 'str', text: source.slice(i, s.end), value: s.value, start });
      i = s.end;
      continue;
    }
    const op = OPS.find((o) => source.startsWith(o, i));
    if (op === undefined) return { ok: false, error: HINTS[c] ?? `unexpected character ${JSON.stringify(c)}`, at: start };
    tokens.push({ kind: 'op', text: op, start });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', start: source.length });
  return { ok: true, tokens };
}

function sticky(re: RegExp, source: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(source)?.[0];
}

/** A quoted string from `start` (the quote) with JSON escapes; `\'` too. */
function readString(source: string, start: number): { value: string; end: number } | { error: string; at: number } {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === quote) return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = source[i + 1] ?? '';
    if (e === 'u') {
      const hex = source.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { error: 'expected four hex digits after "\\u"', at: i };
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else if (Object.hasOwn(ESCAPES, e)) {
      value += ESCAPES[e];
      i += 2;
    } else {
      return { error: `unknown escape "\\${e}"; use \\" \\' \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX`, at: i };
    }
  }
  return { error: `unterminated string; add the closing ${quote}`, at: start };
}

/** What `scanPattern` found: why a pattern is refused, and how many open-ended repeats it has. */
export interface PatternShape {
  refused?: string;
  openRepeats: number;
}

/**
 * The backtracking risk of a regular expression, read without running it.
 * Refused: a backreference, or a repeated group that itself holds a
 * quantifier or an alternation (`(a+)+`, `(a|aa)*`), which can take
 * exponential time. Open-ended repeats (`*`, `+`, `{n,}`) are counted: two
 * or more can still take polynomial time on a long string.
 */
export function scanPattern(p: string): PatternShape {
  const groups = [{ quantified: false, alternation: false }];
  let openRepeats = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    let atomEnd = i;
    if (c === '\\') {
      if (/[1-9k]/.test(p[i + 1] ?? '')) return { refused: 'uses a backreference, which is not allowed', openRepeats };
      atomEnd = i + 1;
    } else if (c === '[') {
      for (atomEnd = i + 1; atomEnd < p.length && p[atomEnd] !== ']'; atomEnd++) if (p[atomEnd] === '\\') atomEnd++;
    } else if (c === '(') {
      groups.push({ quantified: false, alternation: false });
      i += /^\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>)/.exec(p.slice(i + 1))?.[0].length ?? 0;
      continue;
    } else if (c === '|') {
      groups[groups.length - 1].alternation = true;
      continue;
    }
    const inner = c === ')' && groups.length > 1 ? groups.pop() : undefined;
    const q = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(p.slice(atomEnd + 1));
    const top = groups[groups.length - 1];
    if (inner) top.alternation ||= inner.alternation;
    if (inner?.quantified || q) top.quantified = true;
    if (!q) {
      i = atomEnd;
      continue;
    }
    const open = q[0] === '*' || q[0] === '+' || q[3] === '';
    if (inner && (open || Number(q[3] ?? q[1] ?? 1) > 1) && (inner.quantified || inner.alternation)) {
      const what = inner.quantified ? 'a quantifier' : '"|"';
      return { refused: `repeats a group that holds ${what}, which can take exponential time; rewrite it without the nesting`, openRepeats };
    }
    if (open) openRepeats++;
    i = atomEnd + q[0].length + (p[atomEnd + q[0].length + 1] === '?' ? 1 : 0);
  }
  return { openRepeats };
}
