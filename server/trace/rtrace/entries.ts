/**
 * Parsing the entry lines of `.rtrace` sections: steps (with continuation,
 * evidence and alternatives lines), history items, recommendations and
 * ground-truth items. Each parser records its problems and never throws.
 */
import type { Problem } from '../model';
import { skipBlanks, skipWord, trimmedLength, type SourceLine } from './lines';
import { listNames, problem } from './problem';
import { parseNumber, parseScalar, readJsonString } from './scalars';
import { BRANCHES, ID_PATTERN, REC_ATTRS, REC_FLAGS, type Branch } from './spec';
import type { AltLine, AltToken, HistoryNode, InvalidNode, RecNode, Ref, StepNode, TruthNode } from './tree';

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** The first two words of a line (`ID ITEM`, `RANK ITEM`), as offsets into it, and its trimmed end. */
function twoWords(text: string): { end: number; first: [number, number]; second: [number, number] } {
  const end = trimmedLength(text);
  const aStart = skipBlanks(text, 0, end);
  const aEnd = skipWord(text, aStart, end);
  const bStart = skipBlanks(text, aEnd, end);
  return { end, first: [aStart, aEnd], second: [bStart, skipWord(text, bStart, end)] };
}

/** Report a line that does not parse, from column `from` to its end, and keep it as an `invalid` node. */
export function reject(line: SourceLine, from: number, code: string, message: string, problems: Problem[]): InvalidNode {
  const span = { start: line.start, end: line.start + trimmedLength(line.text) };
  problems.push(problem(line.start + from, span.end, code, message));
  return { kind: 'invalid', lines: [line], span };
}

/**
 * Where the evidence clause of `text[from, to)` starts: the last `<-` that
 * follows a blank, or -1. Taking the last one lets step text contain `<-`
 * as long as the line ends with an evidence clause (possibly an empty `<-`).
 */
export function findArrow(text: string, from: number, to: number): number {
  let i = text.lastIndexOf('<-', to - 2);
  while (i >= from) {
    if (i > from ? isBlank(text.charCodeAt(i - 1)) : i === from) return i;
    i = i === 0 ? -1 : text.lastIndexOf('<-', i - 1);
  }
  return -1;
}

/** Parse the ids after `<-` in `text[from, to)`, separated by commas and/or blanks. */
export function parseRefs(text: string, base: number, from: number, to: number, problems: Problem[]): Ref[] {
  const refs: Ref[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 44 || isBlank(c)) {
      i++;
      continue;
    }
    let j = i;
    while (j < to && text.charCodeAt(j) !== 44 && !isBlank(text.charCodeAt(j))) j++;
    const id = text.slice(i, j);
    if (ID_PATTERN.test(id)) refs.push({ id, span: { start: base + i, end: base + j } });
    else
      problems.push(
        problem(
          base + i,
          base + j,
          'rtrace/bad-evidence',
          `\`${id}\` is not a step id. Evidence lists ids separated by commas, e.g. \`<- p1, h2\`. To keep a literal \`<-\` in the text, end the line with an empty \`<-\`.`,
        ),
      );
    i = j;
  }
  return refs;
}

/** Parse a step head line `p1 text <- h1, p2` (the caller has checked it is not indented). */
export function parseStepHead(line: SourceLine, problems: Problem[]): StepNode | InvalidNode {
  const { text, start } = line;
  const end = trimmedLength(text);
  const idEnd = skipWord(text, 0, end);
  const id = text.slice(0, idEnd);
  if (!ID_PATTERN.test(id)) {
    const hint = /^[A-Za-z]+[0-9]+[:.)]$/.test(id) ? ` Write the id without punctuation: \`${id.slice(0, -1)} …\`.` : '';
    return reject(line, 0, 'rtrace/bad-step', `A step line starts with its id (letters then digits, e.g. \`p1\`, \`c2\`), then the text and optional evidence \`<- h1, p2\`.${hint}`, problems);
  }
  const arrow = findArrow(text, idEnd, end);
  const textEnd = arrow < 0 ? end : trimmedLength(text.slice(0, arrow));
  const head = text.slice(skipBlanks(text, idEnd, textEnd), textEnd);
  return {
    kind: 'step',
    lines: [line],
    span: { start, end: start + end },
    id,
    idSpan: { start, end: start + idEnd },
    text: head,
    evidence: arrow < 0 ? [] : parseRefs(text, start, arrow + 2, end, problems),
    alternatives: [],
  };
}

