/**
 * Model folders: found in the workspace (a `config.json` beside `model.onnx`
 * or `onnx/model.onnx`, the layout Optimum and transformers.js export), or
 * browsed to; and how a chosen folder is written to `reclens.model.path`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { choose } from './quick-pick';

/** Folders scanned at most. */
const MAX_CONFIGS = 500;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Whether `folder` holds a model in the standard decoder layout. */
export async function isModelFolder(folder: vscode.Uri): Promise<boolean> {
  if (!(await exists(vscode.Uri.joinPath(folder, 'config.json')))) return false;
  return (await exists(vscode.Uri.joinPath(folder, 'model.onnx'))) || exists(vscode.Uri.joinPath(folder, 'onnx', 'model.onnx'));
}

/** Model folders in the workspace, sorted by path (hidden folders such as `.reclens` included; `node_modules` not). */
export async function findModelFolders(): Promise<vscode.Uri[]> {
  const configs = await vscode.workspace.findFiles('**/config.json', '**/node_modules/**', MAX_CONFIGS);
  const folders = configs.map((c) => vscode.Uri.joinPath(c, '..'));
  const found = (await Promise.all(folders.map(async (f) => ((await isModelFolder(f)) ? f : undefined)))).filter((f): f is vscode.Uri => f !== undefined);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** The folder a `reclens.model.path` value names (relative to the first workspace folder), when set. */
export function configuredModel(): vscode.Uri | undefined {
  const value = vscode.workspace.getConfiguration('reclens').get<string>('model.path', '');
  if (!value) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  return vscode.Uri.file(path.resolve(base, value));
}

/** How a folder is written into settings: relative to the first workspace folder when inside it (portable), else absolute. */
export function settingPath(uri: vscode.Uri): string {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (base) {
    const rel = path.relative(base, uri.fsPath);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return uri.fsPath;
}

interface ModelItem extends vscode.QuickPickItem {
  folder?: vscode.Uri;
  browse?: boolean;
}

/**
 * Asks for a model folder among those in the workspace, or "Browse…".
 * `preselect` is the folder whose row starts active. Resolves undefined when dismissed.
 */
export async function pickModel(options: { title: string; placeholder: string; preselect?: vscode.Uri; folders?: vscode.Uri[] }): Promise<vscode.Uri | undefined> {
  const folders = options.folders ?? (await findModelFolders());
  const current = configuredModel()?.fsPath;
  const items: ModelItem[] = folders.map((f) => ({
    label: path.basename(f.fsPath),
    description: vscode.workspace.asRelativePath(f, false),
    detail: f.fsPath === current ? 'reclens.model.path (current)' : undefined,
    folder: f,
  }));
  items.push({ label: '$(folder-opened) Browse…', description: 'a folder with model.onnx (or onnx/model.onnx) and config.json', browse: true });
  const pick = vscode.window.createQuickPick<ModelItem>();
  pick.title = options.title;
  pick.placeholder = folders.length ? options.placeholder : `${options.placeholder} (no model folder found in the workspace)`;
  pick.items = items;
  pick.matchOnDescription = true;
  const pre = options.preselect?.fsPath ?? current;
  pick.activeItems = items.filter((i) => i.folder?.fsPath === pre);
  const chosen = await choose(pick);
  if (!chosen) return undefined;
  if (chosen.folder) return chosen.folder;
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Use this model', title: options.title, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
  const folder = picked?.[0];
  if (!folder) return undefined;
  if (!(await isModelFolder(folder))) {
    void vscode.window.showWarningMessage(`RecLens: ${folder.fsPath} is not a model folder: it needs config.json and model.onnx (or onnx/model.onnx), with tokenizer.json beside them.`);
    return undefined;
  }
  return folder;
}
