/**
 * Checking the evidence graph of a trace: ids defined once, links that
 * resolve, links that point back along the stages (history → perception →
 * cognition → recommendation), and no cycles. Linear in steps plus links.
 */
import type { Span } from '../../items/types';
import type { Problem } from '../model';
import { problem } from './problem';
import type { Ref } from './tree';

/** Something that defines an id and/or cites ids: a history item, a step or a recommendation. */
export interface GraphEntry {
  /** Undefined for entries nobody can cite (recommendations). */
  id?: string;
  /** Where the id (or, for a recommendation, the rank) is written. */
  idSpan: Span;
  /** Stage rank (layers.ts); undefined when the layer is unknown, which skips the stage checks. */
  rank?: number;
  /** How messages name it: `history item`, `cognition step`, `recommendation`. */
  label: string;
  refs: Ref[];
}

/** Report duplicate ids, dangling links, links against the stage order, and cycles. */
export function checkEvidence(entries: readonly GraphEntry[], lineOf: (offset: number) => number, problems: Problem[]): void {
  const index = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.id === undefined) return;
    const first = index.get(e.id);
    if (first === undefined) index.set(e.id, i);
    else
      problems.push(
        problem(e.idSpan.start, e.idSpan.end, 'step/duplicate-id', `\`${e.id}\` is already defined on line ${lineOf(entries[first].idSpan.start)}; give this ${e.label} another id (links resolve to the first one).`),
      );
  });

  const edges: { to: number; ref: Ref }[][] = entries.map(() => []);
  entries.forEach((e, i) => {
    const name = e.id === undefined ? `this ${e.label}` : `${e.label} \`${e.id}\``;
    for (const ref of e.refs) {
      const t = index.get(ref.id);
      if (t === undefined) {
        problems.push(problem(ref.span.start, ref.span.end, 'step/dangling-evidence', `\`${ref.id}\` is not defined in this trace; cite a history item or a step defined above, or define \`${ref.id}\`.`));
        continue;
      }
      if (t === i) {
        problems.push(problem(ref.span.start, ref.span.end, 'step/evidence-cycle', `${capital(name)} cites itself; evidence must point to other, earlier steps.`));
        continue;
      }
      const target = entries[t];
      if (e.rank !== undefined && target.rank !== undefined) {
        if (target.rank > e.rank) {
          problems.push(
            problem(
              ref.span.start,
              ref.span.end,
              'step/evidence-stage',
              `${capital(name)} cites \`${ref.id}\`, a ${target.label} of a later stage; evidence points back along history → perception → cognition → recommendation. Move the step or cite an earlier one.`,
            ),
          );
        } else if (target.rank === e.rank && t > i) {
          problems.push(
            problem(ref.span.start, ref.span.end, 'step/forward-evidence', `${capital(name)} cites \`${ref.id}\`, which comes later in the same stage; cite steps above it or reorder the steps.`, 'warning'),
          );
        }
      }
      edges[i].push({ to: t, ref });
    }
  });
  findCycles(entries, edges, problems);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Iterative depth-first search (a recursive one overflows on 100k-step chains); one problem per back edge. */
function findCycles(entries: readonly GraphEntry[], edges: { to: number; ref: Ref }[][], problems: Problem[]): void {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Uint8Array(entries.length);
  const stack: number[] = [];
  const next: number[] = [];
  for (let root = 0; root < entries.length; root++) {
    if (colour[root] !== WHITE || edges[root].length === 0) continue;
    stack.push(root);
    next.push(0);
    colour[root] = GREY;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top];
      if (next[top] >= edges[node].length) {
        colour[node] = BLACK;
        stack.pop();
        next.pop();
        continue;
      }
      const { to, ref } = edges[node][next[top]++];
      if (colour[to] === WHITE) {
        colour[to] = GREY;
        stack.push(to);
        next.push(0);
      } else if (colour[to] === GREY) {
        const loop = stack.slice(stack.lastIndexOf(to)).map((k) => entries[k].id ?? '?');
        const shown = loop.length > 8 ? [...loop.slice(0, 4), '…', ...loop.slice(-3)] : loop;
        problems.push(
          problem(ref.span.start, ref.span.end, 'step/evidence-cycle', `Evidence forms a cycle: ${[...shown, entries[to].id ?? '?'].join(' → ')}; reasoning must not depend on itself — remove one of these links.`),
        );
      }
    }
  }
}
