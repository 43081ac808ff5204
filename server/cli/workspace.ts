/**
 * What every CLI command starts from: the `reclens.*` settings of the
 * nearest `.vscode/settings.json` (or `--settings`), overridden by flags, and
 * the item pool of the configured tables, indexed into `.reclens/cache`.
 */
import * as path from 'node:path';
import { resolveSettings, type ResolvedSettings } from '../config/settings';
import { resolveTables } from '../config/tables';
import { findWorkspaceSettings, readSettingsFile } from '../config/workspace-settings';
import { presetNames } from '../items/presets';
import { ItemStore, type LoadResult } from '../items/store';
import type { TableSpec } from '../../protocol/items';
import { progressBar } from './progress';

export interface WorkspaceFlags {
  settings?: string;
  preset?: string;
  alignment?: string[];
  cache?: string;
}

export interface CliWorkspace {
  resolved: ResolvedSettings;
  /** The folder relative table paths and the cache are resolved against. */
  base: string;
  tables: TableSpec[];
  cacheDir: string;
}

/** A usage problem (exit 2), with the message to print. */
export class UsageError extends Error {}

/** Settings and tables for a command; throws `UsageError` for bad flags or an unreadable settings file. */
export function cliWorkspace(flags: WorkspaceFlags, cwd = process.cwd()): CliWorkspace {
  if (flags.preset && flags.preset !== 'custom' && !(presetNames as string[]).includes(flags.preset)) {
    throw new UsageError(`unknown --preset "${flags.preset}" (known: ${presetNames.join(', ')})`);
  }
  let raw: Record<string, unknown> = {};
  let base = cwd;
  const settingsFile = flags.settings ?? findWorkspaceSettings(cwd);
  if (settingsFile) {
    try {
      raw = readSettingsFile(settingsFile);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    base = path.dirname(path.dirname(path.resolve(settingsFile)));
  }
  if (flags.preset) raw.itemicTokens = { ...(raw.itemicTokens as object), preset: flags.preset };
  if (flags.alignment) raw.alignment = { paths: flags.alignment.map((p) => path.resolve(cwd, p)) };
  const resolved = resolveSettings(raw);
  return {
    resolved,
    base,
    tables: resolveTables(resolved.settings.alignment.paths, base),
    cacheDir: flags.cache ? path.resolve(cwd, flags.cache) : path.join(base, '.reclens', 'cache'),
  };
}

/** Index (or open from the cache) the workspace's tables, drawing a progress bar on stderr while building (on a terminal only, when `quiet`). */
export async function loadItems(ws: CliWorkspace, quiet = false): Promise<{ store: ItemStore; result: LoadResult }> {
  const store = new ItemStore(ws.cacheDir);
  const result = await store.load(ws.tables, ws.resolved.grammar, { progress: (title) => progressBar(title, process.stderr, quiet) });
  return { store, result };
}
