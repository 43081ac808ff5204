/**
 * Find Item…: search the item pool by title, caption or category (the
 * server's workspace symbols, typed as you go), then reveal the item's row
 * in its table, copy its code, or insert the code at the cursor.
 */
import * as vscode from 'vscode';
import { WorkspaceSymbolRequest, type SymbolInformation, type WorkspaceSymbol } from 'vscode-languageclient/node';
import type { RecLens } from '../context';
import { choose, searchAsTyped } from '../quick-pick';
import { command } from './command';

interface ItemPick extends vscode.QuickPickItem {
  symbol: SymbolInformation;
}

/** The server names an item's code and id in the symbol's container: `<code> · <id>`. */
function codeAndId(symbol: SymbolInformation): { code: string; id: string } {
  const [code, ...id] = (symbol.containerName ?? '').split(' · ');
  return { code: code.trim(), id: id.join(' · ').trim() };
}

export function registerItemCommands(r: RecLens): vscode.Disposable[] {
  async function findItem(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const pick = vscode.window.createQuickPick<ItemPick>();
    pick.title = 'RecLens: Find Item';
    pick.placeholder = 'Search items by title, caption or category';
    searchAsTyped(
      pick,
      (value) => (value.trim() ? r.client.sendRequest(WorkspaceSymbolRequest.type, { query: value }) : Promise.resolve([])),
      (symbols) => {
        // The server matched words anywhere in the text: show its answer as it is, unfiltered (it answers with ranges: SymbolInformation).
        pick.items = (symbols ?? []).filter((s: SymbolInformation | WorkspaceSymbol): s is SymbolInformation => 'range' in s.location).map((s) => {
          const { code, id } = codeAndId(s);
          return { label: s.name, description: id, detail: code, symbol: s, alwaysShow: true };
        });
      },
      (e) => r.log.warn(`Find Item: ${e instanceof Error ? e.message : String(e)}`),
    );
    const chosen = await choose(pick);
    if (!chosen) return;
    const { code, id } = codeAndId(chosen.symbol);
    const actions: (vscode.QuickPickItem & { run: () => Promise<void> })[] = [
      { label: '$(go-to-file) Reveal in table', description: vscode.workspace.asRelativePath(vscode.Uri.parse(chosen.symbol.location.uri), false), run: () => reveal(chosen.symbol) },
      { label: '$(copy) Copy code', description: code, run: () => copy(code) },
    ];
    if (editor && !editor.document.isClosed) actions.push({ label: '$(insert) Insert code at cursor', description: vscode.workspace.asRelativePath(editor.document.uri, false), run: () => insert(editor, code) });
    const action = vscode.window.createQuickPick<(typeof actions)[number]>();
    action.title = `RecLens: ${chosen.label} (${id})`;
    action.placeholder = code;
    action.items = actions;
    await (await choose(action))?.run();
  }

  async function reveal(symbol: SymbolInformation): Promise<void> {
    const uri = vscode.Uri.parse(symbol.location.uri);
    const { start } = symbol.location.range;
    const position = new vscode.Position(start.line, start.character);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
    r.log.info(`Find Item: revealed ${symbol.name} at ${uri.toString()}:${start.line + 1}`);
  }

  async function copy(code: string): Promise<void> {
    await vscode.env.clipboard.writeText(code);
    r.log.info(`Find Item: copied ${code}`);
    vscode.window.setStatusBarMessage(`RecLens: copied ${code}`, 5000);
  }

  async function insert(editor: vscode.TextEditor, code: string): Promise<void> {
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await editor.edit((edit) => {
      for (const s of editor.selections) edit.replace(s, code);
    });
    r.log.info(`Find Item: inserted ${code} into ${editor.document.uri.toString()}`);
  }

  return [command(r, 'reclens.findItem', 'Find Item', findItem)];
}