/** Add an indented line to a step: more evidence (`<- …`), alternatives (`alt "tok"=0.5 …`) or more text. */
export function addContinuation(step: StepNode, line: SourceLine, problems: Problem[]): void {
  const { text, start } = line;
  const end = trimmedLength(text);
  const i = skipBlanks(text, 0, end);
  step.lines.push(line);
  step.span.end = start + end;
  if (text.startsWith('<-', i)) {
    step.evidence.push(...parseRefs(text, start, i + 2, end, problems));
  } else if (text.startsWith('alt', i) && isBlank(text.charCodeAt(i + 3)) && text.charCodeAt(skipBlanks(text, i + 3, end)) === 34) {
    step.alternatives.push(parseAlternatives(text, start, skipBlanks(text, i + 3, end), end, problems));
  } else {
    // A leading backslash escapes a text line that would otherwise read as `<-` or `alt "…"`.
    const escaped = text.charCodeAt(i) === 92;
    const arrow = escaped ? -1 : findArrow(text, i, end);
    if (arrow > i && /^<-[\s,]*[A-Za-z]+\d+(?:[\s,]+[A-Za-z]+\d+)*\s*$/.test(text.slice(arrow, end))) {
      // Looks like evidence but is text: only a step's first line or a line of its own carries evidence.
      problems.push(
        problem(start + arrow, start + end, 'rtrace/evidence-in-text', 'This `<- …` is read as step text: evidence goes at the end of the step\'s first line or on an indented line of its own starting with `<-`. Start the line with `\\` to keep it as text.', 'warning'),
      );
    }
    const content = text.slice(escaped ? i + 1 : i, end);
    step.text = step.text === '' ? content : step.text + '\n' + content;
  }
}

/** Parse `"tok"=0.61 "other"=0.22` from `text[from, end)`; `example` shows a whole line in messages. */
export function parseAlternatives(text: string, base: number, from: number, end: number, problems: Problem[], example = 'alt "cooking"=0.61 "travel"=0.2'): AltLine {
  const tokens: AltToken[] = [];
  let i = from;
  while (i < end) {
    const s = readJsonString(text, i, end);
    const wordEnd = skipWord(text, i, end);
    if (!s || text.charCodeAt(s.end) !== 61) {
      problems.push(
        problem(base + i, base + wordEnd, 'rtrace/bad-alternative', `Expected an alternative \`"token"=probability\` (a JSON string, \`=\`, a number), e.g. \`${example}\`.`),
      );
      i = skipBlanks(text, wordEnd, end);
      continue;
    }
    const vEnd = skipWord(text, s.end + 1, end);
    const r = parseScalar(text.slice(s.end + 1, vEnd), 'number');
    if (r.ok) tokens.push({ token: s.value, prob: r.value as number, span: { start: base + i, end: base + vEnd } });
    else problems.push(problem(base + s.end + 1, base + vEnd, 'rtrace/bad-value', `The probability must be ${r.expected}.`));
    i = skipBlanks(text, vEnd, end);
  }
  return { span: { start: base + from, end: base + end }, tokens };
}

/** Parse a history line `h1 ITEM optional note`. */
export function parseHistoryLine(line: SourceLine, problems: Problem[]): HistoryNode | InvalidNode {
  const { text, start } = line;
  const {
    end,
    first: [idStart, idEnd],
    second: [itemStart, itemEnd],
  } = twoWords(text);
  const id = text.slice(idStart, idEnd);
  if (!ID_PATTERN.test(id) || itemStart === itemEnd) {
    return reject(line, idStart, 'rtrace/bad-history', 'A history line is an id (letters then digits, e.g. `h1`), the item (its itemic code or item id, no spaces), then an optional note.', problems);
  }
  const node: HistoryNode = {
    kind: 'history',
    lines: [line],
    span: { start: start + idStart, end: start + end },
    id,
    idSpan: { start: start + idStart, end: start + idEnd },
    item: text.slice(itemStart, itemEnd),
    itemSpan: { start: start + itemStart, end: start + itemEnd },
  };
  const noteStart = skipBlanks(text, itemEnd, end);
  if (noteStart < end) {
    node.note = text.slice(noteStart, end);
    node.noteSpan = { start: start + noteStart, end: start + end };
  }
  return node;
}

