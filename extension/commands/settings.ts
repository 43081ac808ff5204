/** Settings commands: Select Model…, Select Alignment Table…, Rebuild Item Index. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RebuildIndexRequest } from '../../protocol/messages';
import type { RecLens } from '../context';
import { pickModel, settingPath } from '../pick-model';
import { choose } from '../quick-pick';
import { command } from './command';

/** Table files RecLens reads (`reclens.alignment.paths`). */
const TABLE_EXTENSIONS = ['parquet', 'jsonl', 'ndjson', 'json', 'csv', 'tsv'];

/** Workspace settings when a folder is open, else user settings. */
const target = (): vscode.ConfigurationTarget => (vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);

type TableEntry = string | { path: string };

export function registerSettingsCommands(r: RecLens): vscode.Disposable[] {
  async function selectModel(): Promise<void> {
    const folder = await pickModel(r.client, { title: 'RecLens: Select Model', placeholder: 'The model that Run Inference uses (reclens.model.path)' });
    if (!folder) return;
    const value = settingPath(folder);
    await vscode.workspace.getConfiguration('reclens').update('model.path', value, target());
    r.log.info(`reclens.model.path = ${value}`);
    const note = vscode.workspace.isTrusted ? '' : ' It takes effect once you trust this workspace (model paths are ignored in Restricted Mode).';
    void vscode.window.showInformationMessage(`RecLens: inference now uses ${path.basename(folder.fsPath)} (${value}).${note}`);
  }

  async function selectTable(): Promise<void> {
    const files = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: true,
      openLabel: 'Use as alignment table',
      title: 'RecLens: Select Alignment Table',
      filters: { 'Item tables': TABLE_EXTENSIONS },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!files?.length) return;
    const config = vscode.workspace.getConfiguration('reclens');
    const current = config.get<TableEntry[]>('alignment.paths', []);
    const added = files.map(settingPath);
    let next = added;
    if (current.length) {
      const names = current.map((e) => (typeof e === 'string' ? e : e.path)).join(', ');
      const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { replace: boolean }>();
      pick.title = 'RecLens: Select Alignment Table';
      pick.placeholder = `Now: ${names}`;
      pick.items = [
        { label: 'Add to the item tables', description: `keep ${names}`, replace: false },
        { label: 'Replace the item tables', description: `use only ${added.join(', ')}`, replace: true },
      ];
      const chosen = await choose(pick);
      if (!chosen) return;
      const same = (e: TableEntry): boolean => added.includes(typeof e === 'string' ? e : e.path);
      next = chosen.replace ? added : [...current.filter((e) => !same(e)), ...added] as string[];
    }
    await config.update('alignment.paths', next, target());
    r.log.info(`reclens.alignment.paths = ${JSON.stringify(next)}`);
  }

  async function rebuildIndex(): Promise<void> {
    const result = await r.client.sendRequest(RebuildIndexRequest);
    const names = (files: string[]): string => files.map((t) => path.basename(t)).join(', ');
    const reused = result.tables.filter((t) => !result.built.includes(t));
    const message = !result.tables.length
      ? 'RecLens: no item table could be indexed: check reclens.alignment.paths.'
      : `RecLens: ${result.items.toLocaleString('en')} items; index rebuilt for ${names(result.built) || 'no table'}` +
        (reused.length ? `; ${names(reused)} came from the cache (a reload was running: run Rebuild Item Index again).` : '.');
    r.log.info(message);
    // The index builds' own notifications may crowd the toast out: the status bar says it too.
    vscode.window.setStatusBarMessage(message, 10_000);
    for (const p of result.problems) r.log.warn(p);
    if (result.problems.length || !result.tables.length) void vscode.window.showWarningMessage(result.problems.length ? `${message} ${result.problems[0]}` : message);
    else void vscode.window.showInformationMessage(message);
  }

  return [
    command(r, 'reclens.selectModel', 'Select Model', selectModel),
    command(r, 'reclens.selectAlignmentTable', 'Select Alignment Table', selectTable),
    command(r, 'reclens.rebuildIndex', 'Rebuild Item Index', rebuildIndex),
  ];
}
