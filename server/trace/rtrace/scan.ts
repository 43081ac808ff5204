/**
 * Finding the itemic codes of an `.rtrace` document: every line that can
 * hold items or model text is scanned (header fields, comments and a step's
 * `alt` lines are not: an alternative is one generated token, such as
 * `"<s_c_2851>"`, not a code), and each code is attributed to the entry
 * whose span contains it.
 */
import { scanCodes, type CompiledGrammar } from '../../items/grammar';
import type { CodeMatch, Span } from '../../items/types';
import type { Problem } from '../model';
import { problem } from './problem';
import type { Node, RtraceSyntax } from './tree';

function scannable(node: Node): boolean {
  return node.kind !== 'blank' && node.kind !== 'comment' && node.kind !== 'version' && node.kind !== 'field' && node.kind !== 'token' && node.kind !== 'intervention';
}

/** The document ranges to scan, adjacent lines merged so that a file costs few `scanCodes` calls. */
export function scanRanges(tree: RtraceSyntax): Span[] {
  const ranges: Span[] = [];
  const add = (start: number, end: number): void => {
    const last = ranges[ranges.length - 1];
    // Only line breaks lie between adjacent lines, and no code spans a line break.
    if (last && start - last.end <= 2) last.end = end;
    else ranges.push({ start, end });
  };
  for (const s of tree.sections) {
    for (const n of s.body) {
      if (!scannable(n)) continue;
      const alts = n.kind === 'step' ? n.alternatives : [];
      for (const l of n.lines) {
        const end = l.start + l.text.length;
        if (alts.some((a) => a.span.start >= l.start && a.span.start <= end)) continue;
        add(l.start, end);
      }
    }
  }
  return ranges;
}

/** Every code in the scannable parts of the document, in order; a failing grammar becomes a problem. */
export function scanDocument(text: string, tree: RtraceSyntax, grammar: CompiledGrammar, problems: Problem[]): CodeMatch[] {
  const codes: CodeMatch[] = [];
  try {
    for (const r of scanRanges(tree)) scanCodes(text, grammar, r.start, r.end, codes);
  } catch (e) {
    problems.push(problem(0, 0, 'rtrace/internal', `Itemic codes could not be scanned (${(e as Error).message}); check \`reclens.itemicTokens\`.`));
  }
  return codes;
}

/**
 * Indexes of the codes inside each span. `spans` must be sorted by start
 * and not overlap, like `codes`; one merged walk keeps this linear.
 */
export function codesWithin(codes: readonly CodeMatch[], spans: readonly Span[]): number[][] {
  const out: number[][] = [];
  let c = 0;
  for (const s of spans) {
    while (c < codes.length && codes[c].span.start < s.start) c++;
    const idx: number[] = [];
    let k = c;
    while (k < codes.length && codes[k].span.end <= s.end) idx.push(k++);
    c = k;
    out.push(idx);
  }
  return out;
}
