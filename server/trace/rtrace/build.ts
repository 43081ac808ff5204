/**
 * Writing a `TraceValue` as `.rtrace` text — the inverse of `readTrace`
 * for values in normal form (see `printTrace`).
 */
import { formatLooseValue, formatNumber, formatShortNumber } from './scalars';
import { DEFAULT_RAW_DELIMITER, HEADER_KEYS, RTRACE_VERSION, VERSION_DIRECTIVE } from './spec';
import type { AlternativeValue, InterventionValue, RecommendationValue, StepValue, TokenValue, TraceHeader, TraceValue } from './value';

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

/** `"tok"=0.6 "other"=0.3`: the top-k list of an `alt` line and of a token line. */
function altList(alts: readonly AlternativeValue[], format: (n: number) => string): string {
  let out = '';
  for (const a of alts) out += `${out === '' ? '' : ' '}${JSON.stringify(a.token)}=${format(a.prob)}`;
  return out;
}

function altLine(alts: AlternativeValue[]): string {
  return '  alt ' + altList(alts, formatNumber);
}

/** `c1 " dog" -0.105 " dog"=0.9 " cat"=0.05`; the step id is left out for tokens outside every step. */
function tokenLine(t: TokenValue): string {
  const head = `${t.step === undefined ? '' : token(t.step) + ' '}${JSON.stringify(t.text)} ${formatShortNumber(t.logprob)}`;
  return t.top.length > 0 ? `${head} ${altList(t.top, formatShortNumber)}` : head;
}

/** `thinking-1 37 token " cats" -0.886 id=9245 -> " dogs" ids=1234`. */
function interventionLine(x: InterventionValue): string {
  const id = x.original.id === undefined ? '' : ` id=${x.original.id}`;
  const ids = x.forced.ids === undefined || x.forced.ids.length === 0 ? '' : ` ids=${x.forced.ids.join(',')}`;
  return `${token(x.label)} ${x.index} ${x.kind} ${JSON.stringify(x.original.text)} ${formatShortNumber(x.original.logprob)}${id} -> ${JSON.stringify(x.forced.text)}${ids}`;
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
  if (r.logprobs !== undefined && r.logprobs.length > 0) parts.push('logprobs=' + r.logprobs.map(formatNumber).join(','));
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
 * step text lines trimmed and non-empty, no empty alternatives lists,
 * token and intervention labels `thinking-N`, `tokens` and `interventions`
 * absent rather than empty, and `version` equal to `RTRACE_VERSION`.
 * Other values are normalised that way.
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
  if (value.interventions && value.interventions.length > 0) {
    out.push('', '[interventions]');
    for (const x of value.interventions) out.push(interventionLine(x));
  }
  for (const raw of value.raw) {
    const d = rawDelimiter(raw.text);
    out.push('', raw.label === undefined ? `[raw <<${d}]` : `[raw ${token(raw.label)} <<${d}]`);
    if (raw.text !== '') out.push(raw.text);
    out.push(d);
  }
  for (const section of value.tokens ?? []) {
    out.push('', section.from === undefined ? `[tokens ${token(section.label)}]` : `[tokens ${token(section.label)} from=${section.from}]`);
    for (const t of section.tokens) out.push(tokenLine(t));
  }
  return out.join('\n') + '\n';
}
