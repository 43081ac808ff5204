/**
 * `reclens infer`: single-user inference on a local ONNX model, in this
 * process. Settings come from the nearest `.vscode/settings.json`, else the
 * embedded demo workspace, so `npx reclens infer --user u0001` works right
 * after `npm ci`. Writes the `.rtrace` (stdout or `--out`), or with `--json`
 * the whole inference record; progress goes to stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findWorkspaceSettings } from '../config/workspace-settings';
import { CancelledError } from '../engine/engine';
import { inferenceRequest, type DecodeOverrides } from '../engine/request';
import { InferenceService } from '../engine/service';
import { renderTrace } from '../trace/rtrace/from-record';
import type { InferenceMode, ProgressEvent, ProviderSetting } from '../engine/types';
import { loadUsers } from '../users/load';
import { cliWorkspace, loadItems, UsageError, type WorkspaceFlags } from './workspace';

export interface InferFlags {
  user?: string;
  users?: string[];
  model?: string;
  mode?: string;
  beams?: string;
  numReturn?: string;
  samples?: string;
  seed?: string;
  temperature?: string;
  topP?: string;
  topK?: string;
  maxThinkingTokens?: string;
  unconstrained?: boolean;
  provider?: string;
  out?: string;
  json?: boolean;
}

/** The demo workspace's settings, used when no workspace settings are found. */
export const demoSettings = path.join(__dirname, '..', 'demo', '.vscode', 'settings.json');

function number(name: string, value: string | undefined, integer: boolean, min: number, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'}${max < Infinity ? ` from ${min} to ${max}` : ` ≥ ${min}`}, not "${value}"`);
  }
  return n;
}

export function overridesFrom(f: InferFlags): DecodeOverrides {
  if (f.mode && !['thinking', 'non-thinking', 'race'].includes(f.mode)) throw new UsageError(`--mode must be thinking, non-thinking or race, not "${f.mode}"`);
  if (f.provider && !['auto', 'cuda', 'cpu'].includes(f.provider)) throw new UsageError(`--provider must be auto, cuda or cpu, not "${f.provider}"`);
  const o: DecodeOverrides = {
    mode: f.mode as InferenceMode | undefined,
    beams: number('beams', f.beams, true, 1, 128),
    numReturn: number('num-return', f.numReturn, true, 1, 128),
    thinkingSamples: number('samples', f.samples, true, 1, 16),
    seed: number('seed', f.seed, true, -(2 ** 31), 2 ** 32),
    temperature: number('temperature', f.temperature, false, 0),
    topP: number('top-p', f.topP, false, 0, 1),
    topK: number('top-k', f.topK, true, 0),
    maxThinkingTokens: number('max-thinking-tokens', f.maxThinkingTokens, true, 1, 32768),
    constrained: f.unconstrained ? false : undefined,
    model: f.model ? path.resolve(f.model) : undefined,
    provider: f.provider as ProviderSetting | undefined,
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as DecodeOverrides;
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
  if (!flags.user) throw new UsageError('--user is required (a user id of the users file)');
  const overrides = overridesFrom(flags);
  const cwd = process.cwd();
  // No workspace settings here: the embedded demo (its table, users and model).
  const workspace = cliWorkspace(ws.settings || findWorkspaceSettings(cwd) ? ws : { ...ws, settings: demoSettings }, cwd);
  for (const e of workspace.resolved.errors) process.stderr.write(`reclens: ${e}\n`);
  const { settings, grammar } = workspace.resolved;
  const { store, result } = await loadItems(workspace, true);
  for (const p of result.problems) process.stderr.write(`reclens: ${p}\n`);
  const service = new InferenceService();
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const userFiles = (flags.users ?? settings.users.paths).map((p) => path.resolve(flags.users ? cwd : workspace.base, p));
    if (userFiles.length === 0) throw new UsageError('no users file: pass --users FILE or set reclens.users.paths');
    const users = await loadUsers(userFiles, { grammar, lookup: result.lookup });
    const user = users.get(flags.user);
    if (!user) {
      const near = users.search(flags.user, 5).map((u) => u.id);
      throw new UsageError(`no user "${flags.user}" in ${userFiles.join(', ')} (${users.size} users${near.length ? `; did you mean ${near.join(', ')}?` : ''})`);
    }
    const request = inferenceRequest(settings, workspace.base, user, store.indexes.map((i) => i.file), overrides);
    const record = await service.infer(request, { signal: controller.signal, onProgress: progressPrinter(process.stderr), lookup: result.lookup });
    if (record.providerNote) process.stderr.write(`reclens: ${record.providerNote}\n`);
    const text = flags.json ? `${JSON.stringify(record, null, 2)}\n` : renderTrace(record, { grammar, layers: settings.layers, lookup: result.lookup });
    if (flags.out) {
      fs.writeFileSync(flags.out, text);
      process.stderr.write(`wrote ${flags.out}\n`);
    } else process.stdout.write(text);
    return 0;
  } catch (e) {
    if (e instanceof CancelledError) {
      process.stderr.write('reclens infer: cancelled\n');
      return 130;
    }
    if (e instanceof UsageError) throw e;
    process.stderr.write(`reclens infer: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await service.dispose();
    store.dispose();
  }
}
