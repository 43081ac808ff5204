/**
 * Parsing `.rtrace` text into the lossless tree of tree.ts. Needs no
 * settings: which layer belongs to which stage, and what the itemic codes
 * mean, is decided later (analyze.ts). Linear in the size of the text.
 */
import type { Problem } from '../model';
import { addContinuation, parseHistoryLine, parseRecLine, parseStepHead, parseTruthLine } from './entries';
import { isVersionLine, parseFieldLine, parseVersionLine } from './header';
import { splitLines, trimmedLength, type SourceLine } from './lines';
import { listNames, problem } from './problem';
import { labelSample, RTRACE_VERSION, SECTION_KINDS, VERSION_DIRECTIVE } from './spec';
import { parseInterventionLine, parseTokenLine } from './token-entries';
import type { Node, RtraceSyntax, Section, StepNode } from './tree';

const DELIMITER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function spanOf(line: SourceLine): { start: number; end: number } {
  return { start: line.start, end: line.start + trimmedLength(line.text) };
}

function isBlankLine(text: string): boolean {
  return trimmedLength(text) === 0;
}

/** Parse an `.rtrace` document into a lossless tree; never throws. */
export function parseRtraceSyntax(text: string): RtraceSyntax {
  const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  const lines = splitLines(text, bom.length);
  const problems: Problem[] = [];
  const prologue: Node[] = [];
  const sections: Section[] = [];
  let i = 0;

  if (lines.length > 0 && isVersionLine(lines[0].text)) {
    prologue.push(parseVersionLine(lines[0], problems));
    i = 1;
  } else {
    const at = lines.length > 0 ? spanOf(lines[0]) : { start: bom.length, end: bom.length };
    problems.push(problem(at.start, at.end, 'rtrace/missing-version', `The first line of an rtrace file must be \`${VERSION_DIRECTIVE} ${RTRACE_VERSION}\`; add it at the top.`));
  }

  const seenKeys = new Map<string, number>();
  for (; i < lines.length && !lines[i].text.startsWith('['); i++) {
    const line = lines[i];
    if (isBlankLine(line.text)) prologue.push({ kind: 'blank', lines: [line], span: spanOf(line) });
    else if (line.text.startsWith('#')) prologue.push({ kind: 'comment', lines: [line], span: spanOf(line) });
    else if (isVersionLine(line.text)) {
      problems.push(problem(line.start, line.start + trimmedLength(line.text), 'rtrace/version', `The \`${VERSION_DIRECTIVE}\` line must be the first line of the file; move it to the top.`));
      prologue.push({ kind: 'invalid', lines: [line], span: spanOf(line) });
    } else {
      const node = parseFieldLine(line, problems);
      if (node.kind === 'field' && node.decoding) {
        // `decoding` may span several lines, but each setting is given once.
        node.decoding = node.decoding.filter((e) => {
          const first = seenKeys.get('decoding.' + e.key);
          if (first === undefined) {
            seenKeys.set('decoding.' + e.key, i);
            return true;
          }
          problems.push(problem(e.keySpan.start, e.valueSpan.end, 'rtrace/duplicate-header-key', `The decoding setting \`${e.key}\` is already given on line ${first + 1}; keep one.`));
          return false;
        });
      } else if (node.kind === 'field') {
        const first = seenKeys.get(node.key);
        if (first !== undefined) {
          problems.push(problem(node.keySpan.start, node.span.end, 'rtrace/duplicate-header-key', `The header field \`${node.key}\` is already given on line ${first + 1}; keep one.`));
        } else seenKeys.set(node.key, i);
      }
      prologue.push(node);
    }
  }

  while (i < lines.length) i = parseSection(lines, i, sections, problems);
  return { bom, prologue, sections, problems };
}

/** Parse the section whose head is `lines[i]`; returns the index after it. */
function parseSection(lines: SourceLine[], i: number, sections: Section[], problems: Problem[]): number {
  const head = lines[i];
  const section = parseSectionHead(head, problems);
  sections.push(section);
  i++;
  if (section.kind === 'raw') return parseRawBody(lines, i, section, problems);
  let lastStep: StepNode | undefined;
  for (; i < lines.length && !lines[i].text.startsWith('['); i++) {
    const line = lines[i];
    const { text } = line;
    let node: Node;
    if (isBlankLine(text)) node = { kind: 'blank', lines: [line], span: spanOf(line) };
    else if (text.startsWith('#')) node = { kind: 'comment', lines: [line], span: spanOf(line) };
    else if (section.kind === 'unknown') node = { kind: 'opaque', lines: [line], span: spanOf(line) };
    else if (section.kind === 'layer') {
      const indented = text.charCodeAt(0) === 32 || text.charCodeAt(0) === 9;
      if (indented && lastStep) {
        addContinuation(lastStep, line, problems);
        section.span.end = lastStep.span.end;
        continue;
      }
      if (indented) {
        problems.push(
          problem(line.start, spanOf(line).end, 'rtrace/bad-step', 'This indented line continues nothing: continuation lines must directly follow a step line, with no blank or comment line between.'),
        );
        node = { kind: 'invalid', lines: [line], span: spanOf(line) };
      } else node = parseStepHead(line, problems);
    } else if (section.kind === 'history') node = parseHistoryLine(line, problems);
    else if (section.kind === 'recommendations') node = parseRecLine(line, problems);
    else if (section.kind === 'tokens') node = parseTokenLine(line, problems);
    else if (section.kind === 'interventions') node = parseInterventionLine(line, problems);
    else node = parseTruthLine(line);
    lastStep = node.kind === 'step' ? node : undefined;
    section.body.push(node);
    if (node.kind !== 'blank') section.span.end = node.span.end;
  }
  return i;
}

