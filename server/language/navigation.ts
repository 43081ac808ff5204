/** Go to definition and find references: evidence links ↔ steps, codes ↔ item table rows and other mentions. */
import { codeKey } from '../items/grammar';
import type { Span } from '../items/types';
import type { Analysis } from '../trace/model';
import type { ItemEnv } from './hover';
import { codeAt, linksOf, resolveLink, stepTargetAt } from './locate';

/** A place in this document (`span`) or in another file (`path` + zero-based `line`). */
export type Target = { span: Span } | { path: string; line: number };

/** Where the thing at `offset` is defined: the cited step, or the table rows of the item. */
export function definitionAt(analysis: Analysis, offset: number, env: ItemEnv): Target[] {
  const code = codeAt(analysis.codes, offset);
  if (code) {
    const items = code.bare !== undefined ? [env.lookup.byId(code.bare)].filter((i) => i !== undefined) : code.kind === 'full' ? env.lookup.exact(code.levels, code.domain) : [];
    return items.map((i) => ({ path: i.source.path, line: Math.max(0, (i.source.line ?? 1) - 1) }));
  }
  const target = stepTargetAt(analysis, offset);
  if (!target) return [];
  const step = target.link ? resolveLink(target.trace, target.link.target) : target.step;
  return step ? [{ span: step.idSpan }] : [];
}

/** Every mention of the thing at `offset` in this document. */
export function referencesAt(analysis: Analysis, offset: number, includeDeclaration: boolean): Span[] {
  const code = codeAt(analysis.codes, offset);
  if (code) {
    const codes = analysis.codes;
    const key = code.bare !== undefined ? `#${code.bare}` : codeKey(code.levels, code.domain);
    const spans: Span[] = [];
    for (let i = 0; i < codes.length; i++) if (codes.key(i) === key) spans.push({ start: codes.start(i), end: codes.end(i) });
    return spans;
  }
  const target = stepTargetAt(analysis, offset);
  if (!target) return [];
  const id = target.link ? target.link.target : target.step.id;
  const spans: Span[] = [];
  if (includeDeclaration) for (const step of target.trace.steps) if (step.id === id) spans.push(step.idSpan);
  for (const link of linksOf(target.trace)) if (link.target === id && link.span) spans.push(link.span);
  return spans.sort((a, b) => a.start - b.start);
}
