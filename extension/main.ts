/**
 * The VS Code client: starts the RecLens language server in its own Node
 * process, relays settings, and wires the commands, the status bar, the
 * code lenses, the Reasoning Steps view and the debugger. No parsing
 * happens here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { documentSelector } from '../protocol/documents';
import { StatusNotification } from '../protocol/messages';
import { TraceCodeLenses } from './code-lens';
import { registerDemoCommands } from './commands/demo';
import { registerGraphCommands } from './commands/graph';
import { registerItemCommands } from './commands/items';
import { registerRunCommands } from './commands/run';
import { registerSettingsCommands } from './commands/settings';
import type { RecLens } from './context';
import { registerDebugging } from './debug/register';
import { GraphPanel, registerGraphPanel } from './graph-panel';
import { Inference } from './inference';
import { lspTraceChannel } from './lsp-trace';
import { StatusBar } from './status-bar';
import { CurrentTrace } from './steps/current-trace';
import { registerStepsView } from './steps/steps-view';
import { showTasks } from './tasks';
import { traceLanguages } from './trace-symbols';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const log = vscode.window.createOutputChannel('RecLens', { log: true });
  const trace = lspTraceChannel(log);
  context.subscriptions.push(log, trace);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector.map((language) => ({ language })),
    synchronize: { configurationSection: 'reclens' },
    // Item indexes are cached per user, next to the extension's other state.
    initializationOptions: { cacheDir: path.join(context.globalStorageUri.fsPath, 'index') },
    outputChannel: log,
    // `reclens.trace.server` (read by the client under its id) logs the LSP traffic here too.
    traceOutputChannel: trace,
  };
  client = new LanguageClient('reclens', 'RecLens', serverOptions, clientOptions);
  const status = new StatusBar();
  const inference = new Inference(client, log, status);
  const reclens: RecLens = { context, client, log, status, inference };
  GraphPanel.log = (message) => log.warn(`graph: ${message}`);
  const current = new CurrentTrace(client);
  context.subscriptions.push(
    status,
    inference,
    client.onNotification(StatusNotification, (p) => {
      log.info(`itemic tokens: ${p.grammar}; item pool: ${p.items} items from ${p.tables.length ? p.tables.join(', ') : 'no table (set reclens.alignment.paths)'}`);
      for (const problem of p.problems) log.warn(problem);
      status.poolLoaded(p);
    }),
    showTasks(client, (running) => status.setIndexing(running)),
    vscode.languages.registerCodeLensProvider(
      traceLanguages.map((language) => ({ language })),
      new TraceCodeLenses(client),
    ),
    ...registerRunCommands(reclens),
    ...registerSettingsCommands(reclens),
    ...registerItemCommands(reclens),
    ...registerDemoCommands(reclens),
    ...registerGraphCommands(reclens),
    registerGraphPanel(context),
    current,
    ...registerStepsView(reclens, current),
    // Where the debugger stopped: the open graph marks the node (the editor, the steps view and the graph follow the cursor VS Code moved there).
    ...registerDebugging(reclens, current, (p) => GraphPanel.highlightIn(vscode.Uri.parse(p.uri).toString(), p.traceId, p.nodeId ?? null)),
    vscode.commands.registerCommand('reclens.showLog', () => log.show()),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
