/**
 * Line numbers for JSON text: `JSON.parse` keeps no positions, but a table
 * problem is only actionable when it names the line to fix.
 */

/** 1-based line of a UTF-16 offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Whether parsing `text.slice(0, length)` failed only because the text ended. */
function endsEarly(message: string, length: number): boolean {
  if (/Unexpected end of JSON input/.test(message)) return true;
  const at = /at position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= length;
}

/**
 * Where `JSON.parse(text)` failed, as an offset. V8 names the position for
 * some errors only; otherwise the longest prefix that is still "valid so far"
 * is found by bisection (a few dozen parses, linear each).
 */
export function jsonErrorOffset(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  if (endsEarly(message, text.length)) return text.length;
  let lo = 0; // a prefix of this length only runs out
  let hi = text.length; // a prefix of this length holds the error
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    let early = true;
    try {
      JSON.parse(text.slice(0, mid));
    } catch (e) {
      early = endsEarly((e as Error).message, mid);
    }
    if (early) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** The short reason of a `JSON.parse` error, without V8's echo of the input. */
export function jsonErrorReason(message: string): string {
  return message
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ is not valid JSON$/, '')
    // "Unexpected token '\n'" names a raw newline; spell it so the message stays one line.
    .replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1));
}

/**
 * The 1-based line of each key of a top-level JSON object, in text order
 * (a key written twice appears twice). Assumes `text` is valid JSON.
 */
export function topLevelKeys(text: string): { key: string; line: number }[] {
  const keys: { key: string; line: number }[] = [];
  let depth = 0;
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    else if (c === 0x22) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth === 1 && expectKey) keys.push({ key: JSON.parse(text.slice(start, i + 1)) as string, line });
      expectKey = false;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      expectKey = depth === 1 && c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 1) expectKey = true;
  }
  return keys;
}
