/**
 * `reclens.trace.server` for vscode-languageclient 11, which traces LSP
 * messages only into a channel whose log level is Trace (and then treats
 * "off" as "messages"). This channel reports Trace while the setting is on
 * and writes the trace into the RecLens channel at info level, so the
 * setting alone turns tracing on and off, as its description says.
 */
import * as vscode from 'vscode';

const SETTING = 'reclens.trace.server';

export function lspTraceChannel(log: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const level = (): vscode.LogLevel => (vscode.workspace.getConfiguration().get<string>(SETTING, 'off') === 'off' ? vscode.LogLevel.Info : vscode.LogLevel.Trace);
  const changed = new vscode.EventEmitter<vscode.LogLevel>();
  const watch = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SETTING)) changed.fire(level());
  });
  return {
    name: log.name,
    get logLevel() {
      return level();
    },
    onDidChangeLogLevel: changed.event,
    trace: (message, ...args) => log.info(message, ...args),
    debug: (message, ...args) => log.debug(message, ...args),
    info: (message, ...args) => log.info(message, ...args),
    warn: (message, ...args) => log.warn(message, ...args),
    error: (error, ...args) => log.error(error, ...args),
    append: (value) => log.append(value),
    appendLine: (value) => log.appendLine(value),
    replace: (value) => log.replace(value),
    clear: () => log.clear(),
    show: (a?: boolean | vscode.ViewColumn, b?: boolean) => (typeof a === 'boolean' ? log.show(a) : log.show(a, b)),
    hide: () => log.hide(),
    dispose: () => {
      watch.dispose();
      changed.dispose();
    },
  };
}
