/**
 * The Reasoning Steps view (Explorer, id `reclens.steps`): the layers of
 * the trace at the cursor, their steps and the items each step names, item
 * titles resolved, all from the server's graph; clicking a row reveals it.
 * Next Step / Previous Step (`reclens.nextStep`, `reclens.previousStep`)
 * move the cursor from step to step, across a dump's generations; the view
 * and an open graph follow the cursor.
 */
import * as vscode from 'vscode';
import type { GraphRange } from '../../protocol/graph';
import type { RecLens } from '../context';
import { command } from '../commands/command';
import type { CurrentTrace, ShownTrace } from './current-trace';
import { adjacentStep, stepAt, stepsInOrder, stepTree, type StepEntry, type StepItem, type StepLayer } from './step-tree';
import { adjacentRegion, regionAt } from './trace-regions';

export const STEPS_VIEW = 'reclens.steps';
const REVEAL_COMMAND = 'reclens.revealStep';

type Row =
  | { kind: 'layer'; id: string; layer: StepLayer }
  | { kind: 'step'; id: string; step: StepEntry; parent: Row }
  | { kind: 'item'; id: string; item: StepItem; step: StepEntry; parent: Row };

const toRange = (r: GraphRange): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

class StepsTree implements vscode.TreeDataProvider<Row> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Row[] = [];
  private readonly children = new Map<Row, Row[]>();
  /** Step rows by node id, for revealing the step at the cursor. */
  readonly byNode = new Map<string, Row>();
  shown: ShownTrace | undefined;

  show(trace: ShownTrace | undefined): void {
    this.shown = trace;
    this.roots = [];
    this.children.clear();
    this.byNode.clear();
    for (const layer of trace ? stepTree(trace.graph) : []) {
      const layerRow: Row = { kind: 'layer', id: `layer:${layer.name}`, layer };
      this.roots.push(layerRow);
      const steps = layer.steps.map((step): Row => {
        const row: Row = { kind: 'step', id: `step:${step.id}`, step, parent: layerRow };
        this.byNode.set(step.id, row);
        this.children.set(
          row,
          step.items.map((item, i): Row => ({ kind: 'item', id: `item:${step.id}:${i}`, item, step, parent: row })),
        );
        return row;
      });
      this.children.set(layerRow, steps);
    }
    this.changed.fire();
  }

  getChildren(row?: Row): Row[] {
    return row ? (this.children.get(row) ?? []) : this.roots;
  }

  getParent(row: Row): Row | undefined {
    return row.kind === 'layer' ? undefined : row.parent;
  }

  getTreeItem(row: Row): vscode.TreeItem {
    const uri = this.shown?.uri;
    if (row.kind === 'layer') {
      const n = row.layer.steps.length;
      const item = new vscode.TreeItem(row.layer.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = row.id;
      item.description = `${row.layer.stage} · ${n} ${row.layer.steps[0]?.kind === 'recommendation' ? 'item' : 'step'}${n === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon('symbol-module');
      return item;
    }
    if (row.kind === 'step') {
      const { step } = row;
      const hasItems = (this.children.get(row)?.length ?? 0) > 0;
      const item = new vscode.TreeItem(step.kind === 'recommendation' ? `#${step.id.replace(/^rec/, '')}` : step.id, hasItems ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = row.id;
      item.description = step.label;
      item.tooltip = new vscode.MarkdownString().appendText(step.text);
      item.iconPath = new vscode.ThemeIcon(step.kind === 'recommendation' ? (step.hit ? 'pass' : 'circle-large-outline') : 'symbol-event');
      item.contextValue = step.kind;
      if (uri && step.range) item.command = { command: REVEAL_COMMAND, title: 'Reveal', arguments: [uri, step.range] };
      return item;
    }
    const { item: it, step } = row;
    const item = new vscode.TreeItem(it.title ?? it.code, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = it.via ? `${it.via} · ${it.code}` : it.title ? it.code : 'not in the item pool';
    item.tooltip = new vscode.MarkdownString().appendText(`${it.title ?? '(unknown item)'}\n${it.code}${it.via ? `\ncited as ${it.via}` : ''}`);
    item.iconPath = new vscode.ThemeIcon(it.via ? 'history' : 'symbol-enum-member');
    const range = it.range ?? step.range;
    if (uri && range) item.command = { command: REVEAL_COMMAND, title: 'Reveal', arguments: [uri, range] };
    return item;
  }
}

/** Registers the view, its reveal command and Next / Previous Step. */
export function registerStepsView(r: RecLens, current: CurrentTrace): vscode.Disposable[] {
  const tree = new StepsTree();
  const view = vscode.window.createTreeView(STEPS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  let pending: ReturnType<typeof setTimeout> | undefined;

  const describe = (t: ShownTrace | undefined): void => {
    view.description = t ? t.graph.title : undefined;
  };

  /** Brings the view up to the active editor's cursor (when it is visible: nobody reads it otherwise). */
  async function follow(editor = vscode.window.activeTextEditor): Promise<void> {
    if (!view.visible || !editor) return;
    const t = await current.at(editor);
    if (t && editor.document.uri.toString() === t.uri.toString()) revealAt(editor.selection.active);
  }

  /** Selects the step at `p` in the view. */
  function revealAt(p: vscode.Position): void {
    const t = tree.shown;
    if (!t || !view.visible) return;
    const step = stepAt(stepsInOrder(t.graph), p);
    const row = step && tree.byNode.get(step.id);
    if (row) void view.reveal(row, { select: true, focus: false }).then(undefined, () => undefined);
  }

  const later = (ms: number): void => {
    clearTimeout(pending);
    pending = setTimeout(() => void follow(), ms);
  };

  async function reveal(uri: vscode.Uri, range: GraphRange): Promise<void> {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const target = toRange(range);
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: visible?.viewColumn, selection: new vscode.Selection(target.start, target.start), preserveFocus: false });
    editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Moves the cursor to the next (+1) or previous (-1) step; at a trace's end, into the next trace of a dump. */
  async function move(direction: 1 | -1): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('open a trace (.rtrace, a benchmark dump or chat JSONL) to step through its reasoning');
    const here = editor.selection.active;
    const t = await current.at(editor, here);
    if (!t) throw new Error(`${vscode.workspace.asRelativePath(editor.document.uri)} holds no trace at the cursor`);
    let target = adjacentStep(stepsInOrder(t.graph), here, direction);
    if (!target) {
      // Past the trace's first or last step: the neighbouring trace of a dump, when there is one.
      const regions = await current.regions(editor.document);
      const next = adjacentRegion(regions, regionAt(regions, here), here, direction);
      const other = next && (await current.at(editor, new vscode.Position(next.start.line, next.start.character)));
      const steps = other && other.graph.trace !== t.graph.trace ? stepsInOrder(other.graph) : [];
      target = direction === 1 ? steps[0] : steps[steps.length - 1];
    }
    if (!target?.range) {
      vscode.window.setStatusBarMessage(`RecLens: ${t.graph.title} has no ${direction === 1 ? 'next' : 'previous'} step`, 3000);
      return;
    }
    const range = toRange(target.range);
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  return [
    view,
    current.onDidChange((t) => {
      tree.show(t);
      describe(t);
    }),
    view.onDidChangeVisibility(() => void follow()),
    vscode.window.onDidChangeActiveTextEditor(() => later(0)),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor !== vscode.window.activeTextEditor) return;
      // Inside the trace shown: select its step now; elsewhere the server is asked once the cursor rests.
      const t = tree.shown;
      if (t && t.uri.toString() === e.textEditor.document.uri.toString()) revealAt(e.selections[0].active);
      later(150);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) later(400);
    }),
    { dispose: () => clearTimeout(pending) },
    vscode.commands.registerCommand(REVEAL_COMMAND, (uri: vscode.Uri, range: GraphRange) => reveal(uri, range)),
    command(r, 'reclens.nextStep', 'Next Step', () => move(1)),
    command(r, 'reclens.previousStep', 'Previous Step', () => move(-1)),
  ];
}