/** Parse a recommendation line `RANK ITEM [score=N] [logprobs=N,N,…] [prob=N] [beam=N] [branch=B] [hit|miss] [seen] [<- refs]`. */
export function parseRecLine(line: SourceLine, problems: Problem[]): RecNode | InvalidNode {
  const { text, start } = line;
  const {
    end,
    first: [rankStart, rankEnd],
    second: [itemStart, itemEnd],
  } = twoWords(text);
  const rankText = text.slice(rankStart, rankEnd);
  if (!/^[0-9]+$/.test(rankText) || Number(rankText) < 1 || itemStart === itemEnd) {
    const message = 'A recommendation line is the rank (1, 2, …), the item (its itemic code), then optional `score=…`, `logprobs=…`, `prob=…`, `beam=…`, `branch=…`, `hit` or `miss`, `seen`, and evidence `<- r1`.';
    return reject(line, rankStart, 'rtrace/bad-recommendation', message, problems);
  }
  const node: RecNode = {
    kind: 'rec',
    lines: [line],
    span: { start: start + rankStart, end: start + end },
    rank: Number(rankText),
    rankSpan: { start: start + rankStart, end: start + rankEnd },
    item: text.slice(itemStart, itemEnd),
    itemSpan: { start: start + itemStart, end: start + itemEnd },
    evidence: [],
  };
  const arrow = findArrow(text, itemEnd, end);
  const attrsEnd = arrow < 0 ? end : arrow;
  let i = skipBlanks(text, itemEnd, attrsEnd);
  while (i < attrsEnd) {
    const wEnd = skipWord(text, i, attrsEnd);
    readRecAttr(node, text.slice(i, wEnd), start + i, problems);
    i = skipBlanks(text, wEnd, attrsEnd);
  }
  if (arrow >= 0) node.evidence = parseRefs(text, start, arrow + 2, end, problems);
  return node;
}

/** Apply one `key=value`, `hit`, `miss` or `seen` token to a recommendation. */
function readRecAttr(node: RecNode, word: string, at: number, problems: Problem[]): void {
  if (word === 'seen') {
    if (node.seen) problems.push(problem(at, at + word.length, 'rtrace/bad-recommendation', 'A recommendation is marked `seen` once.'));
    node.seen = true;
    return;
  }
  if (word === 'hit' || word === 'miss') {
    if (node.hit !== undefined) problems.push(problem(at, at + word.length, 'rtrace/bad-recommendation', 'A recommendation is marked `hit` or `miss` once.'));
    node.hit = word === 'hit';
    return;
  }
  const eq = word.indexOf('=');
  const key = eq > 0 ? word.slice(0, eq) : '';
  // Own keys only: `constructor=1` is an unknown attribute, not Object's.
  const type = Object.prototype.hasOwnProperty.call(REC_ATTRS, key) ? REC_ATTRS[key] : undefined;
  if (type === undefined) {
    const what = eq > 0 ? `Unknown attribute \`${key}\`` : `Unexpected \`${word}\``;
    problems.push(problem(at, at + word.length, 'rtrace/bad-recommendation', `${what}; a recommendation takes ${listNames([...Object.keys(REC_ATTRS).map((k) => k + '=…'), ...REC_FLAGS])}, then evidence \`<- r1\`.`));
    return;
  }
  const token = word.slice(eq + 1);
  const vs = at + eq + 1;
  if (type === 'numbers') {
    const values = token.split(',').map(parseNumber);
    if (values.every((v): v is number => v !== undefined)) node.logprobs = values;
    else problems.push(problem(token === '' ? at : vs, at + word.length, 'rtrace/bad-value', `\`${key}\` is a list of numbers separated by commas, one log-probability per level of the code (\`logprobs=-0.01,-0.4,-0.02\`); found \`${token}\`.`));
    return;
  }
  if (type === 'branch') {
    if ((BRANCHES as readonly string[]).includes(token)) node.branch = token as Branch;
    else problems.push(problem(vs, at + word.length, 'rtrace/bad-value', `\`branch\` must be ${listNames(BRANCHES)}.`));
    return;
  }
  const r = parseScalar(token, type);
  if (!r.ok) {
    problems.push(problem(token === '' ? at : vs, at + word.length, 'rtrace/bad-value', `\`${key}\` must be ${r.expected}; found \`${token}\`.`));
    return;
  }
  if (key === 'score') node.score = r.value as number;
  else if (key === 'prob') node.prob = r.value as number;
  else node.beam = r.value as number;
}

/** Parse a ground-truth line `ITEM optional note`. */
export function parseTruthLine(line: SourceLine): TruthNode {
  const { text, start } = line;
  const end = trimmedLength(text);
  const itemStart = skipBlanks(text, 0, end);
  const itemEnd = skipWord(text, itemStart, end);
  const node: TruthNode = {
    kind: 'truth',
    lines: [line],
    span: { start: start + itemStart, end: start + end },
    item: text.slice(itemStart, itemEnd),
    itemSpan: { start: start + itemStart, end: start + itemEnd },
  };
  const noteStart = skipBlanks(text, itemEnd, end);
  if (noteStart < end) node.note = text.slice(noteStart, end);
  return node;
}
