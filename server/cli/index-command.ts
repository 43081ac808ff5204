/** `reclens index [TABLE…]`: build or open the item index of alignment tables, and report it. */
import * as path from 'node:path';
import { cliWorkspace, loadItems, type WorkspaceFlags } from './workspace';

/** Index the given tables (or the configured ones); exit 1 when a table could not be indexed. */
export async function indexCommand(tables: string[], flags: WorkspaceFlags, options: { json: boolean; stats: boolean }): Promise<number> {
  const ws = cliWorkspace(tables.length > 0 ? { ...flags, alignment: tables } : flags);
  for (const e of ws.resolved.errors) process.stderr.write(`reclens: ${e}\n`);
  if (ws.tables.length === 0) {
    process.stderr.write('reclens index: no tables: name them, or set reclens.alignment.paths in .vscode/settings.json\n');
    return 2;
  }
  const started = Date.now();
  const { store, result } = await loadItems(ws);
  const seconds = (Date.now() - started) / 1000;
  for (const p of result.problems) process.stderr.write(`reclens: ${p}\n`);
  const indexes = store.indexes.map((index) => ({ stats: index.stats(), file: index.file }));
  store.dispose();
  const failed = ws.tables.length > 0 && indexes.length === 0;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ cache: ws.cacheDir, seconds, built: result.built, indexes, problems: result.problems }, null, 2)}\n`);
    return failed ? 1 : 0;
  }
  for (const { stats, file } of indexes) {
    const names = stats.sources.map((s) => path.relative(process.cwd(), s.path) || s.path).join(' + ');
    const built = stats.sources.some((s) => result.built.includes(s.path)) ? 'built' : 'from cache';
    process.stdout.write(`${names}: ${stats.items.toLocaleString('en')} items (${built}) → ${path.relative(process.cwd(), file) || file}\n`);
    if (!options.stats) continue;
    process.stdout.write(`  collisions: ${stats.collisions.toLocaleString('en')} items share their code with a more popular item\n`);
    for (const l of stats.levels) {
      process.stdout.write(`  level ${l.level}: ${l.used.toLocaleString('en')} of ${l.codebook.toLocaleString('en')} codes used (${((100 * l.used) / l.codebook).toFixed(1)}%)\n`);
    }
  }
  process.stderr.write(`${indexes.length} index${indexes.length === 1 ? '' : 'es'} ready in ${seconds.toFixed(1)} s\n`);
  return failed ? 1 : 0;
}
