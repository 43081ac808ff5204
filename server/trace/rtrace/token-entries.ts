/**
 * Parsing the lines of the generated-token sections: a token of
 * `[tokens thinking-N]` and an intervention of `[interventions]`. Each
 * parser records its problems and never throws; a section of thousands of
 * lines costs one pass per line and no regex compilation.
 */
import type { Problem } from '../model';
import { parseAlternatives, reject } from './entries';
import { skipBlanks, skipWord, trimmedLength, type SourceLine } from './lines';
import { listNames, problem } from './problem';
import { parseNumber, readJsonString } from './scalars';
import { ID_PATTERN, INTERVENTION_KINDS, labelSample, type InterventionKind } from './spec';
import type { InterventionNode, InvalidNode, TokenNode } from './tree';

const TOKEN_FORM = 'A token line is an optional step id, the token\'s text as a JSON string, its log-probability, then its top-k alternatives `"token"=probability`, e.g. `c1 " dog" -0.105 " dog"=0.9 " cat"=0.05`.';
const TOKEN_EXAMPLE = 'c1 " dog" -0.105 " dog"=0.9 " cat"=0.05';
const INTERVENTION_FORM = 'An intervention line is `thinking-N INDEX KIND "ORIGINAL" LOGPROB id=ID -> "FORCED" ids=ID,ID`, KIND `token` or `text`, e.g. `thinking-1 37 token " cats" -0.886 id=9245 -> " dogs" ids=1234`.';

/** A log-probability: a number ≤ 0, `-inf` included. */
function isLogprob(x: number): boolean {
  return x <= 0;
}

/** Parse a line of `[tokens thinking-N]`: `[STEP] "TEXT" LOGPROB ["ALT"=PROB …]`. */
export function parseTokenLine(line: SourceLine, problems: Problem[]): TokenNode | InvalidNode {
  const { text, start } = line;
  const end = trimmedLength(text);
  let i = skipBlanks(text, 0, end);
  let step: string | undefined;
  let stepSpan: { start: number; end: number } | undefined;
  if (text.charCodeAt(i) !== 34) {
    const wEnd = skipWord(text, i, end);
    const word = text.slice(i, wEnd);
    if (!ID_PATTERN.test(word)) return reject(line, i, 'rtrace/bad-token', `\`${word}\` is not a step id. ${TOKEN_FORM}`, problems);
    step = word;
    stepSpan = { start: start + i, end: start + wEnd };
    i = skipBlanks(text, wEnd, end);
  }
  const s = readJsonString(text, i, end);
  if (!s) {
    const what = i >= end ? 'The token\'s text is missing.' : 'The token\'s text must be a JSON string literal, in double quotes with `\\"`, `\\\\`, `\\n`, `\\uXXXX` escapes.';
    return reject(line, i, 'rtrace/bad-token', `${what} ${TOKEN_FORM}`, problems);
  }
  const vStart = skipBlanks(text, s.end, end);
  const vEnd = skipWord(text, vStart, end);
  if (vStart === s.end && vStart < end) return reject(line, s.end, 'rtrace/bad-token', `Put a blank between the token's text and its log-probability. ${TOKEN_FORM}`, problems);
  const logprob = vStart < vEnd ? parseNumber(text.slice(vStart, vEnd)) : undefined;
  if (logprob === undefined) {
    const what = vStart < vEnd ? `\`${text.slice(vStart, vEnd)}\` is not a log-probability.` : 'The log-probability is missing.';
    return reject(line, vStart < end ? vStart : i, 'rtrace/bad-token', `${what} ${TOKEN_FORM}`, problems);
  }
  if (!isLogprob(logprob)) problems.push(problem(start + vStart, start + vEnd, 'rtrace/bad-value', 'A log-probability is a number ≤ 0 (`-inf` for probability 0).'));
  const alts = parseAlternatives(text, start, skipBlanks(text, vEnd, end), end, problems, TOKEN_EXAMPLE);
  for (const a of alts.tokens) if (!(a.prob >= 0 && a.prob <= 1)) problems.push(problem(a.span.start, a.span.end, 'rtrace/bad-value', 'A probability is a number from 0 to 1.'));
  const node: TokenNode = { kind: 'token', lines: [line], span: { start: start + skipBlanks(text, 0, end), end: start + end }, text: s.value, textSpan: { start: start + i, end: start + s.end }, logprob, top: alts.tokens };
  if (step !== undefined) {
    node.step = step;
    node.stepSpan = stepSpan;
  }
  return node;
}

