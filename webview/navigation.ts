/**
 * Keyboard moves between nodes: right and left along evidence links (to the
 * linked node nearest in height, else to the nearest node of the next
 * column), up and down within a column. Pure: positions in, an id out.
 */

export type Direction = 'ArrowRight' | 'ArrowLeft' | 'ArrowUp' | 'ArrowDown';

export interface NavigationGraph {
  pos: Map<string, { x: number; y: number }>;
  columnOf: Map<string, number>;
  /** Linked nodes: successors and predecessors. */
  next: Map<string, string[]>;
  prev: Map<string, string[]>;
  visible: (id: string) => boolean;
}

/** Builds successor and predecessor lists. */
export function links(edges: { source: string; target: string }[]): Pick<NavigationGraph, 'next' | 'prev'> {
  const next = new Map<string, string[]>();
  const prev = new Map<string, string[]>();
  for (const { source, target } of edges) {
    (next.get(source) ?? next.set(source, []).get(source)!).push(target);
    (prev.get(target) ?? prev.set(target, []).get(target)!).push(source);
  }
  return { next, prev };
}

function nearest(ids: Iterable<string>, y: number, g: NavigationGraph): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const id of ids) {
    const p = g.pos.get(id);
    if (!p || !g.visible(id)) continue;
    const d = Math.abs(p.y - y);
    if (d < bestDist) {
      best = id;
      bestDist = d;
    }
  }
  return best;
}

/** The node a key press moves to from `from`, or undefined when there is none that way. */
export function move(from: string, key: Direction, g: NavigationGraph): string | undefined {
  const here = g.pos.get(from);
  const column = g.columnOf.get(from);
  if (!here || column === undefined) return undefined;
  if (key === 'ArrowRight' || key === 'ArrowLeft') {
    const linked = nearest((key === 'ArrowRight' ? g.next : g.prev).get(from) ?? [], here.y, g);
    if (linked) return linked;
    // No link that way: the nearest node of the nearest column that way.
    const step = key === 'ArrowRight' ? 1 : -1;
    const columns = [...new Set(g.columnOf.values())].filter((c) => (c - column) * step > 0).sort((a, b) => (a - b) * step);
    for (const c of columns) {
      const found = nearest([...g.columnOf].filter(([, col]) => col === c).map(([id]) => id), here.y, g);
      if (found) return found;
    }
    return undefined;
  }
  const below = key === 'ArrowDown';
  let best: string | undefined;
  let bestDist = Infinity;
  for (const [id, c] of g.columnOf) {
    if (c !== column || id === from || !g.visible(id)) continue;
    const p = g.pos.get(id);
    if (!p) continue;
    const d = below ? p.y - here.y : here.y - p.y;
    // Same height (sub-columns side by side): order by x so every node is reachable.
    const tie = d === 0 && (below ? p.x > here.x : p.x < here.x);
    if ((d > 0 || tie) && d < bestDist) {
      best = id;
      bestDist = d;
    }
  }
  return best;
}
