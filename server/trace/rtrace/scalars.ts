/**
 * Scalar values in `.rtrace`: numbers (with `inf` / `-inf` / `nan`, since
 * log-probabilities can be minus infinity), booleans, and JSON-quoted
 * strings for values that contain spaces or would read as something else.
 */
import type { ScalarType } from './spec';

const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INTEGER = /^[+-]?[0-9]+$/;

/** Read a number token; `undefined` when it is not one. */
export function parseNumber(token: string): number | undefined {
  if (NUMBER.test(token)) return Number(token);
  switch (token) {
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  return undefined;
}

/** Write a number so that `parseNumber` reads back the same value. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Like `formatNumber`, in exponent notation when that is shorter (`4.751e-6`, not `0.000004751`): for token lines, thousands per file. */
export function formatShortNumber(n: number): string {
  const plain = formatNumber(n);
  if (!Number.isFinite(n) || n === 0) return plain;
  const exp = n.toExponential();
  return exp.length < plain.length ? exp : plain;
}

/** A typed value read from a token, or a message saying what was expected. */
export type ScalarResult = { ok: true; value: number | boolean } | { ok: false; expected: string };

/** Read a token as the given scalar type. */
export function parseScalar(token: string, type: ScalarType): ScalarResult {
  if (type === 'boolean') {
    if (token === 'true') return { ok: true, value: true };
    if (token === 'false') return { ok: true, value: false };
    return { ok: false, expected: '`true` or `false`' };
  }
  if (type === 'integer') {
    if (INTEGER.test(token)) return { ok: true, value: Number(token) };
    return { ok: false, expected: 'a whole number' };
  }
  const n = parseNumber(token);
  return n === undefined ? { ok: false, expected: 'a number (e.g. `0.7`, `-1.5e-3`, `-inf`)' } : { ok: true, value: n };
}

/** Read an untyped value: number, boolean, JSON string, or the token itself. */
export function parseLooseValue(token: string): string | number | boolean {
  if (token === 'true') return true;
  if (token === 'false') return false;
  const n = parseNumber(token);
  if (n !== undefined) return n;
  if (token.startsWith('"')) {
    const s = readJsonString(token, 0);
    if (s && s.end === token.length) return s.value;
  }
  return token;
}

/** Write an untyped value so that `parseLooseValue` reads back the same value. */
export function formatLooseValue(v: string | number | boolean): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  const plain = v !== '' && !/[\s"]/.test(v) && parseLooseValue(v) === v;
  return plain ? v : JSON.stringify(v);
}

/** Read a JSON string literal starting at `text[i] === '"'`; `undefined` when it is unterminated or invalid. */
export function readJsonString(text: string, i: number, end = text.length): { value: string; end: number } | undefined {
  if (text.charCodeAt(i) !== 34) return undefined;
  let j = i + 1;
  let plain = true;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      plain = false;
      j += 2;
    } else if (c === 34) break;
    else {
      if (c < 32) plain = false;
      j++;
    }
  }
  if (j >= end) return undefined;
  // Most strings have no escapes: slicing them keeps token sections of thousands of lines cheap.
  if (plain) return { value: text.slice(i + 1, j), end: j + 1 };
  try {
    const value: unknown = JSON.parse(text.slice(i, j + 1));
    return typeof value === 'string' ? { value, end: j + 1 } : undefined;
  } catch {
    return undefined;
  }
}