/** Parse a `[kind args]` head line; unknown or malformed heads give an `unknown` section. */
function parseSectionHead(head: SourceLine, problems: Problem[]): Section {
  const headSpan = spanOf(head);
  const section: Section = { kind: 'unknown', head, headSpan, body: [], span: { ...headSpan } };
  const text = head.text.slice(0, trimmedLength(head.text));
  const close = text.indexOf(']');
  const fail = (message: string): Section => {
    problems.push(problem(headSpan.start, headSpan.end, 'rtrace/unknown-section', message));
    return section;
  };
  if (close < 0) return fail('A section head ends with `]`, e.g. `[history]` or `[layer perception]`.');
  if (close !== text.length - 1) return fail('Nothing may follow the `]` of a section head; put comments on their own line starting with `#`.');
  const inner = text.slice(1, close);
  const words = inner.trim().split(/[ \t]+/);
  const kind = words[0];
  const offset = (w: string, from = 1): number => head.start + text.indexOf(w, from);
  switch (kind) {
    case 'history':
    case 'recommendations':
    case 'ground-truth':
    case 'interventions':
      if (words.length > 1) return fail(`\`[${kind}]\` takes no arguments.`);
      section.kind = kind;
      return section;
    case 'layer': {
      const name = inner.trim().slice('layer'.length).trim();
      if (name === '') return fail('Name the layer: `[layer perception]`, `[layer derivation]`, … (the names configured in `reclens.layers`).');
      section.kind = 'layer';
      section.name = name;
      const at = offset(name, text.indexOf('layer') + 5);
      section.nameSpan = { start: at, end: at + name.length };
      return section;
    }
    case 'raw': {
      const last = words[words.length - 1];
      const delimiter = last.startsWith('<<') ? last.slice(2) : '';
      if (words.length > 3 || !DELIMITER.test(delimiter) || (words.length === 3 && words[1].startsWith('<<'))) {
        return fail('A raw block head is `[raw <<END]` or `[raw LABEL <<END]`; the block ends at a line that is exactly `END` (any word that does not occur as a line of the raw text).');
      }
      section.kind = 'raw';
      section.delimiter = delimiter;
      if (words.length === 3) section.label = words[1];
      return section;
    }
    case 'tokens': {
      const label = words[1] ?? '';
      const sample = labelSample(label);
      const from = words.length === 3 && /^from=[0-9]+$/.test(words[2]) ? Number(words[2].slice(5)) : undefined;
      if (sample === undefined || words.length > 3 || (words.length === 3 && from === undefined)) {
        return fail('A tokens section head is `[tokens thinking-N]`, naming the raw block `[raw thinking-N <<END]` whose text the tokens make up, optionally followed by `from=K`: the offset in that text where the first token starts.');
      }
      section.kind = 'tokens';
      section.label = label;
      section.sample = sample;
      if (from !== undefined) section.from = from;
      return section;
    }
  }
  const known = listNames(SECTION_KINDS.map((k) => (k === 'layer' ? 'layer NAME' : k === 'raw' ? 'raw <<END' : k === 'tokens' ? 'tokens thinking-N' : k)));
  const hint = kind === 'ground_truth' || kind === 'truth' ? ' Write `[ground-truth]`.' : kind ? ` If \`${kind}\` is a layer, write \`[layer ${inner.trim()}]\`.` : '';
  return fail(`Unknown section \`[${inner}]\`.${hint} Sections are ${known}.`);
}

/** Read raw lines up to the delimiter line; an unclosed block runs to the end of the file. */
function parseRawBody(lines: SourceLine[], i: number, section: Section, problems: Problem[]): number {
  const from = i;
  while (i < lines.length && lines[i].text !== section.delimiter) i++;
  const content = lines.slice(from, i);
  if (content.length > 0) {
    let text = '';
    for (let k = 0; k < content.length; k++) text += content[k].text + (k < content.length - 1 ? content[k].eol : '');
    const last = content[content.length - 1];
    section.body.push({ kind: 'raw-text', lines: content, span: { start: content[0].start, end: last.start + last.text.length }, text });
  }
  if (i < lines.length) {
    section.close = lines[i];
    section.span.end = lines[i].start + lines[i].text.length;
    return parseAfterRaw(lines, i + 1, section, problems);
  }
  const tail = content.length > 0 ? content[content.length - 1] : undefined;
  if (tail) section.span.end = tail.start + tail.text.length;
  problems.push(
    problem(
      section.headSpan.start,
      section.headSpan.end,
      'rtrace/unclosed-raw',
      `This raw block is never closed: add a line that is exactly \`${section.delimiter}\` after its text. Everything after the head was read as raw text.`,
    ),
  );
  return i;
}

/** Lines after a raw block's delimiter, up to the next section: blanks and comments, anything else is stray. */
function parseAfterRaw(lines: SourceLine[], i: number, section: Section, problems: Problem[]): number {
  const after: Node[] = [];
  for (; i < lines.length && !lines[i].text.startsWith('['); i++) {
    const line = lines[i];
    if (isBlankLine(line.text)) after.push({ kind: 'blank', lines: [line], span: spanOf(line) });
    else if (line.text.startsWith('#')) after.push({ kind: 'comment', lines: [line], span: spanOf(line) });
    else {
      const span = spanOf(line);
      problems.push(problem(span.start, span.end, 'rtrace/syntax', `This line follows the end of the raw block (\`${section.delimiter}\`) but starts no section; move it into the block or under a section head.`));
      after.push({ kind: 'invalid', lines: [line], span });
    }
  }
  if (after.length > 0) section.after = after;
  return i;
}
