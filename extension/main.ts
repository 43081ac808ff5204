/**
 * The VS Code client: starts the RecLens language server in its own Node
 * process and relays settings. No parsing happens here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { documentSelector } from '../protocol/documents';
import { StatusNotification, type StatusParams } from '../protocol/messages';
import { showTasks } from './tasks';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const log = vscode.window.createOutputChannel('RecLens', { log: true });
  context.subscriptions.push(log);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector.map((language) => ({ language })),
    synchronize: { configurationSection: 'reclens' },
    // Item indexes are cached per user, next to the extension's other state.
    initializationOptions: { cacheDir: path.join(context.globalStorageUri.fsPath, 'index') },
    outputChannel: log,
    traceOutputChannel: log,
  };
  client = new LanguageClient('reclens', 'RecLens', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onNotification(StatusNotification, (status: StatusParams) => {
      log.info(`itemic tokens: ${status.grammar}; item pool: ${status.items} items from ${status.tables.length ? status.tables.join(', ') : 'no table (set reclens.alignment.paths)'}`);
      for (const p of status.problems) log.warn(p);
    }),
  );
  context.subscriptions.push(showTasks(client));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
