/**
 * How VS Code starts the RecLens debug adapter: `dist/debugAdapter.js`
 * speaking DAP over stdio, run by the Node of the extension host
 * (`process.execPath` with `ELECTRON_RUN_AS_NODE=1`, so the Electron binary
 * of desktop VS Code acts as Node; code-server's host is Node already).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The adapter bundle inside the extension folder. */
export const adapterPath = (extensionPath: string): string => path.join(extensionPath, 'dist', 'debugAdapter.js');

export class RecLensDebugAdapters implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    const adapter = adapterPath(this.extensionPath);
    if (!fs.existsSync(adapter)) throw new Error(`RecLens: the debug adapter ${adapter} is missing: build RecLens (npm run build) or reinstall the extension.`);
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  }
}
