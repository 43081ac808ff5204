/**
 * The VS Code side of the RecLens debugger (debug type `reclens`): the
 * configuration provider and the adapter factory, Debug This Trace, the
 * live-run interventions (enabled while a session is paused: context key
 * `reclens.debugPaused`), and the adapter's custom events — where it
 * stopped (handed to `onPosition`: the graph and the steps view follow)
 * and the trace a live run wrote (opened beside, and compared with the
 * unmodified run when the run was changed).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE, isLiveLaunch, POSITION_EVENT, TRACE_WRITTEN_EVENT, type PositionEventBody, type TraceWrittenEventBody } from '../../protocol/debug';
import { command } from '../commands/command';
import type { RecLens } from '../context';
import type { CurrentTrace } from '../steps/current-trace';
import { RecLensDebugAdapters } from './adapter';
import { RecLensDebugConfigurations, traceConfiguration } from './configurations';
import { forceToken, replaceRest } from './interventions';
import { pausedAfter, type DapMessage } from './pause-state';

const PAUSED_KEY = 'reclens.debugPaused';
const LIVE_KEY = 'reclens.debugLive';

export function registerDebugging(r: RecLens, current: CurrentTrace, onPosition: (body: PositionEventBody) => void): vscode.Disposable[] {
  const configurations = new RecLensDebugConfigurations(r, current);
  /** Paused sessions, by session id. */
  const paused = new Map<string, boolean>();

  const updateContext = (): void => {
    const s = vscode.debug.activeDebugSession;
    const ours = s?.type === DEBUG_TYPE ? s : undefined;
    void vscode.commands.executeCommand('setContext', PAUSED_KEY, !!ours && paused.get(ours.id) === true);
    void vscode.commands.executeCommand('setContext', LIVE_KEY, !!ours && isLiveLaunch(ours.configuration));
  };
  const track = (session: vscode.DebugSession, message: DapMessage, direction: 'from' | 'to'): void => {
    const before = paused.get(session.id) ?? false;
    const after = pausedAfter(before, message, direction);
    if (after === before) return;
    paused.set(session.id, after);
    updateContext();
  };

  /** The RecLens session the interventions act on: the active one, else a paused one. */
  function pausedSession(): vscode.DebugSession {
    const active = vscode.debug.activeDebugSession;
    if (active?.type === DEBUG_TYPE && paused.get(active.id)) return active;
    throw new Error('no RecLens debug session is paused: start a live generation (a "reclens" launch configuration with "user") and pause it');
  }

  async function debugTrace(uri?: vscode.Uri, traceId?: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? editor?.document.uri;
    if (!target) throw new Error('open a trace (.rtrace, a benchmark dump or chat JSONL) to debug it');
    // Without a sample named, the editor's own trace: a dump's sample at the cursor.
    const config = !traceId && editor && editor.document.uri.toString() === target.toString() ? await configurations.forEditor(editor) : traceConfiguration(target, traceId);
    if (target.scheme !== 'file') throw new Error(`${vscode.workspace.asRelativePath(target)} is not saved: the debugger reads traces from disk, so save it as a file first`);
    await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(target), config);
  }

  async function traceWritten(session: vscode.DebugSession, body: TraceWrittenEventBody): Promise<void> {
    const cwd = typeof session.configuration.cwd === 'string' ? session.configuration.cwd : (session.workspaceFolder?.uri.fsPath ?? '');
    const uriOf = (p: string): vscode.Uri => vscode.Uri.file(path.resolve(cwd, p));
    const written = uriOf(body.path);
    await vscode.window.showTextDocument(written, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    r.log.info(`debug: ${session.name} wrote ${written.fsPath}${body.original ? ` (unmodified run: ${body.original})` : ''}`);
    if (!body.original) return;
    const original = uriOf(body.original);
    const picked = await vscode.window.showInformationMessage(`RecLens: the changed run is saved as ${vscode.workspace.asRelativePath(written, false)}.`, 'Compare with the unmodified run');
    if (picked) await vscode.commands.executeCommand('reclens.compareTraces', original, written);
  }

  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: () => configurations.openTraceConfigurations() }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new RecLensDebugAdapters(r.context.extensionPath)),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: DapMessage) => track(session, m, 'from'),
        onWillReceiveMessage: (m: DapMessage) => track(session, m, 'to'),
        onExit: () => track(session, { type: 'event', event: 'exited' }, 'from'),
      }),
    }),
    vscode.debug.onDidChangeActiveDebugSession(updateContext),
    vscode.debug.onDidTerminateDebugSession((s) => {
      paused.delete(s.id);
      updateContext();
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE) return;
      if (e.event === POSITION_EVENT) onPosition(e.body as PositionEventBody);
      else if (e.event === TRACE_WRITTEN_EVENT) void traceWritten(e.session, e.body as TraceWrittenEventBody).catch((err: unknown) => r.log.error(`debug: opening the written trace: ${err instanceof Error ? err.message : String(err)}`));
    }),
    command(r, 'reclens.debugTrace', 'Debug This Trace', debugTrace),
    command(r, 'reclens.forceToken', 'Force Next Token', () => forceToken(pausedSession())),
    command(r, 'reclens.replaceRest', 'Replace the Rest of the Generation', () => replaceRest(pausedSession())),
  ];
}
