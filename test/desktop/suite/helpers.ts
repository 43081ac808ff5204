/** Shared by the desktop tests: the demo workspace, the extension, polling. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const extensionId = 'reclens.reclens';

/** The demo folder that the launcher opens as the workspace. */
export function demoUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  assert.equal(path.basename(folder.uri.fsPath), 'demo', `the workspace is demo/: ${folder.uri.fsPath}`);
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Opens a document in an editor and waits until RecLens has activated for it. */
export async function openDemo(...segments: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(demoUri(...segments));
  await vscode.window.showTextDocument(doc);
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is loaded as the development extension`);
  await extension.activate();
  assert.ok(extension.isActive, 'the extension is active');
  return doc;
}

/** The position `offset` characters into the only occurrence of `needle`. */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const text = doc.getText();
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is in ${doc.uri.fsPath}`);
  assert.equal(text.indexOf(needle, at + 1), -1, `"${needle}" occurs once in ${doc.uri.fsPath}`);
  return doc.positionAt(at + offset);
}

/** Calls `probe` until `done` accepts its answer (the language server may still be analysing). */
export async function eventually<T>(probe: () => Thenable<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; last answer: ${JSON.stringify(last)}`);
}

/** The text of every hover at a position, through VS Code's hover providers. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** Waits (on onDidChangeDiagnostics) until a diagnostic of `uri` satisfies `match`. */
export function diagnosticWhere(uri: vscode.Uri, match: (d: vscode.Diagnostic) => boolean, what: string, timeoutMs = 60_000): Promise<vscode.Diagnostic> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = vscode.languages.getDiagnostics(uri).find(match);
      if (!found) return false;
      finish();
      resolve(found);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(codeOf(d))} ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; diagnostics: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    function finish(): void {
      clearTimeout(timer);
      listener.dispose();
    }
    check();
  });
}

/** A diagnostic's code, whether written plainly or with a link. */
export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

/** Where a definition result points, for both Location and LocationLink answers. */
export function targetOf(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range } {
  return 'targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range };
}
