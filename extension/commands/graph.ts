/**
 * Graph commands: Show Reasoning Graph (the trace or dump sample at the
 * cursor, kept in step with the cursor), Compare Checkpoints… (run two
 * models, or both modes, for one user; or pick two traces) shown as one diff
 * graph, Compare with… (a code lens), and Open Text Diff. Graphs and diffs
 * are built by the server; the extension only relays them to the panel.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DiffRequest, GraphRequest } from '../../protocol/messages';
import type { DecodeOverrides } from '../../protocol/inference';
import type { RecLens } from '../context';
import { GraphPanel } from '../graph-panel';
import { nodeAt } from '../graph-sync';
import { modelFolders, pickModel } from '../pick-model';
import { pickMode } from '../pick-mode';
import { pickUser } from '../pick-user';
import { choose } from '../quick-pick';
import { samplesOf } from '../trace-symbols';
import { command, refusedUntrusted } from './command';

/** One side of a comparison: a trace file, or a sample of a dump. */
export interface TraceRef {
  uri: vscode.Uri;
  trace?: string;
}

interface ShownGraph {
  panel: GraphPanel;
  ref: TraceRef;
}

const label = (ref: TraceRef): string => `${path.basename(ref.uri.path)}${ref.trace ? `#${ref.trace}` : ''}`;

