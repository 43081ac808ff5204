/**
 * Where a debug session gets its settings and items: the `settings` launch
 * argument (what VS Code resolves for the trace's workspace folder), else
 * the nearest `.vscode/settings.json` above `cwd` or the trace, as the CLI
 * reads it — so item titles resolve in any DAP client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveSettings } from '../config/settings';
import { resolveTables } from '../config/tables';
import { findWorkspaceSettings } from '../config/workspace-settings';
import { cliWorkspace, type CliWorkspace } from '../cli/workspace';

/** A launch that cannot start, with what to do about it. */
export class LaunchError extends Error {}

/** The settings and tables of a session. */
export function debugWorkspace(args: { settings?: unknown; cwd?: string; trace?: string }): CliWorkspace {
  const cwd = path.resolve(args.cwd ?? (args.trace ? path.dirname(path.resolve(args.trace)) : process.cwd()));
  if (args.settings !== undefined && args.settings !== null) {
    if (typeof args.settings !== 'object' || Array.isArray(args.settings)) throw new LaunchError('the "settings" launch argument must be an object of reclens settings, e.g. {"alignment": {"paths": ["items.json"]}}');
    const resolved = resolveSettings(args.settings);
    return { resolved, base: cwd, tables: resolveTables(resolved.settings.alignment.paths, cwd), cacheDir: path.join(cwd, '.reclens', 'cache') };
  }
  try {
    return cliWorkspace({}, findWorkspaceSettings(cwd) || !args.trace ? cwd : path.dirname(path.resolve(args.trace)));
  } catch (e) {
    throw new LaunchError((e as Error).message);
  }
}

/** The trace file of a launch, absolute; a clear error when it is missing or unreadable. */
export function traceFile(trace: unknown, cwd: string | undefined): string {
  if (typeof trace !== 'string' || trace.trim() === '') throw new LaunchError('no trace to debug: give "trace" (an .rtrace file, a benchmark dump or JSONL), or "model" and "user" for a live generation');
  const file = path.resolve(cwd ?? process.cwd(), trace);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new LaunchError(`${file}: no such file; check the "trace" launch argument (relative paths start at "cwd")`);
  }
  if (!stat.isFile()) throw new LaunchError(`${file} is not a file; "trace" names an .rtrace file, a benchmark dump or a JSONL file`);
  return file;
}
