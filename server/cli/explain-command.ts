/**
 * `reclens explain TRACE`: does the trace's recommendation depend on its
 * reasoning, and on which history items? The counterfactual influence
 * analysis (server/checks/influence.ts) on the model, in this process:
 * per target, log p with and without the thinking, then the steps and the
 * history items by influence, and whether the chain is decorative; or the
 * whole report with `--format json`. Settings as `reclens infer` reads
 * them: `--settings`, else the nearest `.vscode/settings.json` (of the
 * current folder, then of the trace), else the embedded demo's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { defaultPrompt, PROVIDERS, type ProviderSetting } from '../../protocol/inference';
import { analyzeContext } from '../config/settings';
import { findWorkspaceSettings } from '../config/workspace-settings';
import { modelPath } from '../engine/request';
import { selectTrace } from '../graph/select';
import type { ItemLookup } from '../items/lookup';
import { DEFAULT_INFLUENCE_THRESHOLD, type InfluenceAnalysis } from '../checks/influence';
import { DEFAULT_INFLUENCE_TOP } from '../checks/influence-plan';
import { runInfluence, type InfluenceRequest } from '../checks/influence-run';
import { InfluenceError, influenceSource } from '../checks/influence-trace';
import { analyzeRtrace } from '../trace/rtrace';
import { namedCodes } from '../trace/steps';
import type { CompiledGrammar } from '../items/grammar';
import { demoSettings } from './infer-command';
import { withModelRun } from './model-run';
import { progressBar } from './progress';
import { cliWorkspace, loadItems, UsageError, type WorkspaceFlags } from './workspace';

/** `parseArgs` options of `reclens explain`. */
export const explainOptions = {
  trace: { type: 'string' },
  model: { type: 'string' },
  top: { type: 'string' },
  provider: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export interface ExplainFlags {
  trace?: string;
  model?: string;
  top?: string;
  provider?: string;
  json: boolean;
}

/** How many steps and history items the text lists (JSON has all). */
const LISTED = 12;
/** A trace score this far from the model's says the trace came from another model. */
const RECORDED_SLACK = 0.01;

/** `reclens explain TRACE`; resolves to the exit code. */
export async function explainCommand(positionals: string[], flags: ExplainFlags, ws: WorkspaceFlags): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(`needs one trace file (got ${positionals.length})`);
  const file = positionals[0];
  const top = flags.top === undefined ? DEFAULT_INFLUENCE_TOP : Number(flags.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--top must be a whole number ≥ 0, not "${flags.top}"`);
  if (flags.provider !== undefined && !(PROVIDERS as readonly string[]).includes(flags.provider)) throw new UsageError(`--provider must be ${PROVIDERS.join(', ')}, not "${flags.provider}"`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`reclens explain: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
    return 1;
  }
  const cwd = process.cwd();
  const settingsFile = ws.settings ?? findWorkspaceSettings(cwd) ?? findWorkspaceSettings(path.dirname(path.resolve(cwd, file))) ?? demoSettings;
  const workspace = cliWorkspace({ ...ws, settings: settingsFile }, cwd);
  for (const e of workspace.resolved.errors) process.stderr.write(`reclens: ${e}\n`);
  const { settings, grammar } = workspace.resolved;
  const { store, result } = await loadItems(workspace, true);
  for (const p of result.problems) process.stderr.write(`reclens: ${p}\n`);
  return withModelRun('explain', store, async (service, signal) => {
    const context = analyzeContext({ settings, grammar });
    if (!/^\uFEFF?%rtrace\b/.test(text) && !file.endsWith('.rtrace')) {
      throw new InfluenceError(`${file} is not an .rtrace trace: explain reads the traces \`reclens infer\` writes (the exact prompt and thinking the model read)`);
    }
    if (flags.trace !== undefined) selectTrace(analyzeRtrace(text, context), { trace: flags.trace }, file);
    const source = influenceSource(text, context, file);
    const model = modelPath(settings, workspace.base, flags.model && path.resolve(cwd, flags.model));
    if (!model) throw new InfluenceError('no model: influence is scored on a model; set reclens.model.path to a model folder, or pass --model DIR');
    if (source.model && path.isAbsolute(source.model) && path.resolve(source.model) !== model) {
      process.stderr.write(`reclens explain: ${file} was written by ${source.model}; scoring it with ${model}\n`);
    }
    const request: InfluenceRequest = {
      model,
      provider: (flags.provider as ProviderSetting | undefined) ?? settings.model.executionProvider,
      source,
      prompt: { ...defaultPrompt, template: settings.inference.promptTemplate, historyLength: settings.inference.historyLength },
      grammar: { preset: settings.itemicTokens.preset, custom: settings.itemicTokens.custom },
      tableDomains: settings.alignment.paths.map((entry) => (typeof entry === 'string' ? undefined : entry.domain)),
      top,
      threshold: DEFAULT_INFLUENCE_THRESHOLD,
    };
    const bar = progressBar('scoring', process.stderr, true);
    const report = await runInfluence(service, request, {
      signal: signal,
      onLoading: (e) => e.kind === 'loading' && process.stderr.isTTY && process.stderr.write(`${e.message}\n`),
      onProgress: (done, total) => bar.report(done / total, `${done}/${total} contexts`),
    });
    bar.done(`${report.cost.contexts} contexts in ${(report.ms / 1000).toFixed(2)} s`);
    const off = report.targets.filter((t) => t.recorded !== undefined && Math.abs(t.recorded - t.withThinking) > RECORDED_SLACK);
    if (off.length > 0) process.stderr.write(`reclens explain: the trace's scores differ from this model's (${off.length} of the recommendations scored): was it written by another model or checkpoint?\n`);
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatInfluence(report, model, grammar, result.lookup));
    return 0;
  });
}

