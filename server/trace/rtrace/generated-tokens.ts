/**
 * The generated tokens (`[tokens thinking-N]`) and interventions
 * (`[interventions]`) of a parsed trace, for the analysis: each token
 * placed in its sample's raw block, the steps and positions they name
 * checked. Linear in the number of tokens; never throws.
 */
import type { Span } from '../../items/types';
import type { GeneratedToken, Problem, TraceIntervention } from '../model';
import { placeTokens } from './placement';
import { problem } from './problem';
import { sampleLabel } from './spec';
import type { InterventionNode, RtraceSyntax, Section } from './tree';

/** A raw block's text and where it starts in the document. */
interface RawText {
  text: string;
  start: number;
}

/** The first raw block of each label. */
function rawBlocks(tree: RtraceSyntax): Map<string, RawText> {
  const out = new Map<string, RawText>();
  for (const s of tree.sections) {
    if (s.kind !== 'raw' || s.label === undefined || out.has(s.label)) continue;
    const body = s.body[0];
    out.set(s.label, body?.kind === 'raw-text' ? { text: body.text, start: body.span.start } : { text: '', start: s.head.start + s.head.text.length });
  }
  return out;
}

/** The tokens of one section, placed; problems for what does not fit. */
function sectionTokens(section: Section, sample: number, raw: RawText | undefined, stepIds: ReadonlySet<string>, problems: Problem[]): GeneratedToken[] {
  const label = section.label ?? sampleLabel(sample);
  // Malformed lines keep their place: they count as tokens of unknown text, which placement skips like U+FFFD pieces.
  const lines = section.body.filter((n) => n.kind === 'token' || n.kind === 'invalid');
  const texts = lines.map((n) => ({ text: n.kind === 'token' ? n.text : '\uFFFD' }));
  let from = section.from ?? 0;
  let shift = 0;
  let text: string;
  if (raw) {
    text = raw.text;
    if (from > text.length) {
      problems.push(problem(section.headSpan.start, section.headSpan.end, 'rtrace/tokens-mismatch', `\`from=${from}\` lies past the end of \`[raw ${label}]\` (${text.length} characters); give the offset where the first token starts.`, 'warning'));
    }
  } else {
    problems.push(
      problem(section.headSpan.start, section.headSpan.end, 'rtrace/tokens-mismatch', `No \`[raw ${label} <<END]\` block holds the text these tokens make up; add it, or name the sample whose tokens these are. Offsets count from the tokens' own text.`, 'warning'),
    );
    text = texts.map((t) => t.text).join('');
    shift = from;
    from = 0;
  }
  const placed = placeTokens(text, texts, from);
  // Malformed lines (already reported) hold unknown text: whether the rest matches is moot until they are fixed.
  const comparable = raw !== undefined && from <= text.length && lines.every((n) => n.kind === 'token');
  if (comparable && placed.lost >= 0) {
    const at = lines[placed.lost].span;
    problems.push(
      problem(at.start, at.end, 'rtrace/tokens-mismatch', `This token is not where the tokens before it end in \`[raw ${label}]\` (near offset ${placed.offsets[placed.lost]}): the texts of the tokens, in order, make up the block's text.`, 'warning'),
    );
  } else if (comparable && placed.end >= 0 && placed.end !== text.length) {
    problems.push(
      problem(section.headSpan.start, section.headSpan.end, 'rtrace/tokens-mismatch', `The tokens make up \`[raw ${label}]\` only up to offset ${placed.end} of ${text.length}: write one line per generated token, none left out.`, 'warning'),
    );
  }

  const unknown = new Set<string>();
  const out: GeneratedToken[] = [];
  lines.forEach((n, index) => {
    if (n.kind !== 'token') return;
    const offset = placed.offsets[index] + shift;
    const t: GeneratedToken = { sample, index, text: n.text, logprob: n.logprob, top: n.top.map((a) => ({ token: a.token, prob: a.prob })), offset, span: n.span };
    if (n.step !== undefined) {
      t.step = n.step;
      if (!stepIds.has(n.step) && !unknown.has(n.step) && n.stepSpan) {
        unknown.add(n.step);
        problems.push(problem(n.stepSpan.start, n.stepSpan.end, 'rtrace/token-step', `\`${n.step}\` is not a step of this trace; name the step whose text the token starts in, or none.`, 'warning'));
      }
    }
    if (raw && n.text !== '' && raw.text.startsWith(n.text, offset)) t.rawSpan = { start: raw.start + offset, end: raw.start + offset + n.text.length };
    out.push(t);
  });
  return out;
}

/** The tokens and interventions of a trace (absent when it has no such sections), with their problems. */
export function traceTokens(tree: RtraceSyntax, stepIds: ReadonlySet<string>, problems: Problem[]): { tokens?: GeneratedToken[]; interventions?: TraceIntervention[] } {
  const raw = rawBlocks(tree);
  const sections = new Map<number, GeneratedToken[]>();
  const nodes: InterventionNode[] = [];
  for (const s of tree.sections) {
    if (s.kind === 'interventions') for (const n of s.body) if (n.kind === 'intervention') nodes.push(n);
    if (s.kind !== 'tokens' || s.sample === undefined) continue;
    if (sections.has(s.sample)) {
      problems.push(problem(s.headSpan.start, s.headSpan.end, 'rtrace/duplicate-section', `A second \`[tokens ${s.label ?? ''}]\` section; only the first is read, keep one.`, 'warning'));
      continue;
    }
    sections.set(s.sample, sectionTokens(s, s.sample, raw.get(s.label ?? ''), stepIds, problems));
  }
  const result: { tokens?: GeneratedToken[]; interventions?: TraceIntervention[] } = {};
  if (sections.size > 0) result.tokens = [...sections.keys()].sort((a, b) => a - b).flatMap((k) => sections.get(k) ?? []);
  if (nodes.length > 0) result.interventions = nodes.map((n, k) => intervention(n, k, sections, problems));
  return result;
}

/** One intervention, checked against its sample's tokens, which it marks. */
function intervention(n: InterventionNode, k: number, sections: Map<number, GeneratedToken[]>, problems: Problem[]): TraceIntervention {
  const x: TraceIntervention = { sample: n.sample, index: n.index, kind: n.interventionKind, original: { text: n.original.text, logprob: n.original.logprob }, forced: { text: n.forced.text }, span: n.span };
  if (n.original.id !== undefined) x.original.id = n.original.id;
  if (n.forced.ids !== undefined) x.forced.ids = n.forced.ids;
  const tokens = sections.get(n.sample);
  const warn = (at: Span, message: string): void => void problems.push(problem(at.start, at.end, 'rtrace/intervention-target', message, 'warning'));
  if (!tokens) {
    warn(n.labelSpan, `There is no \`[tokens ${n.label}]\` section, so position ${n.index} names no token; add the section, or name the sample the intervention was made in.`);
    return x;
  }
  const count = tokens.length > 0 ? tokens[tokens.length - 1].index + 1 : 0;
  if (n.index >= count) {
    warn(n.span, `\`[tokens ${n.label}]\` has ${count} ${count === 1 ? 'token' : 'tokens'}, so position ${n.index} names none; positions count from 0.`);
    return x;
  }
  const last = Math.min(count, n.index + Math.max(1, n.forced.ids?.length ?? 1));
  // Tokens are in index order, one per index except where malformed lines left gaps.
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].index < n.index) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < tokens.length && tokens[i].index < last; i++) tokens[i].intervention = k;
  return x;
}
