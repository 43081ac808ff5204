/**
 * Where traces made by the editor go: `.reclens/traces/` of the first
 * workspace folder (the folder the language server resolves settings
 * against), as real files so that graphs, diffs and "Compare" can open
 * them. Without a folder they open as untitled `.rtrace` documents.
 */
import * as vscode from 'vscode';

export const TRACES_FOLDER = '.reclens/traces';

/** Writes `text` as `fileName` and returns its URI (an untitled document's when no folder is open). */
export async function saveTrace(fileName: string, text: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const doc = await vscode.workspace.openTextDocument({ language: 'rtrace', content: text });
    return doc.uri;
  }
  const dir = vscode.Uri.joinPath(folder.uri, ...TRACES_FOLDER.split('/'));
  await vscode.workspace.fs.createDirectory(dir);
  const uri = vscode.Uri.joinPath(dir, fileName);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** The URI as the user reads it: workspace-relative when inside the workspace. */
export function displayPath(uri: vscode.Uri): string {
  return uri.scheme === 'untitled' ? 'an untitled document' : vscode.workspace.asRelativePath(uri, false);
}
