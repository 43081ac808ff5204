/**
 * The model picker of Select Model… and Compare Checkpoints…: the model
 * folders the server found in the workspace (`reclens/modelFolders`), or a
 * folder browsed to and checked by the server (`reclens/inspectModel`); and
 * how a chosen folder is written to `reclens.model.path`. The extension
 * knows nothing of the model layout itself.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { InspectModelRequest, ModelFoldersRequest, type ModelFoldersResult } from '../protocol/messages';
import { choose } from './quick-pick';

/** The workspace's model folders and the configured one, as the server sees them. */
export function modelFolders(client: LanguageClient): Promise<ModelFoldersResult> {
  return client.sendRequest(ModelFoldersRequest, {});
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

export interface PickModelOptions {
  title: string;
  placeholder: string;
  /** The folder whose row starts active (default: the configured model). */
  preselect?: vscode.Uri;
  /** The folders to offer, when the caller has already asked the server. */
  models?: ModelFoldersResult;
}

/** Asks for a model folder among those in the workspace, or "Browse…"; resolves undefined when dismissed or when the browsed folder holds no model (said in a warning). */
export async function pickModel(client: LanguageClient, options: PickModelOptions): Promise<vscode.Uri | undefined> {
  const models = options.models ?? (await modelFolders(client));
  const items: ModelItem[] = models.folders.map((f) => {
    const folder = vscode.Uri.file(f.path);
    return {
      label: path.basename(f.path),
      description: vscode.workspace.asRelativePath(folder, false),
      detail: f.path === models.current ? 'reclens.model.path (current)' : undefined,
      folder,
    };
  });
  items.push({ label: '$(folder-opened) Browse…', description: 'a folder with config.json, tokenizer.json and an ONNX decoder (model.onnx)', browse: true });
  const pick = vscode.window.createQuickPick<ModelItem>();
  pick.title = options.title;
  pick.placeholder = models.folders.length ? options.placeholder : `${options.placeholder} (no model folder found in the workspace)`;
  pick.items = items;
  pick.matchOnDescription = true;
  const pre = options.preselect?.fsPath ?? models.current;
  pick.activeItems = items.filter((i) => i.folder?.fsPath === pre);
  const chosen = await choose(pick);
  if (!chosen) return undefined;
  if (chosen.folder) return chosen.folder;
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Use this model', title: options.title, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
  const folder = picked?.[0];
  if (!folder) return undefined;
  const status = await client.sendRequest(InspectModelRequest, { path: folder.fsPath });
  if (!status.ok) {
    void vscode.window.showWarningMessage(`RecLens: not a model folder: ${status.problem}`);
    return undefined;
  }
  return folder;
}