export function registerGraphCommands(r: RecLens): vscode.Disposable[] {
  /** Open graphs by document, refreshed when the document is saved. */
  const shown = new Map<string, ShownGraph>();
  /** The last pair compared, for Open Text Diff without arguments. */
  let lastPair: [vscode.Uri, vscode.Uri] | undefined;

  async function showGraph(uri?: vscode.Uri, trace?: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? editor?.document.uri;
    if (!target) throw new Error('open a trace (.rtrace, a benchmark dump or chat JSONL) to show its reasoning graph');
    const atCursor = !trace && editor && editor.document.uri.toString() === target.toString() ? editor.selection.active : undefined;
    const graph = await r.client.sendRequest(GraphRequest, { uri: target.toString(), trace, position: atCursor && { line: atCursor.line, character: atCursor.character } });
    const ref: TraceRef = { uri: target, trace: graph.trace };
    const panel = GraphPanel.show(r.context, { graph }, { title: `Graph: ${graph.title}`, documentUri: target });
    const key = target.toString();
    shown.set(key, { panel, ref });
    panel.onDidDispose(() => {
      if (shown.get(key)?.panel === panel) shown.delete(key);
    });
    // The panel follows later cursor moves itself; this is where the cursor is now.
    if (atCursor) panel.highlight(nodeAt(graph.nodes, atCursor));
    r.log.info(`graph: ${graph.title}: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);
  }

  async function compareTraces(a?: vscode.Uri | TraceRef, b?: vscode.Uri | TraceRef): Promise<void> {
    const left = a ? toRef(a) : await pickTrace('RecLens: Compare Traces (1 of 2: before)');
    if (!left) return;
    const right = b ? toRef(b) : await pickTrace(`RecLens: Compare ${label(left)} with… (2 of 2: after)`, left);
    if (!right) return;
    await showDiff(left, right);
  }

  async function showDiff(a: TraceRef, b: TraceRef): Promise<void> {
    const diff = await r.client.sendRequest(DiffRequest, { a: { uri: a.uri.toString(), trace: a.trace }, b: { uri: b.uri.toString(), trace: b.trace } });
    GraphPanel.show(r.context, { diff }, { title: `Diff: ${diff.a.title} ↔ ${diff.b.title}` });
    if (!a.trace && !b.trace) lastPair = [a.uri, b.uri];
    r.log.info(`diff: ${label(a)} ↔ ${label(b)}: ${diff.summary.join('; ')}`);
  }

  async function compareCheckpoints(): Promise<void> {
    const models = await modelFolders(r.client);
    const folders = models.folders.map((f) => vscode.Uri.file(f.path));
    type How = vscode.QuickPickItem & { how: 'models' | 'modes' | 'traces' };
    const how = vscode.window.createQuickPick<How>();
    how.title = 'RecLens: Compare Checkpoints';
    how.placeholder = 'What to compare';
    how.items = [
      { how: 'models', label: 'Two checkpoints, one user', description: folders.length >= 2 ? folders.map((f) => path.basename(f.fsPath)).join(' vs ') : 'pick or browse to two model folders' },
      { how: 'modes', label: 'Thinking vs non-thinking, one user', description: 'the current model, both modes' },
      { how: 'traces', label: 'Two trace files', description: 'traces already on disk' },
    ];
    const chosen = (await choose(how))?.how;
    if (!chosen) return;
    if (chosen === 'traces') return await compareTraces();
    if (refusedUntrusted(r, 'Compare Checkpoints')) return;
    // The two runs to diff, before and after.
    let user: string | undefined;
    let sides: [DecodeOverrides, DecodeOverrides];
    if (chosen === 'models') {
      const byName = (name: string): vscode.Uri | undefined => folders.find((f) => path.basename(f.fsPath) === name);
      const a = await pickModel(r.client, { title: 'RecLens: Compare Checkpoints (1 of 2: before)', placeholder: 'The earlier checkpoint', models, preselect: byName('early') ?? folders[0] });
      if (!a) return;
      const b = await pickModel(r.client, { title: `RecLens: Compare ${path.basename(a.fsPath)} with… (2 of 2: after)`, placeholder: 'The later checkpoint', models, preselect: byName('final') ?? folders.find((f) => f.fsPath !== a.fsPath) });
      if (!b) return;
      const what = `RecLens: Compare ${path.basename(a.fsPath)} ↔ ${path.basename(b.fsPath)}`;
      user = await pickUser(r.client, r.context.workspaceState, what);
      const mode = user && (await pickMode(r.context.workspaceState, `${what} for ${user}`));
      if (!mode) return;
      sides = [{ mode, model: a.fsPath }, { mode, model: b.fsPath }];
    } else {
      user = await pickUser(r.client, r.context.workspaceState, 'RecLens: Compare Thinking vs Non-Thinking');
      sides = [{ mode: 'non-thinking' }, { mode: 'thinking' }];
    }
    if (!user) return;
    const quiet = { show: false, announce: false } as const;
    const ra = await r.inference.run(user, sides[0], quiet);
    const rb = ra && (await r.inference.run(user, sides[1], quiet));
    if (!ra || !rb) return;
    await showDiff({ uri: ra.uri }, { uri: rb.uri });
    void vscode.window.showInformationMessage(`RecLens: traces saved to ${vscode.workspace.asRelativePath(ra.uri, false)} and ${vscode.workspace.asRelativePath(rb.uri, false)}.`, 'Open Text Diff').then((picked) => {
      if (picked) void vscode.commands.executeCommand('reclens.openTextDiff', ra.uri, rb.uri);
    });
  }

  /** Compare with… on a trace header or a dump sample: pick the other side. */
  async function compareWith(uri?: vscode.Uri, trace?: string): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target) throw new Error('open a trace to compare it');
    const left: TraceRef = { uri: target, trace };
    const right = await pickTrace(`RecLens: Compare ${label(left)} with…`, left);
    if (right) await showDiff(left, right);
  }

  async function openTextDiff(a?: vscode.Uri, b?: vscode.Uri): Promise<void> {
    let pair: [vscode.Uri, vscode.Uri] | undefined = a && b ? [a, b] : lastPair;
    if (!pair) {
      const left = await pickTrace('RecLens: Open Text Diff (1 of 2)', undefined, false);
      const right = left && (await pickTrace(`RecLens: Open Text Diff: ${label(left)} with…`, left, false));
      if (!left || !right) return;
      pair = [left.uri, right.uri];
    }
    lastPair = pair;
    await vscode.commands.executeCommand('vscode.diff', pair[0], pair[1], `${path.basename(pair[0].path)} ↔ ${path.basename(pair[1].path)}`);
  }

  /**
   * Asks for a trace: the other samples of `near`'s dump (when it is one),
   * the `.rtrace` files of the workspace (saved runs included), or Browse….
   */
  async function pickTrace(title: string, near?: TraceRef, samples = true): Promise<TraceRef | undefined> {
    type Item = vscode.QuickPickItem & { ref?: TraceRef; browse?: boolean };
    const items: Item[] = [];
    if (samples && near?.trace) {
      const others = (await samplesOf(r.client, near.uri)).filter((s) => s.id !== near.trace);
      if (others.length) items.push({ label: path.basename(near.uri.path), kind: vscode.QuickPickItemKind.Separator });
      items.push(...others.map((s) => ({ label: s.id, description: `line ${s.line + 1}`, ref: { uri: near.uri, trace: s.id } })));
    }
    const files = (await vscode.workspace.findFiles('**/*.rtrace', '**/node_modules/**', 1000)).filter((f) => f.toString() !== (near && !near.trace ? near.uri.toString() : ''));
    files.sort((x, y) => x.fsPath.localeCompare(y.fsPath));
    if (files.length) items.push({ label: 'trace files', kind: vscode.QuickPickItemKind.Separator });
    items.push(...files.map((f) => ({ label: path.basename(f.path), description: vscode.workspace.asRelativePath(path.dirname(f.fsPath), false), ref: { uri: f } })));
    items.push({ label: '$(folder-opened) Browse…', browse: true });
    const pick = vscode.window.createQuickPick<Item>();
    pick.title = title;
    pick.placeholder = 'A trace to compare';
    pick.matchOnDescription = true;
    pick.items = items;
    const chosen = await choose(pick);
    if (!chosen) return undefined;
    if (chosen.ref) return chosen.ref;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel: 'Compare', filters: { Traces: ['rtrace', 'json', 'jsonl'] } });
    return picked?.[0] && { uri: picked[0] };
  }

  // The panel follows the cursor itself; a save rebuilds the graph.
  const onSave = vscode.workspace.onDidSaveTextDocument(async (doc) => {
    const entry = shown.get(doc.uri.toString());
    if (!entry) return;
    try {
      const graph = await r.client.sendRequest(GraphRequest, { uri: doc.uri.toString(), trace: entry.ref.trace });
      entry.panel.update({ graph });
    } catch (e) {
      r.log.warn(`graph refresh of ${doc.uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  return [
    onSave,
    command(r, 'reclens.showGraph', 'Show Reasoning Graph', showGraph),
    // Comparing traces on disk needs no trust; running the checkpoints does (checked once that is chosen).
    command(r, 'reclens.compareCheckpoints', 'Compare Checkpoints', compareCheckpoints),
    command(r, 'reclens.compareTraces', 'Compare Traces', compareTraces),
    command(r, 'reclens.compareWith', 'Compare with', compareWith),
    command(r, 'reclens.openTextDiff', 'Open Text Diff', openTextDiff),
  ];
}

function toRef(x: vscode.Uri | TraceRef): TraceRef {
  return x instanceof vscode.Uri ? { uri: x } : x;
}
