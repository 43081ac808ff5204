/** Entry of `dist/cli.js` (`reclens`): the engine's features in a terminal. */
import { analyzeContext } from '../config/settings';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fileProblems, formatProblem, readFile } from './check';
import { ReasoningRun } from './check-reasoning';
import { checkSwitch } from '../language/check-diagnostics';
import { traceChecker } from '../language/check-trace';
import { diffCommand } from './diff-command';
import { explainCommand, explainOptions } from './explain-command';
import { indexCommand } from './index-command';
import { decodingFlagOptions, decodingFlagsHelp, inferCommand, type InferFlags } from './infer-command';
import { renderCommand } from './render-command';
import { cliWorkspace, loadItems, UsageError, type WorkspaceFlags } from './workspace';

const usage = `reclens — debug the reasoning of generative recommenders

Usage:
  reclens check [options] FILE...   lint trace files (.rtrace, benchmark JSON, JSONL, text);
                                    prints file:line:col: severity: message, exits 1 on errors.
                                    With --reasoning, also checks each chain of thought against
                                    the item table: claims that contradict it (warnings) or
                                    partly match (hints), a report per trace (per sample of a
                                    dump) and overall
  reclens index [options] [TABLE...]
                                    build (or open from the cache) the item index of alignment
                                    tables (default: reclens.alignment.paths) and report them
  reclens infer --user ID [options]
                                    single-user inference on a local ONNX model; writes an .rtrace
                                    (stdout or --out), or the whole record with --json. Without a
                                    workspace settings file it runs the embedded demo
  reclens diff [options] A B        the diff of two traces' reasoning graphs (checkpoints, or
                                    thinking vs non-thinking): recommendations gained, lost and
                                    moved, hits, interests that appeared, disappeared or changed
  reclens render [options] TRACE    a standalone HTML page with the trace's reasoning graph
                                    (--out, default graph.html); with --diff B, the diff graph
  reclens explain [options] TRACE   does the recommendation depend on the reasoning? The influence
                                    of each step and history item of an .rtrace on its top
                                    recommendations and ground truth, scored on the model

Options:
  --format text|json     output format (default text)
  --settings FILE        VS Code settings.json with reclens.* keys
                         (default: the nearest .vscode/settings.json)
  --preset NAME          itemic-token preset: openonerec, onereason, onerec-think, paper
  --alignment PATH       alignment table (repeatable); replaces reclens.alignment.paths
  --cache DIR            index cache folder (default: .reclens/cache in the workspace)
  --stats                index: items, collisions and codebook usage per level
  --reasoning            check: check the reasoning too (reclens.checks.* switch checks off)
                         (diff and render: without workspace settings in the current folder,
                         those nearest the first trace file give the item titles)

Graph options:
  --trace-a ID, --trace-b ID
                         diff: the trace of A / B (a sample id of a dump, e.g. u7/2;
                         default the first)
  --trace ID             render: the trace to draw (default the first)
  --diff B               render: draw the diff of TRACE (A) and B (--trace-b picks B's trace)
  --out FILE             render: the page to write (default graph.html, diff.html with
                         --diff; - for stdout)

Explain options:
  --trace ID             the trace's id (its sample or user), checked against the file
  --model DIR            model folder (default: reclens.model.path)
  --top N                recommendations scored (default 3; the ground truth always)
  --provider P           auto | cuda | cpu

Inference options (defaults: reclens.model.*, reclens.users.paths, reclens.inference.*):
  --user ID              the user to run (required)
  --users FILE           users file, JSONL or OpenOneRec Parquet (repeatable)
  --model DIR            model folder (model.onnx, config.json, tokenizer.json, …)
${decodingFlagsHelp()}
  --unconstrained        decode codes freely and report invalid beams
  --provider P           auto | cuda | cpu
  --out FILE             write the trace (or JSON) to FILE
  --json                 print the inference record as JSON
  -h, --help             show this help
`;

