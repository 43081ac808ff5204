/**
 * Launch configurations of debug type `reclens`: F5 on an open trace
 * without a launch.json debugs that trace (a dump: the sample at the
 * cursor); "Run and Debug" offers the open traces; every configuration is
 * checked (extension/debug/launch-check.ts) and gets the workspace folder's
 * `reclens` settings, so the adapter reads the item tables, users and model
 * the language server reads. A live run left without a user asks for one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE, isLiveLaunch, type TraceLaunchArguments } from '../../protocol/debug';
import type { InferenceMode } from '../../protocol/inference';
import { refusedUntrusted } from '../commands/command';
import type { RecLens } from '../context';
import { pickUser } from '../pick-user';
import type { CurrentTrace } from '../steps/current-trace';
import { samplesOf, traceLanguages } from '../trace-symbols';
import { checkLaunch, mergeSettings } from './launch-check';

/** The launch configuration that debugs `uri` (`traceId`: a dump's sample or generation). */
export function traceConfiguration(uri: vscode.Uri, traceId?: string): vscode.DebugConfiguration & TraceLaunchArguments {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${path.basename(uri.fsPath)}${traceId ? ` · ${traceId}` : ''}`, trace: uri.fsPath, ...(traceId && { traceId }), stopOnEntry: true };
}

/** The `reclens` settings of `scope` as a plain object, nested as the section reads. */
function settingsOf(scope: vscode.Uri | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(vscode.workspace.getConfiguration('reclens', scope))) as Record<string, unknown>;
}

export class RecLensDebugConfigurations implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly r: RecLens,
    private readonly current: CurrentTrace,
  ) {}

  /** The configuration for `editor`'s trace: the file, and for a dump the sample at the cursor. Throws when it holds none. */
  async forEditor(editor: vscode.TextEditor): Promise<vscode.DebugConfiguration> {
    const doc = editor.document;
    const name = vscode.workspace.asRelativePath(doc.uri, false);
    if (!traceLanguages.includes(doc.languageId)) throw new Error(`${name} is not a trace: open an .rtrace, a benchmark dump or a chat JSONL and press F5, or add a "reclens" launch configuration`);
    if (doc.uri.scheme !== 'file') throw new Error(`${name} is not saved: the debugger reads traces from disk, so save it as a file first`);
    if (doc.languageId === 'rtrace') return traceConfiguration(doc.uri);
    const shown = await this.current.at(editor);
    if (!shown) throw new Error(`${name} holds no trace at the cursor: RecLens debugs .rtrace files, benchmark dumps and chat JSONL`);
    return traceConfiguration(doc.uri, shown.graph.trace);
  }

  /** "Run and Debug" → RecLens Reasoning (dynamic configurations): one per open trace. Not offered for a new launch.json, which gets `initialConfigurations`. */
  async openTraceConfigurations(): Promise<vscode.DebugConfiguration[]> {
    const out: vscode.DebugConfiguration[] = [];
    const seen = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const doc = editor.document;
      if (seen.has(doc.uri.toString()) || doc.uri.scheme !== 'file' || !traceLanguages.includes(doc.languageId)) continue;
      seen.add(doc.uri.toString());
      if (doc.languageId === 'rtrace') out.push(traceConfiguration(doc.uri));
      else for (const s of await samplesOf(this.r.client, doc.uri, 20).catch(() => [])) out.push(traceConfiguration(doc.uri, s.id));
    }
    return out;
  }

  /** F5 without a launch.json arrives as an empty configuration: debug the active editor's trace. A live run without a user asks for one. */
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      try {
        if (!editor) throw new Error('no trace is open: open an .rtrace, a benchmark dump or a chat JSONL and press F5, or add a "reclens" launch configuration');
        config = await this.forEditor(editor);
      } catch (e) {
        this.refuse([e instanceof Error ? e.message : String(e)]);
        return undefined;
      }
    }
    if (isLiveLaunch(config) && config.user === undefined) {
      if (refusedUntrusted(this.r, 'Debugging a live generation')) return undefined;
      try {
        const user = await pickUser(this.r.client, this.r.context.workspaceState, `RecLens: ${config.name ?? 'Debug a live generation'}: which user?`);
        if (!user) return undefined;
        config.user = user;
      } catch (e) {
        this.refuse([e instanceof Error ? e.message : String(e)], 'reclens.users.paths');
        return undefined;
      }
    }
    return config;
  }

  /** Checks the configuration once `${file}` and friends are substituted, makes paths absolute and adds the settings. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const traceUri = typeof config.trace === 'string' && path.isAbsolute(config.trace) ? vscode.Uri.file(config.trace) : undefined;
    const scope = folder ?? (traceUri && vscode.workspace.getWorkspaceFolder(traceUri)) ?? vscode.workspace.workspaceFolders?.[0];
    const settings = vscode.workspace.getConfiguration('reclens', scope?.uri);
    const check = checkLaunch(config, {
      exists: (p) => fs.existsSync(p),
      trusted: vscode.workspace.isTrusted,
      folder: scope?.uri.fsPath,
      modelSetting: settings.get<string>('model.path', ''),
      modeSetting: settings.get<InferenceMode>('inference.mode', 'thinking'),
    });
    if (!check.ok) {
      if (check.untrusted) refusedUntrusted(this.r, 'Debugging a live generation');
      else this.refuse(check.problems, check.setting);
      return undefined;
    }
    Object.assign(config, check.set);
    config.settings = mergeSettings(settingsOf(scope?.uri ?? traceUri), config.settings as Record<string, unknown> | undefined);
    this.r.log.info(`debug: ${config.name}: ${check.live ? `live run for ${config.user} with ${config.model} (${config.mode})` : `${config.trace}${config.traceId ? `#${config.traceId}` : ''}`}`);
    return config;
  }

  /** Shows why debugging cannot start, with the setting or file that fixes it. */
  private refuse(problems: string[], setting?: string): void {
    const message = `RecLens: cannot start debugging: ${problems.join('; ')}`;
    this.r.log.warn(message);
    const actions = setting ? ['Open Settings'] : vscode.workspace.workspaceFolders ? ['Open launch.json'] : [];
    // Not awaited: the debug start must not wait for the user to close the message.
    void vscode.window.showErrorMessage(message, ...actions).then((picked) => {
      if (picked === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      else if (picked === 'Open launch.json') void vscode.commands.executeCommand('workbench.action.debug.configure');
    });
  }
}
