/**
 * `reclens infer`: single-user inference on a local ONNX model, in this
 * process. Settings come from the nearest `.vscode/settings.json`, else the
 * embedded demo workspace, so `npx reclens infer --user u0001` works right
 * after `npm ci`. Writes the `.rtrace` (stdout or `--out`), or with `--json`
 * the whole inference record; progress goes to stderr.
 */
import { analyzeContext } from '../config/settings';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findWorkspaceSettings } from '../config/workspace-settings';
import { decodingSpecs, describeRange, inRange, PROVIDERS, type DecodeOverrides, type DecodingKey, type DecodingSpec, type ProgressEvent, type ProviderSetting } from '../../protocol/inference';
import { inferenceRequest } from '../engine/request';
import { renderTrace } from '../trace/rtrace/from-record';
import { loadUsers } from '../users/load';
import { withModelRun } from './model-run';
import { cliWorkspace, loadItems, UsageError, type WorkspaceFlags } from './workspace';

export interface InferFlags {
  user?: string;
  users?: string[];
  model?: string;
  /** The decoding flags given, by flag name (`top-p`, `filter-seen`), as parsed: text, or true for a boolean flag. */
  decoding?: Record<string, string | boolean | undefined>;
  unconstrained?: boolean;
  provider?: string;
  out?: string;
  json?: boolean;
}

/** The demo workspace's settings, used when no workspace settings are found. */
export const demoSettings = path.join(__dirname, '..', 'demo', '.vscode', 'settings.json');

/** The decoding settings that have a flag, with it. */
const flagged = (Object.entries(decodingSpecs) as [DecodingKey, DecodingSpec][]).filter((e): e is [DecodingKey, DecodingSpec & { flag: string }] => e[1].flag !== undefined);