const common = {
  format: { type: 'string', default: 'text' },
  settings: { type: 'string' },
  preset: { type: 'string' },
  alignment: { type: 'string', multiple: true },
  cache: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const inferOptions = {
  user: { type: 'string' },
  users: { type: 'string', multiple: true },
  model: { type: 'string' },
  ...decodingFlagOptions,
  unconstrained: { type: 'boolean' },
  provider: { type: 'string' },
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

const graphOptions = {
  'trace-a': { type: 'string' },
  'trace-b': { type: 'string' },
  trace: { type: 'string' },
  diff: { type: 'string' },
  out: { type: 'string', short: 'o' },
} satisfies ParseArgsConfig['options'];

function inferFlags(v: Record<string, unknown>): InferFlags {
  const s = (k: string): string | undefined => v[k] as string | undefined;
  return {
    user: s('user'),
    users: v.users as string[] | undefined,
    model: s('model'),
    decoding: Object.fromEntries(Object.keys(decodingFlagOptions).map((k) => [k, v[k] as string | boolean | undefined])),
    unconstrained: v.unconstrained === true,
    provider: s('provider'),
    out: s('out'),
    json: v.json === true || v.format === 'json',
  };
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    process.stdout.write(usage);
    return command ? 0 : 2;
  }
  if (!['check', 'index', 'infer', 'diff', 'render', 'explain'].includes(command)) {
    process.stderr.write(`reclens: unknown command "${command}"\n\n${usage}`);
    return 2;
  }
  let args;
  try {
    const graph = command === 'diff' || command === 'render';
    args = parseArgs({
      args: rest,
      allowPositionals: command !== 'infer',
      options: command === 'infer' ? { ...common, ...inferOptions } : command === 'explain' ? { ...common, ...explainOptions } : graph ? { ...common, ...graphOptions } : { ...common, stats: { type: 'boolean' }, reasoning: { type: 'boolean' } },
    });
  } catch (e) {
    process.stderr.write(`reclens ${command}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    process.stderr.write(`reclens ${command}: --format must be text or json, not "${values.format}"\n`);
    return 2;
  }
  const flags: WorkspaceFlags = { settings: values.settings, preset: values.preset, alignment: values.alignment, cache: values.cache };
  try {
    if (command === 'infer') return await inferCommand(inferFlags(values as Record<string, unknown>), flags);
    if (command === 'explain') {
      const s = (k: string): string | undefined => (values as Record<string, unknown>)[k] as string | undefined;
      return await explainCommand(positionals, { trace: s('trace'), model: s('model'), top: s('top'), provider: s('provider'), json: values.format === 'json' }, flags);
    }
    if (command === 'diff' || command === 'render') return await graphCommand(command, positionals, values as Record<string, unknown>, flags);
    if (command === 'index') return await indexCommand(positionals, flags, { json: values.format === 'json', stats: (values as { stats?: boolean }).stats === true });
    if (positionals.length === 0) {
      process.stderr.write(`reclens check: no files given\n\n${usage}`);
      return 2;
    }
    return await check(positionals, flags, values.format === 'json', (values as { reasoning?: boolean }).reasoning === true);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`reclens ${command}: ${e.message}\n`);
    return 2;
  }
}

/** `reclens diff A B` and `reclens render TRACE`. */
async function graphCommand(command: 'diff' | 'render', positionals: string[], v: Record<string, unknown>, flags: WorkspaceFlags): Promise<number> {
  const s = (k: string): string | undefined => v[k] as string | undefined;
  const wanted = command === 'diff' ? 2 : 1;
  if (positionals.length !== wanted) throw new UsageError(command === 'diff' ? `needs two trace files, A and B (got ${positionals.length})` : `needs one trace file (got ${positionals.length}); for a diff page pass the second with --diff`);
  const misplaced = (command === 'diff' ? ['trace', 'diff', 'out'] : ['trace-a']).filter((k) => v[k] !== undefined);
  if (misplaced.length > 0) throw new UsageError(`--${misplaced[0]} is not an option of reclens ${command}`);
  if (command === 'diff') return diffCommand(positionals[0], positionals[1], { traceA: s('trace-a'), traceB: s('trace-b'), json: v.format === 'json' }, flags);
  if (s('trace-b') !== undefined && s('diff') === undefined) throw new UsageError('--trace-b picks the trace of the --diff file: pass --diff B too');
  return renderCommand(positionals[0], { trace: s('trace'), diff: s('diff'), traceB: s('trace-b'), out: s('out') }, flags);
}

/** `reclens check`: diagnostics of each file (and with `reasoning`, the reasoning checks), exit 1 when any is an error; contradictions are warnings. */
async function check(files: string[], flags: WorkspaceFlags, json: boolean, reasoning: boolean): Promise<number> {
  const ws = cliWorkspace(flags);
  for (const e of ws.resolved.errors) process.stderr.write(`reclens: ${e}\n`);
  const { store, result } = await loadItems(ws, true);
  for (const p of result.problems) process.stderr.write(`reclens: ${p}\n`);
  const { grammar, settings } = ws.resolved;
  const context = analyzeContext({ grammar, settings });
  const env = { grammar, lookup: result.lookup };
  const run = reasoning ? new ReasoningRun(traceChecker(result.lookup, settings.checks), checkSwitch(settings), json) : undefined;
  const all = files.flatMap((file) => {
    const read = readFile(file, context);
    const problems = fileProblems(read, env, settings.diagnostics.unknownCodes);
    if (!run) return problems;
    // In document order: a claim's line sits among the file's other problems.
    return [...problems, ...run.add(read)].sort((a, b) => a.line - b.line || a.column - b.column);
  });
  const checked = run?.finish();
  store.dispose();
  if (json) {
    const out = checked ? { problems: all, traces: checked.traces, samples: checked.samples, overall: checked.overall } : all;
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    for (const p of all) process.stdout.write(`${formatProblem(p)}\n`);
    if (checked?.text) process.stdout.write(`${all.length > 0 ? '\n' : ''}${checked.text}\n`);
    const errors = all.filter((p) => p.severity === 'error').length;
    const warnings = all.filter((p) => p.severity === 'warning').length;
    const count = (v: string) => checked?.problems.filter((p) => p.verdict === v).length ?? 0;
    const claims = checked ? `; reasoning: ${count('contradicts')} contradicted, ${count('partly')} partly` : '';
    process.stderr.write(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${claims}\n`);
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
