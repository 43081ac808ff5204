/**
 * The prologue of an `.rtrace` document: the `%rtrace N` version line and
 * the `key: value` header fields, with their values checked.
 */
import type { Problem } from '../model';
import { skipBlanks, skipWord, trimmedLength, type SourceLine } from './lines';
import { listNames, problem } from './problem';
import { parseLooseValue, parseScalar, readJsonString } from './scalars';
import { DECODING_KEYS, EXTENSION_KEY_PREFIX, HEADER_KEYS, MODES, RTRACE_VERSION, VERSION_DIRECTIVE, type Mode } from './spec';
import type { DecodingEntry, FieldNode, InvalidNode, VersionNode } from './tree';

const FIELD = /^([A-Za-z][A-Za-z0-9_-]*)[ \t]*:/;

/** Whether a line is a `%rtrace` directive (wherever it stands). */
export function isVersionLine(text: string): boolean {
  return text.startsWith(VERSION_DIRECTIVE) && (text.length === VERSION_DIRECTIVE.length || text[VERSION_DIRECTIVE.length] === ' ' || text[VERSION_DIRECTIVE.length] === '\t');
}

/** Parse the `%rtrace N` line; the caller has checked `isVersionLine`. */
export function parseVersionLine(line: SourceLine, problems: Problem[]): VersionNode {
  const { text, start } = line;
  const end = trimmedLength(text);
  const vStart = skipBlanks(text, VERSION_DIRECTIVE.length, end);
  const vEnd = skipWord(text, vStart, end);
  const token = text.slice(vStart, vEnd);
  const node: VersionNode = {
    kind: 'version',
    lines: [line],
    span: { start, end: start + end },
    versionSpan: { start: start + vStart, end: start + vEnd },
  };
  if (token === '') {
    problems.push(problem(start, start + end, 'rtrace/version', `The version line names no version: write \`${VERSION_DIRECTIVE} ${RTRACE_VERSION}\`.`));
  } else if (!/^[0-9]+$/.test(token)) {
    problems.push(problem(start + vStart, start + vEnd, 'rtrace/version', `\`${token}\` is not a format version: write \`${VERSION_DIRECTIVE} ${RTRACE_VERSION}\`.`));
  } else {
    node.version = Number(token);
    if (node.version !== RTRACE_VERSION) {
      problems.push(
        problem(
          start + vStart,
          start + vEnd,
          'rtrace/version',
          `This file is rtrace version ${token}, but this reader understands version ${RTRACE_VERSION}; parts of it may be misread. Update RecLens, or rewrite the file as version ${RTRACE_VERSION}.`,
        ),
      );
    }
  }
  if (vEnd < end) {
    problems.push(problem(start + vEnd, start + end, 'rtrace/syntax', `Unexpected text after the version; the line is just \`${VERSION_DIRECTIVE} ${RTRACE_VERSION}\`.`));
  }
  return node;
}

/** Parse a `key: value` header line, checking the key and, for `mode` and `decoding`, the value. */
export function parseFieldLine(line: SourceLine, problems: Problem[]): FieldNode | InvalidNode {
  const { text, start } = line;
  const end = trimmedLength(text);
  const span = { start, end: start + end };
  const m = FIELD.exec(text);
  if (!m) {
    problems.push(
      problem(start, start + end, 'rtrace/syntax', 'Expected a header field `key: value` (e.g. `user: u123`) or a section such as `[history]`; a comment line starts with `#`.'),
    );
    return { kind: 'invalid', lines: [line], span };
  }
  const key = m[1];
  const vStart = skipBlanks(text, m[0].length, end);
  const value = text.slice(vStart, end);
  const node: FieldNode = {
    kind: 'field',
    lines: [line],
    span,
    key,
    keySpan: { start, end: start + key.length },
    value,
    valueSpan: { start: start + vStart, end: start + end },
  };
  const known = (HEADER_KEYS as readonly string[]).includes(key);
  if (!known && !key.startsWith(EXTENSION_KEY_PREFIX)) {
    const lower = key.toLowerCase();
    const hint = (HEADER_KEYS as readonly string[]).includes(lower) ? ` Keys are lower case: write \`${lower}\`.` : '';
    problems.push(
      problem(start, start + key.length, 'rtrace/unknown-header-key', `Unknown header key \`${key}\`.${hint} Known keys: ${listNames(HEADER_KEYS)}; keys starting with \`${EXTENSION_KEY_PREFIX}\` are free-form.`),
    );
  } else if (known && value === '' && key !== 'decoding') {
    problems.push(problem(start, start + end, 'rtrace/bad-value', `The header field \`${key}\` has no value; give one or delete the line.`, 'warning'));
  }
  if (key === 'mode' && value !== '') {
    if ((MODES as readonly string[]).includes(value)) node.mode = value as Mode;
    else problems.push(problem(start + vStart, start + end, 'rtrace/bad-value', `Unknown mode \`${value}\`; write ${listNames(MODES)}.`));
  }
  if (key === 'decoding') node.decoding = parseDecoding(text, start, vStart, end, problems);
  return node;
}

/** Parse `temperature=0.7 top_k=50 …` (JSON-quoted values may hold spaces). */
function parseDecoding(text: string, base: number, from: number, end: number, problems: Problem[]): DecodingEntry[] {
  const entries: DecodingEntry[] = [];
  let i = skipBlanks(text, from, end);
  while (i < end) {
    const eq = text.indexOf('=', i);
    const wordEnd = skipWord(text, i, end);
    if (eq < 0 || eq >= wordEnd || eq === i) {
      problems.push(problem(base + i, base + wordEnd, 'rtrace/syntax', `Expected \`key=value\` in the decoding settings, e.g. \`temperature=0.7 top_k=50\`; found \`${text.slice(i, wordEnd)}\`.`));
      i = skipBlanks(text, wordEnd, end);
      continue;
    }
    const key = text.slice(i, eq);
    const vStart = eq + 1;
    let vEnd: number;
    let token: string;
    const quoted = text.charCodeAt(vStart) === 34 ? readJsonString(text, vStart, end) : undefined;
    if (quoted) {
      vEnd = quoted.end;
      token = text.slice(vStart, vEnd);
    } else {
      vEnd = skipWord(text, vStart, end);
      token = text.slice(vStart, vEnd);
    }
    const keySpan = { start: base + i, end: base + eq };
    const valueSpan = { start: base + vStart, end: base + vEnd };
    const type = DECODING_KEYS[key];
    if (entries.some((e) => e.key === key)) {
      problems.push(problem(keySpan.start, valueSpan.end, 'rtrace/duplicate-header-key', `The decoding setting \`${key}\` is given twice; keep one.`));
    } else if (type === undefined) {
      problems.push(
        problem(keySpan.start, keySpan.end, 'rtrace/unknown-decoding-key', `Unknown decoding setting \`${key}\`; it is kept as written. Known settings: ${listNames(Object.keys(DECODING_KEYS), 'and')}.`, 'warning'),
      );
      entries.push({ key, keySpan, value: parseLooseValue(token), valueSpan });
    } else {
      const r = parseScalar(token, type);
      if (r.ok) entries.push({ key, keySpan, value: r.value, valueSpan });
      else problems.push(problem(token === '' ? keySpan.start : valueSpan.start, valueSpan.end, 'rtrace/bad-value', `\`${key}\` must be ${r.expected}; found \`${token}\`.`));
    }
    i = skipBlanks(text, vEnd, end);
  }
  return entries;
}
