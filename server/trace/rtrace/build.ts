/**
 * Writing a `TraceValue` as `.rtrace` text — the inverse of `readTrace`
 * for values in normal form (see `printTrace`).
 */
import { formatLooseValue, formatNumber } from './scalars';
import { DEFAULT_RAW_DELIMITER, HEADER_KEYS, RTRACE_VERSION, VERSION_DIRECTIVE } from './spec';
import type { AlternativeValue, RecommendationValue, StepValue, TraceHeader, TraceValue } from './value';

/** One line of text: line breaks and surrounding blanks collapse to single spaces. */
function oneLine(s: string): string {
  return s.replace(/[ \t]*[\r\n]+[ \t]*/g, ' ').trim();
}

/** An item has no whitespace (it is one token of the line). */
function token(s: string): string {
  return s.replace(/\s+/g, '');
}

/** A continuation text line that would read as evidence, alternatives or an escape gets a leading `\`. */
function escapeContinuation(line: string): string {
  return line.startsWith('\\') || line.startsWith('<-') || /^alt[ \t]+"/.test(line) ? '\\' + line : line;
}

/** A delimiter that is not a line of `text`: `END`, else `END_2`, `END_3`, … */
export function rawDelimiter(text: string): string {
  const lines = new Set(text.split(/\r\n|\r|\n/));
  let d = DEFAULT_RAW_DELIMITER;
  for (let k = 2; lines.has(d); k++) d = `${DEFAULT_RAW_DELIMITER}_${k}`;
  return d;
}

function headerLines(h: TraceHeader): string[] {
  const out: string[] = [];
  for (const key of HEADER_KEYS) {
    if (key === 'decoding') {
      const d = h.decoding;
      if (d && Object.keys(d).length > 0) out.push('decoding: ' + Object.entries(d).map(([k, v]) => `${token(k)}=${formatLooseValue(v)}`).join(' '));
      continue;
    }
    const v = h[key];
    if (v !== undefined) out.push(`${key}: ${oneLine(v)}`);
  }
  for (const [k, v] of Object.entries(h.extensions ?? {})) out.push(`${k}: ${oneLine(v)}`);
  return out;
}

function altLine(alts: AlternativeValue[]): string {
  return '  alt ' + alts.map((a) => `${JSON.stringify(a.token)}=${formatNumber(a.prob)}`).join(' ');
}

function stepLines(step: StepValue): string[] {
  const text = step.text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const first = text[0] ?? '';
  let head = first === '' ? step.id : `${step.id} ${first}`;
  // An explicit (possibly empty) evidence clause keeps a `<-` inside the text from being read as one.
  if (step.evidence.length > 0) head += ' <- ' + step.evidence.join(', ');
  else if (first.includes('<-')) head += ' <-';
  const out = [head];
  for (const l of text.slice(1)) out.push('  ' + escapeContinuation(l));
  for (const alts of step.alternatives ?? []) if (alts.length > 0) out.push(altLine(alts));
  return out;
}

function recLine(r: RecommendationValue): string {
  const parts = [String(r.rank), token(r.item)];
  if (r.score !== undefined) parts.push('score=' + formatNumber(r.score));
  if (r.prob !== undefined) parts.push('prob=' + formatNumber(r.prob));
  if (r.beam !== undefined) parts.push('beam=' + String(r.beam));
  if (r.branch !== undefined) parts.push('branch=' + r.branch);
  if (r.hit !== undefined) parts.push(r.hit ? 'hit' : 'miss');
  if (r.seen) parts.push('seen');
  if (r.evidence.length > 0) parts.push('<- ' + r.evidence.join(', '));
  return parts.join(' ');
}

function withNote(first: string, note: string | undefined): string {
  const n = note === undefined ? '' : oneLine(note);
  return n === '' ? first : `${first} ${n}`;
}

/**
 * Write a trace value as `.rtrace` text with `\n` line breaks.
 * `readTrace(printTrace(v)).value` deep-equals `v` when `v` is in normal
 * form: single-line header strings and notes, items without whitespace,
 * step text lines trimmed and non-empty, no empty alternatives lists, and
 * `version` equal to `RTRACE_VERSION`. Other values are normalised that way.
 */
export function printTrace(value: TraceValue): string {
  const out: string[] = [`${VERSION_DIRECTIVE} ${RTRACE_VERSION}`, ...headerLines(value.header)];
  if (value.history.length > 0) {
    out.push('', '[history]');
    for (const h of value.history) out.push(withNote(`${h.id} ${token(h.item)}`, h.note));
  }
  for (const layer of value.layers) {
    out.push('', `[layer ${oneLine(layer.name)}]`);
    for (const s of layer.steps) out.push(...stepLines(s));
  }
  if (value.recommendations.length > 0) {
    out.push('', '[recommendations]');
    for (const r of value.recommendations) out.push(recLine(r));
  }
  if (value.groundTruth.length > 0) {
    out.push('', '[ground-truth]');
    for (const g of value.groundTruth) out.push(withNote(token(g.item), g.note));
  }
  for (const raw of value.raw) {
    const d = rawDelimiter(raw.text);
    out.push('', raw.label === undefined ? `[raw <<${d}]` : `[raw ${token(raw.label)} <<${d}]`);
    if (raw.text !== '') out.push(raw.text);
    out.push(d);
  }
  return out.join('\n') + '\n';
}
