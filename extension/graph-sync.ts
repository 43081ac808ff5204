/** Which graph node the editor's cursor is on: the node whose source range holds the position (the narrowest). Pure. */
import type { GraphRange } from '../protocol/graph';

interface Ranged {
  id: string;
  range?: GraphRange;
}

type Position = { line: number; character: number };

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);

/** The id of the narrowest node whose range contains `p`, or null. */
export function nodeAt(nodes: readonly Ranged[], p: Position): string | null {
  let best: Ranged | undefined;
  let bestSize = Infinity;
  for (const n of nodes) {
    const r = n.range;
    if (!r || !before(r.start, p) || !before(p, r.end)) continue;
    const size = (r.end.line - r.start.line) * 1e6 + (r.end.character - r.start.character);
    if (size < bestSize) {
      best = n;
      bestSize = size;
    }
  }
  return best?.id ?? null;
}
