/**
 * `reclens diff A B`: the diff of two traces' reasoning graphs in the
 * terminal — summary lines, the metric strip side by side, then what
 * changed: recommendations gained, lost and moved, hits, interests that
 * appeared, disappeared or changed, and how much history matched. Or the
 * whole `GraphDiff` as JSON.
 */
import { analyzeContext } from '../config/settings';
import * as path from 'node:path';
import type { DiffNode, GraphDiff } from '../../protocol/graph';
import { findWorkspaceSettings } from '../config/workspace-settings';
import { diffGraphs } from '../graph/diff';
import { graphOfFile } from '../graph/file';
import { GraphError } from '../graph/select';
import type { GraphEnv } from '../graph/build';
import type { AnalyzeContext } from '../trace/model';
import { cliWorkspace, loadItems, type CliWorkspace, type WorkspaceFlags } from './workspace';

export interface DiffFlags {
  traceA?: string;
  traceB?: string;
  json: boolean;
}

/** Settings, item pool and analysis context for commands that read trace files; closes the pool when `run` ends. */
export async function withTraceWorkspace<T>(files: string[], flags: WorkspaceFlags, run: (context: AnalyzeContext, env: GraphEnv) => T): Promise<T> {
  const ws = traceWorkspace(files, flags);
  for (const e of ws.resolved.errors) process.stderr.write(`reclens: ${e}\n`);
  const { store, result } = await loadItems(ws, true);
  for (const p of result.problems) process.stderr.write(`reclens: ${p}\n`);
  try {
    const { grammar, settings } = ws.resolved;
    return run(analyzeContext({ grammar, settings }), { grammar, lookup: result.lookup });
  } finally {
    store.dispose();
  }
}

/** The workspace of the current folder; when it has no settings, that of the first trace file (its titles come from its own tables). */
function traceWorkspace(files: string[], flags: WorkspaceFlags, cwd = process.cwd()): CliWorkspace {
  if (flags.settings || findWorkspaceSettings(cwd) || files.length === 0) return cliWorkspace(flags, cwd);
  return cliWorkspace({ ...flags, settings: findWorkspaceSettings(path.dirname(path.resolve(cwd, files[0]))) }, cwd);
}

export async function diffCommand(a: string, b: string, flags: DiffFlags, ws: WorkspaceFlags): Promise<number> {
  let diff: GraphDiff;
  try {
    diff = await withTraceWorkspace([a, b], ws, (context, env) => diffGraphs(graphOfFile(a, flags.traceA, context, env), graphOfFile(b, flags.traceB, context, env)));
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    process.stderr.write(`reclens diff: ${e.message}\n`);
    return 1;
  }
  process.stdout.write(flags.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff, a, b));
  return 0;
}

/** Control characters (terminal escapes included) of model text shown as `?`. */
const safe = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - [...s].length));

function figure(v: number | null, name: string): string {
  if (v === null) return '–';
  return name.includes('/') ? v.toFixed(2) : String(v);
}

/** A recommendation in one line: rank, title, key, hit. */
function recLine(n: DiffNode, rank: string): string {
  const key = n.codes[0]?.key;
  const title = n.codes[0]?.title ?? n.label;
  return `  ${pad(rank, 9)}${title}${key && key !== title ? `  ${key}` : ''}${n.hit ? '  hit' : ''}`;
}

const stepLine = (n: DiffNode): string => `  ${pad(n.aId && n.bId && n.aId !== n.bId ? `${n.aId}→${n.bId}` : (n.bId ?? n.aId)!, 9)}[${n.layer}] ${n.label}`;

/** Long lists keep their first lines. */
const LISTED = 12;
const capped = (lines: string[]): string[] => (lines.length > LISTED ? [...lines.slice(0, LISTED), `  … and ${lines.length - LISTED} more`] : lines);

const firstLine = (s: string | undefined): string => (s ?? '').split(/\r\n|\r|\n/).find((l) => l.trim())?.trim() ?? '';

/** The diff as terminal text. */
export function formatDiff(d: GraphDiff, fileA: string, fileB: string): string {
  const out: string[] = [];
  out.push(`A  ${d.a.title}   (${fileA})`, `B  ${d.b.title}   (${fileB})`, '');
  out.push(...d.summary, '');
  const width = Math.max(6, ...d.metrics.map((m) => m.name.length)) + 2;
  out.push(`${pad('', width)}${pad('A', 8)}B`);
  for (const m of d.metrics) {
    const a = figure(m.a, m.name);
    const b = figure(m.b, m.name);
    const arrow = m.a !== null && m.b !== null && m.a !== m.b ? (m.b > m.a ? '  ↑' : '  ↓') : '';
    out.push(`${pad(m.name, width)}${pad(a, 8)}${b}${arrow}`);
  }
  const section = (title: string, lines: string[]): void => {
    if (lines.length > 0) out.push('', title, ...lines);
  };
  const recs = d.nodes.filter((n) => n.kind === 'recommendation');
  section('Recommendations gained (only in B)', recs.filter((n) => n.status === 'added').map((n) => recLine(n, `#${n.bRank}`)));
  section('Recommendations lost (only in A)', recs.filter((n) => n.status === 'removed').map((n) => recLine(n, `#${n.aRank}`)));
  section('Recommendations moved', recs.filter((n) => n.aRank !== undefined && n.bRank !== undefined && n.aRank !== n.bRank).map((n) => recLine(n, `#${n.aRank} → #${n.bRank}`)));
  section('Hits gained', recs.filter((n) => n.hitChange === 'gained').map((n) => recLine(n, `#${n.bRank}`)));
  section('Hits lost', recs.filter((n) => n.hitChange === 'lost').map((n) => recLine(n, `#${n.aRank}`)));
  const steps = d.nodes.filter((n) => n.kind === 'step');
  section('Interests that appeared (only in B)', steps.filter((n) => n.status === 'added').map(stepLine));
  section('Interests that disappeared (only in A)', steps.filter((n) => n.status === 'removed').map(stepLine));
  section(
    'Interests that changed',
    steps
      .filter((n) => n.status === 'changed')
      .flatMap((n) => [stepLine(n), ...(n.aText !== undefined ? [`      A: ${firstLine(n.aText)}`, `      B: ${firstLine(n.bText)}`] : ['      same words, other evidence'])]),
  );
  const history = d.nodes.filter((n) => n.kind === 'history');
  const byCode = history.filter((n) => n.status === 'same').length;
  const byId = history.filter((n) => n.status === 'changed');
  out.push('', `History: ${byCode} of A's ${history.filter((n) => n.aId).length} items are in B${byId.length > 0 ? `; ${byId.length} more paired by id only (other items)` : ''}`);
  const items = (status: DiffNode['status']): string[] => capped(history.filter((n) => n.status === status).map((n) => `  ${pad((n.bId ?? n.aId)!, 9)}${n.label}`));
  section('History items only in A', items('removed'));
  section('History items only in B', items('added'));
  return `${out.map(safe).join('\n')}\n`;
}
