/** The outline (trace → sections and layers → entries) and folding ranges of an `.rtrace` tree. */
import type { LayerSpec } from '../../../protocol/layers';
import type { Span } from '../../items/types';
import type { OutlineNode } from '../model';
import type { Node, RtraceSyntax, Section } from './tree';

const DETAIL_MAX = 80;

function short(s: string): string {
  const line = s.split('\n', 1)[0];
  return line.length > DETAIL_MAX ? line.slice(0, DETAIL_MAX - 1) + '…' : line;
}

function leaf(name: string, kind: OutlineNode['kind'], span: Span, selectionSpan: Span, detail?: string): OutlineNode {
  const node: OutlineNode = { name, kind, span, selectionSpan, children: [] };
  if (detail) node.detail = detail;
  return node;
}

function entryNode(n: Node): OutlineNode | undefined {
  switch (n.kind) {
    case 'field':
      return leaf(n.key, 'field', n.span, n.keySpan, short(n.value));
    case 'history':
      return leaf(n.id, 'item', n.span, n.idSpan, n.note ? `${n.item} ${n.note}` : n.item);
    case 'step':
      return leaf(n.id, 'step', n.span, n.idSpan, short(n.text));
    case 'rec': {
      const extra = [n.score === undefined ? '' : `score ${n.score}`, n.hit === undefined ? '' : n.hit ? 'hit' : 'miss'].filter(Boolean).join(', ');
      return leaf(`#${n.rank}`, 'item', n.span, n.rankSpan, extra ? `${n.item} (${extra})` : n.item);
    }
    case 'truth':
      return leaf(n.item, 'item', n.span, n.itemSpan, n.note);
    case 'intervention':
      return leaf(`${n.label} #${n.index}`, 'item', n.span, n.labelSpan, short(`${n.interventionKind}: ${JSON.stringify(n.original.text)} → ${JSON.stringify(n.forced.text)}`));
    default:
      return undefined;
  }
}

function sectionNode(s: Section, spec: LayerSpec | undefined): OutlineNode {
  // Thousands of token lines are one entry: the section, with their count.
  if (s.kind === 'tokens') {
    const count = s.body.reduce((k, n) => (n.kind === 'token' || n.kind === 'invalid' ? k + 1 : k), 0);
    return { name: `tokens ${s.label ?? ''}`, detail: `${count} ${count === 1 ? 'token' : 'tokens'}`, kind: 'section', span: s.span, selectionSpan: s.headSpan, children: [] };
  }
  const children = s.body.map(entryNode).filter((c): c is OutlineNode => c !== undefined);
  if (s.kind === 'layer') return { name: s.name ?? 'layer', detail: spec ? spec.stage : 'unknown layer', kind: 'layer', span: s.span, selectionSpan: s.nameSpan ?? s.headSpan, children };
  const name = s.kind === 'raw' ? (s.label ? `raw ${s.label}` : 'raw') : s.kind === 'unknown' ? s.head.text.trim() : s.kind;
  const node: OutlineNode = { name, kind: 'section', span: s.span, selectionSpan: s.headSpan, children };
  if (children.length > 0) node.detail = `${children.length} ${children.length === 1 ? 'entry' : 'entries'}`;
  return node;
}

/** The outline: one trace node holding the header, the sections and their entries. */
export function buildOutline(tree: RtraceSyntax, textLength: number, layerOf: (s: Section) => LayerSpec | undefined, title: string, detail: string): OutlineNode[] {
  const version = tree.prologue.find((n) => n.kind === 'version');
  const start = tree.bom.length;
  const trace: OutlineNode = { name: title, kind: 'trace', span: { start, end: textLength }, selectionSpan: version ? version.span : { start, end: start }, children: [] };
  if (detail) trace.detail = detail;
  const fields = tree.prologue.filter((n) => n.kind === 'field');
  if (fields.length > 0) {
    const span = { start: fields[0].span.start, end: fields[fields.length - 1].span.end };
    trace.children.push({ name: 'header', kind: 'section', span, selectionSpan: fields[0].keySpan, children: fields.map(entryNode).filter((c): c is OutlineNode => c !== undefined) });
  }
  for (const s of tree.sections) trace.children.push(sectionNode(s, layerOf(s)));
  return [trace];
}

/** Folding ranges: the header, each section (a tokens section folds whole), multi-line steps, and runs of comment lines. */
export function buildFolds(tree: RtraceSyntax): Span[] {
  const folds: Span[] = [];
  const content = tree.prologue.filter((n) => n.kind !== 'blank');
  if (content.length > 1) folds.push({ start: content[0].span.start, end: content[content.length - 1].span.end });
  const comments = (nodes: readonly Node[]): void => {
    let run: Node[] = [];
    const flush = (): void => {
      if (run.length > 1) folds.push({ start: run[0].span.start, end: run[run.length - 1].span.end });
      run = [];
    };
    for (const n of nodes) {
      if (n.kind === 'comment') run.push(n);
      else flush();
    }
    flush();
  };
  comments(tree.prologue);
  for (const s of tree.sections) {
    if (s.span.end > s.head.start + s.head.text.length) folds.push(s.span);
    for (const n of s.body) if (n.kind === 'step' && n.lines.length > 1) folds.push(n.span);
    comments(s.body);
  }
  return folds.sort((a, b) => a.start - b.start);
}
