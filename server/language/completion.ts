/**
 * Completion of itemic codes level by level: after `<|sid_begin|><s_a_340>`
 * it offers the `<s_b_N>` values that exist under a=340, with how many items
 * each holds and an example title; step ids after an evidence arrow.
 */
import { formatCode, scanCodes } from '../items/grammar';
import type { Span } from '../items/types';
import type { Analysis } from '../trace/model';
import type { ItemEnv } from './hover';
import { shorten } from './markdown';

export interface CompletionEntry {
  label: string;
  kind: 'level' | 'end' | 'step';
  detail?: string;
  documentation?: string;
  /** Keeps VS Code's order (most items first). */
  sortText: string;
}

export interface CompletionResult {
  replace: Span;
  items: CompletionEntry[];
  /** More values exist than were listed; ask again as the user types. */
  incomplete: boolean;
}

const WINDOW = 400;
const MAX_ITEMS = 500;

/** Completions at `offset`, or undefined when the cursor is not in a place that takes a code or a step id. */
export function completionsAt(analysis: Analysis, text: string, offset: number, env: ItemEnv, evidenceArrow = '<-'): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const from = Math.max(lineStart, offset - WINDOW);
  const before = text.slice(from, offset);

  const steps = stepCompletions(analysis, before, offset, evidenceArrow);
  if (steps) return steps;

  // The token being typed: from the last '<' with no '>' after it.
  const lt = before.lastIndexOf('<');
  const partialStart = lt >= 0 && before.indexOf('>', lt) < 0 ? from + lt : offset;
  const partial = text.slice(partialStart, offset);
  const { grammar, lookup } = env;

  const codes = scanCodes(text, grammar, from, partialStart);
  const last = codes[codes.length - 1];
  const adjacent = last && last.span.end === partialStart && !last.end && last.bare === undefined && last.problems.every((p) => p.kind === 'unterminated') ? last : undefined;
  if (!adjacent && partial === '') return undefined;

  const levels = adjacent?.levels ?? [];
  const domain = adjacent?.domain;
  const replace = { start: partialStart, end: offset };
  const items: CompletionEntry[] = [];
  let incomplete = false;

  if (levels.length < grammar.levelCount) {
    const affix = grammar.levelAffixes[levels.length];
    const token = (v: number): string => `${affix.prefix}${v}${affix.suffix}`;
    if (!affix.prefix.startsWith(partial) && !partial.startsWith(affix.prefix)) return undefined;
    if (lookup.size === 0) return undefined;
    const children = lookup.children(levels, domain, MAX_ITEMS + 1);
    incomplete = children.length > MAX_ITEMS;
    children.slice(0, MAX_ITEMS).forEach((child, i) => {
      const label = token(child.value);
      if (!label.startsWith(partial)) return;
      const example = child.example ? shorten(child.example.title ?? child.example.caption ?? child.example.id, 60) : undefined;
      const leaf = levels.length + 1 === grammar.levelCount;
      items.push({
        label,
        kind: 'level',
        detail: leaf ? example : `${child.count} item${child.count === 1 ? '' : 's'}${example ? ` · e.g. ${example}` : ''}`,
        documentation: child.example ? formatCode(grammar, [...levels, child.value], { domain, beginEnd: false }) : undefined,
        sortText: String(i).padStart(6, '0'),
      });
    });
  } else if (adjacent?.begin) {
    for (const end of grammar.endTokens) if (end.startsWith(partial)) items.push({ label: end, kind: 'end', detail: 'close the code', sortText: '000000' });
  }
  return items.length ? { replace, items, incomplete } : undefined;
}

/** Step ids defined before the cursor's step, after an evidence arrow. */
function stepCompletions(analysis: Analysis, before: string, offset: number, arrow: string): CompletionResult | undefined {
  const at = before.lastIndexOf(arrow);
  if (at < 0) return undefined;
  const tail = before.slice(at + arrow.length);
  if (!/^[\s\w,.-]*$/.test(tail)) return undefined;
  const partial = /[\w.-]*$/.exec(tail)?.[0] ?? '';
  const trace = analysis.traces.find((t) => offset >= t.span.start && offset <= t.span.end);
  if (!trace) return undefined;
  const arrowAt = offset - before.length + at;
  // Only steps written before the one being edited: a step cannot cite itself or a later step.
  const current = trace.steps.find((s) => s.span.start <= arrowAt && arrowAt <= s.span.end);
  const items = trace.steps
    .filter((s) => s !== current && s.span.end <= arrowAt && s.id.startsWith(partial))
    .map((s, i) => ({ label: s.id, kind: 'step' as const, detail: `${s.layer}: ${shorten(s.text, 60)}`, sortText: String(i).padStart(6, '0') }));
  return items.length ? { replace: { start: offset - partial.length, end: offset }, items, incomplete: false } : undefined;
}
