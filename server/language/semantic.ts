/** Semantic tokens: code parts and step ids, so themes colour them even where no TextMate grammar applies. */
import type { Span } from '../items/types';
import type { Analysis } from '../trace/model';
import { linksOf } from './locate';

export const tokenTypes = ['keyword', 'enumMember', 'number', 'variable'] as const;
export const tokenModifiers = ['declaration'] as const;

export interface SemanticToken {
  span: Span;
  type: (typeof tokenTypes)[number];
  declaration?: boolean;
}

/** Tokens ordered by position, of the whole document or of `range`. */
export function semanticTokens(analysis: Analysis, range: Span = { start: 0, end: Number.MAX_SAFE_INTEGER }): SemanticToken[] {
  const out: SemanticToken[] = [];
  const codes = analysis.codes;
  for (let i = codes.firstEndingFrom(range.start); i < codes.length && codes.start(i) <= range.end; i++) {
    const code = codes.get(i);
    if (code.begin) out.push({ span: code.begin, type: 'keyword' });
    if (code.bare !== undefined && code.begin && code.end) out.push({ span: { start: code.begin.end, end: code.end.start }, type: 'number' });
    for (const s of code.levelSpans) out.push({ span: s, type: 'enumMember' });
    if (code.end) out.push({ span: code.end, type: 'keyword' });
  }
  for (const trace of analysis.traces) {
    if (trace.span.end < range.start || trace.span.start > range.end) continue;
    // A history step of a dump has its code as its id: the code's own tokens colour it.
    for (const step of trace.steps) if (step.idSpan.end > step.idSpan.start && !analysis.codes.at(step.idSpan.start)) out.push({ span: step.idSpan, type: 'variable', declaration: true });
    for (const link of linksOf(trace)) if (link.span) out.push({ span: link.span, type: 'variable' });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