/** `parseArgs` options of the decoding flags: a boolean setting is a switch, every other takes a value. */
export const decodingFlagOptions = Object.fromEntries(flagged.map(([, spec]) => [spec.flag, { type: spec.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]));

/** Help lines of the decoding flags, from their descriptions. */
export function decodingFlagsHelp(): string {
  const metavar = (spec: DecodingSpec): string => (spec.kind === 'integer' ? ' N' : spec.kind === 'number' ? ' X' : spec.kind === 'enum' ? ` ${spec.values.join('|')}` : spec.kind === 'string' ? ' NAME' : '');
  const firstSentence = (text: string): string => text.replace(/`/g, '').split(/(?<=[.:;]) /)[0].replace(/[.:;]$/, '');
  return flagged
    .map(([, spec]) => {
      const head = `  --${spec.flag}${metavar(spec)}`;
      const range = spec.kind === 'integer' || spec.kind === 'number' ? ` (${describeRange(spec).replace(/^a (whole )?number /, '')})` : '';
      return `${head.padEnd(25)}${head.length >= 25 ? `\n${' '.repeat(25)}` : ''}${firstSentence(spec.description)}${range}`;
    })
    .join('\n');
}

/** A flag's value as its setting's type, checked against the setting's range (protocol/inference.ts). */
function flagValue(spec: DecodingSpec & { flag: string }, given: string | boolean): unknown {
  const value = spec.kind === 'integer' || spec.kind === 'number' ? (given === '' ? NaN : Number(given)) : given;
  if (!inRange(spec, value)) throw new UsageError(`--${spec.flag} must be ${describeRange(spec)}, not "${given}"`);
  return value;
}

/** The run's overrides from the command line; throws `UsageError` naming the flag and its range. */
export function overridesFrom(f: InferFlags): DecodeOverrides {
  if (f.provider !== undefined && !(PROVIDERS as readonly string[]).includes(f.provider)) throw new UsageError(`--provider must be ${describeRange({ kind: 'enum', values: PROVIDERS, description: '' })}, not "${f.provider}"`);
  const o: Record<string, unknown> = {};
  for (const [key, spec] of flagged) {
    const given = f.decoding?.[spec.flag];
    if (given !== undefined && given !== false) o[key] = flagValue(spec, given);
  }
  if (f.unconstrained) o.constrained = false;
  if (f.model) o.model = path.resolve(f.model);
  if (f.provider) o.provider = f.provider as ProviderSetting;
  return o as DecodeOverrides;
}

function progressPrinter(out: NodeJS.WriteStream): (e: ProgressEvent) => void {
  const tty = out.isTTY === true;
  // Off a terminal, each phase prints one line: its last state, when the next phase starts.
  let pending = '';
  const show = (line: string, final = false): void => {
    if (tty) {
      out.write(`\r${line.slice(0, (out.columns ?? 100) - 1)}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const phase = (l: string): string => l.split(':')[0];
    if (pending && phase(pending) !== phase(line)) out.write(`${pending}\n`);
    if (final) {
      out.write(`${line}\n`);
      pending = '';
    } else pending = line;
  };
  return (e) => {
    if (e.kind === 'loading') show(e.message, true);
    else if (e.kind === 'prefill') show(`prompt: ${e.promptTokens} tokens`, true);
    else if (e.kind === 'thinking') show(`thinking${e.samples > 1 ? ` ${e.sample + 1}/${e.samples}` : ''}: ${e.tokens} tokens, ${e.tokensPerSecond.toFixed(0)} tok/s`);
    else if (e.kind === 'beams') show(`codes (${e.branch}${e.sample !== undefined ? ` sample ${e.sample + 1}` : ''}): level ${e.level + 1}/${e.levels}`);
    else if (e.kind === 'done') show(`done in ${(e.totalMs / 1000).toFixed(2)} s`, true);
  };
}

export async function inferCommand(flags: InferFlags, ws: WorkspaceFlags): Promise<number> {
  const id = flags.user;
  if (!id) throw new UsageError('--user is required (a user id of the users file)');
  const overrides = overridesFrom(flags);
  const cwd = process.cwd();
  // No workspace settings here: the embedded demo (its table, users and model).
  const workspace = cliWorkspace(ws.settings || findWorkspaceSettings(cwd) ? ws : { ...ws, settings: demoSettings }, cwd);
  for (const e of workspace.resolved.errors) process.stderr.write(`reclens: ${e}\n`);
  const { settings, grammar } = workspace.resolved;
  const { store, result } = await loadItems(workspace, true);
  for (const p of result.problems) process.stderr.write(`reclens: ${p}\n`);
  return withModelRun('infer', store, async (service, signal) => {
    const userFiles = (flags.users ?? settings.users.paths).map((p) => path.resolve(flags.users ? cwd : workspace.base, p));
    if (userFiles.length === 0) throw new UsageError('no users file: pass --users FILE or set reclens.users.paths');
    const users = await loadUsers(userFiles, { grammar, lookup: result.lookup });
    const user = users.get(id);
    if (!user) {
      const near = users.search(id, 5).map((u) => u.id);
      throw new UsageError(`no user "${id}" in ${userFiles.join(', ')} (${users.size} users${near.length ? `; did you mean ${near.join(', ')}?` : ''})`);
    }
    const request = inferenceRequest(settings, workspace.base, user, store.indexes.map((i) => i.file), overrides);
    const record = await service.infer(request, { signal: signal, onProgress: progressPrinter(process.stderr), lookup: result.lookup });
    if (record.providerNote) process.stderr.write(`reclens: ${record.providerNote}\n`);
    const text = flags.json ? `${JSON.stringify(record, null, 2)}\n` : renderTrace(record, { ...analyzeContext({ settings, grammar }), lookup: result.lookup });
    if (flags.out) {
      fs.writeFileSync(flags.out, text);
      process.stderr.write(`wrote ${flags.out}\n`);
    } else process.stdout.write(text);
    return 0;
  });
}
