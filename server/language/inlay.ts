/** Inlay hints: a short item title after each code, so a history reads like a list of items. */
import type { Span } from '../items/types';
import type { Analysis } from '../trace/model';
import type { ItemEnv } from './hover';
import { shorten } from './markdown';

export interface InlayHint {
  offset: number;
  label: string;
  tooltip: string;
}

/** Hints for the codes inside `range`. */
export function inlayHints(analysis: Analysis, range: Span, env: ItemEnv, maxLength: number): InlayHint[] {
  const { lookup } = env;
  if (lookup.size === 0) return [];
  const hints: InlayHint[] = [];
  const codes = analysis.codes;
  for (let i = codes.firstEndingFrom(range.start); i < codes.length; i++) {
    const code = codes.get(i);
    if (code.span.start > range.end) break;
    if (code.levels.length === 0 && code.bare === undefined) continue;
    if (code.bare !== undefined) {
      const item = lookup.byId(code.bare);
      if (item) hints.push({ offset: code.span.end, label: shorten(item.title ?? item.caption ?? item.id, maxLength), tooltip: item.caption ?? item.title ?? item.id });
      continue;
    }
    if (code.kind === 'full') {
      const items = lookup.exact(code.levels, code.domain);
      if (items.length === 0) continue;
      const first = items[0];
      const name = shorten(first.title ?? first.caption ?? first.id, maxLength);
      hints.push({ offset: code.span.end, label: items.length > 1 ? `${name} +${items.length - 1}` : name, tooltip: first.caption ?? first.title ?? first.id });
    } else {
      const cluster = lookup.prefix(code.levels, code.domain, 1);
      if (cluster.count > 0) hints.push({ offset: code.span.end, label: `${cluster.count} items`, tooltip: `cluster of ${cluster.count} items, e.g. ${cluster.examples[0]?.title ?? cluster.examples[0]?.id ?? ''}` });
    }
  }
  return hints;
}
