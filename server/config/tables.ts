/** The configured alignment tables as specs with absolute paths. */
import * as path from 'node:path';
import type { TableSpec } from '../../protocol/items';

/** Where index files go when the client names no folder: the user's cache folder. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) || path.join(process.env.HOME ?? process.cwd(), '.cache');
  return path.join(base, 'reclens', 'index');
}

/** Resolve `reclens.alignment.paths` entries against `base` (a workspace folder or the CLI's working directory); `~/` is the home folder. */
export function resolveTables(entries: readonly (string | TableSpec)[], base: string): TableSpec[] {
  const abs = (p: string, from: string): string => {
    const expanded = p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
    return path.isAbsolute(expanded) ? expanded : path.resolve(from, expanded);
  };
  return entries.map((entry) => {
    const spec: TableSpec = typeof entry === 'string' ? { path: entry } : { ...entry };
    spec.path = abs(spec.path, base);
    if (typeof spec.captions === 'string') spec.captions = abs(spec.captions, path.dirname(spec.path));
    return spec;
  });
}