/** Control characters (terminal escapes included) of model text shown as `?`. */
const safe = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - [...s].length));
const signed = (x: number, digits = 3): string => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(digits);
const clip = (s: string, n = 80): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= n ? flat : `${flat.slice(0, n - 1)}…`;
};

/** An item's title (else caption) from the table, by its code. */
function title(item: string, grammar: CompiledGrammar, lookup: ItemLookup): string | undefined {
  const code = namedCodes(item, grammar).find((c) => c.levels.length === grammar.levelCount);
  const found = code && lookup.exact(code.levels, code.domain)[0];
  return found ? (found.title ?? found.caption) : undefined;
}

/** The report as terminal text. */
export function formatInfluence(r: InfluenceAnalysis, model: string, grammar: CompiledGrammar, lookup: ItemLookup): string {
  const out: string[] = [];
  const named = (item: string): string => {
    const t = title(item, grammar, lookup);
    return t ? `${clip(t, 60)}  ${item}` : item;
  };
  out.push(`Influence of the reasoning of ${r.traceId}`, `model ${model}; ${r.cost.contexts} contexts scored in ${(r.ms / 1000).toFixed(2)} s`, '');
  out.push('Targets: log p(item | chain of thought), log p(item | empty think block), and their difference');
  let rank = 0;
  for (const t of r.targets) {
    const label = t.role === 'recommendation' ? `#${++rank}` : 'truth';
    out.push(`  ${pad(label, 7)}${pad(t.withThinking.toFixed(3), 9)}${pad(t.withoutThinking.toFixed(3), 9)}${pad(signed(t.withThinking - t.withoutThinking), 9)}${named(t.item)}`);
  }
  const byInfluence = <T extends { influence: number }>(xs: T[]): T[] => [...xs].sort((a, b) => Math.abs(b.influence) - Math.abs(a.influence));
  const capped = (lines: string[]): string[] => (lines.length > LISTED ? [...lines.slice(0, LISTED), `  … and ${lines.length - LISTED} more (--format json lists all)`] : lines);
  out.push('', 'Steps by influence: mean over the targets of log p(target | chain) − log p(target | chain without the step), nats');
  if (r.steps.length === 0) out.push('  (no steps)');
  out.push(...capped(byInfluence(r.steps).map((s) => `  ${pad(signed(s.influence), 9)}${pad(s.id, 6)}${clip(s.text)}`)));
  out.push('', 'History items by influence: the same with the item left out of the prompt');
  if (r.history.length === 0) out.push('  (no history item found in the prompt)');
  out.push(...capped(byInfluence(r.history).map((h) => `  ${pad(signed(h.influence), 9)}${pad(h.id, 6)}${named(h.item)}`)));
  out.push('');
  if (r.decorative) {
    out.push(`decorative: neither removing a step nor emptying the think block moves any target by more than ${r.threshold} nats`);
  } else {
    const moves = [
      ...r.targets.map((t, k) => ({ what: 'emptying the think block', k, m: t.withThinking - t.withoutThinking })),
      ...r.steps.flatMap((s) => s.byTarget.map((m, k) => ({ what: `removing ${s.id}`, k, m }))),
    ].sort((a, b) => Math.abs(b.m) - Math.abs(a.m));
    const biggest = moves[0];
    const target = r.targets[biggest.k];
    const which = target.role === 'recommendation' ? `recommendation #${r.targets.slice(0, biggest.k + 1).filter((t) => t.role === 'recommendation').length}` : 'the ground truth';
    out.push(`the chain of thought is used: ${biggest.what} moves ${which} by ${signed(-biggest.m)} nats (threshold ${r.threshold})`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return `${out.map(safe).join('\n')}\n`;
}