/** Parse `KEY=1,2,3` from a word; undefined when malformed. */
function parseIds(word: string, key: string): number[] | undefined {
  if (!word.startsWith(key + '=')) return undefined;
  const parts = word.slice(key.length + 1).split(',');
  const ids: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p) || !Number.isSafeInteger(Number(p))) return undefined;
    ids.push(Number(p));
  }
  return ids;
}

/** Parse a line of `[interventions]`: `thinking-N INDEX KIND "ORIGINAL" LOGPROB [id=ID] -> "FORCED" [ids=ID,…]`. */
export function parseInterventionLine(line: SourceLine, problems: Problem[]): InterventionNode | InvalidNode {
  const { text, start } = line;
  const end = trimmedLength(text);
  const fail = (at: number, what: string): InvalidNode => reject(line, at, 'rtrace/bad-intervention', `${what} ${INTERVENTION_FORM}`, problems);
  const next = (from: number): [number, number] => {
    const a = skipBlanks(text, from, end);
    return [a, skipWord(text, a, end)];
  };

  const [lStart, lEnd] = next(0);
  const label = text.slice(lStart, lEnd);
  const sample = labelSample(label);
  if (sample === undefined) return fail(lStart, `\`${label}\` does not name a thinking sample (\`thinking-1\`, \`thinking-2\`, …).`);
  const [iStart, iEnd] = next(lEnd);
  const indexText = text.slice(iStart, iEnd);
  if (!/^[0-9]+$/.test(indexText) || !Number.isSafeInteger(Number(indexText))) return fail(iStart, 'The index, the position of the forced token in the sample\'s tokens (0-based), is a whole number.');
  const [kStart, kEnd] = next(iEnd);
  const kind = text.slice(kStart, kEnd) as InterventionKind;
  if (!INTERVENTION_KINDS.includes(kind)) return fail(kStart, `The kind is ${listNames(INTERVENTION_KINDS)}.`);

  const oStart = skipBlanks(text, kEnd, end);
  const original = readJsonString(text, oStart, end);
  if (!original) return fail(oStart, 'The original token\'s text is a JSON string.');
  const [pStart, pEnd] = next(original.end);
  const logprob = parseNumber(text.slice(pStart, pEnd));
  if (logprob === undefined || pStart === original.end) return fail(pStart, 'The original token\'s text is followed by a blank and its log-probability.');
  if (!isLogprob(logprob)) problems.push(problem(start + pStart, start + pEnd, 'rtrace/bad-value', 'A log-probability is a number ≤ 0 (`-inf` for probability 0).'));

  let [wStart, wEnd] = next(pEnd);
  let id: number | undefined;
  if (text.startsWith('id=', wStart)) {
    id = parseIds(text.slice(wStart, wEnd), 'id')?.[0];
    if (id === undefined || text.slice(wStart, wEnd).includes(',')) return fail(wStart, '`id=` takes the original token\'s id, a whole number.');
    [wStart, wEnd] = next(wEnd);
  }
  if (text.slice(wStart, wEnd) !== '->') return fail(wStart, 'The original token is followed by `->` and the forced text.');

  const fStart = skipBlanks(text, wEnd, end);
  const forced = readJsonString(text, fStart, end);
  if (!forced) return fail(fStart, 'The forced text is a JSON string.');
  const node: InterventionNode = {
    kind: 'intervention',
    lines: [line],
    span: { start: start + lStart, end: start + end },
    label,
    labelSpan: { start: start + lStart, end: start + lEnd },
    sample,
    index: Number(indexText),
    interventionKind: kind,
    original: { text: original.value, logprob, span: { start: start + oStart, end: start + original.end } },
    forced: { text: forced.value, span: { start: start + fStart, end: start + forced.end } },
  };
  if (id !== undefined) node.original.id = id;
  const [xStart, xEnd] = next(forced.end);
  if (xStart < end) {
    const ids = xStart > forced.end ? parseIds(text.slice(xStart, xEnd), 'ids') : undefined;
    if (!ids || xEnd < end) return fail(xStart, 'The forced text may be followed by `ids=` and the forced token ids, separated by commas; nothing else.');
    node.forced.ids = ids;
    if (kind === 'token' && ids.length !== 1) problems.push(problem(start + xStart, start + xEnd, 'rtrace/bad-intervention', 'A `token` intervention forces one token: give one id, or make it a `text` intervention.', 'warning'));
  }
  return node;
}
