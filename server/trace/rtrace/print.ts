/** Printing the lossless tree back to text. */
import type { Node, RtraceSyntax } from './tree';
import type { SourceLine } from './lines';

function emit(out: string[], lines: readonly SourceLine[]): void {
  for (const l of lines) out.push(l.text, l.eol);
}

function emitNodes(out: string[], nodes: readonly Node[]): void {
  for (const n of nodes) emit(out, n.lines);
}

/** The exact text a tree was parsed from: `printSyntax(parseRtraceSyntax(t)) === t`. */
export function printSyntax(tree: RtraceSyntax): string {
  const out: string[] = [tree.bom];
  emitNodes(out, tree.prologue);
  for (const s of tree.sections) {
    emit(out, [s.head]);
    emitNodes(out, s.body);
    if (s.close) emit(out, [s.close]);
    if (s.after) emitNodes(out, s.after);
  }
  return out.join('');
}
