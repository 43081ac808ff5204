/** Entry of `dist/cli.js` (`reclens`): the engine's features in a terminal. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSettings } from '../config/settings';
import { resolveTables } from '../config/tables';
import { findWorkspaceSettings, readSettingsFile } from '../config/workspace-settings';
import { presetNames } from '../items/presets';
import { ItemStore } from '../items/store';
import { checkFile, formatProblem } from './check';

const usage = `reclens — debug the reasoning of generative recommenders

Usage:
  reclens check [options] FILE...   lint trace files (.rtrace, benchmark JSON, JSONL, text);
                                    prints file:line:col: severity: message, exits 1 on errors

Options:
  --format text|json     output format (default text)
  --settings FILE        VS Code settings.json with reclens.* keys
                         (default: the nearest .vscode/settings.json)
  --preset NAME          itemic-token preset: openonerec, onereason, onerec-think, paper
  --alignment PATH       alignment table (repeatable); replaces reclens.alignment.paths
  -h, --help             show this help
`;

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    process.stdout.write(usage);
    return command ? 0 : 2;
  }
  if (command !== 'check') {
    process.stderr.write(`reclens: unknown command "${command}"\n\n${usage}`);
    return 2;
  }
  let args;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        settings: { type: 'string' },
        preset: { type: 'string' },
        alignment: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`reclens check: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    process.stderr.write(`reclens check: --format must be text or json, not "${values.format}"\n`);
    return 2;
  }
  if (values.preset && values.preset !== 'custom' && !(presetNames as string[]).includes(values.preset)) {
    process.stderr.write(`reclens check: unknown --preset "${values.preset}" (known: ${presetNames.join(', ')})\n`);
    return 2;
  }
  if (positionals.length === 0) {
    process.stderr.write(`reclens check: no files given\n\n${usage}`);
    return 2;
  }

  let raw: Record<string, unknown> = {};
  const settingsFile = values.settings ?? findWorkspaceSettings(process.cwd());
  let base = process.cwd();
  if (settingsFile) {
    try {
      raw = readSettingsFile(settingsFile);
      base = path.dirname(path.dirname(path.resolve(settingsFile)));
    } catch (e) {
      process.stderr.write(`reclens check: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (values.preset) raw.itemicTokens = { ...(raw.itemicTokens as object), preset: values.preset };
  if (values.alignment) {
    raw.alignment = { paths: values.alignment.map((p) => path.resolve(p)) };
  }
  const resolved = resolveSettings(raw);
  for (const e of resolved.errors) process.stderr.write(`reclens: ${e}\n`);

  const store = new ItemStore();
  const tablePaths = resolveTables(resolved.settings.alignment.paths, base).map((t) => t.path);
  const { lookup, problems: tableProblems } = await store.load(tablePaths, resolved.grammar);
  store.dispose();
  for (const p of tableProblems) process.stderr.write(`reclens: ${p}\n`);

  const context = { grammar: resolved.grammar, layers: resolved.settings.layers };
  const env = { grammar: resolved.grammar, lookup };
  const all = positionals.flatMap((file) => checkFile(file, context, env, resolved.settings.diagnostics.unknownCodes));
  if (values.format === 'json') process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  else {
    for (const p of all) process.stdout.write(`${formatProblem(p)}\n`);
    const errors = all.filter((p) => p.severity === 'error').length;
    const warnings = all.filter((p) => p.severity === 'warning').length;
    process.stderr.write(`${positionals.length} file${positionals.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return all.some((p) => p.severity === 'error') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`reclens: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 3;
  },
);
