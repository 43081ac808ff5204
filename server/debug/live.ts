/**
 * A live generation under the debugger: a `WorkerLiveRun` (the model in its
 * own worker process) driven step by step, the text generated so far shown
 * as a read-only document, breakpoints turned into the run's stop
 * conditions, and the trace written when the run ends — with, when the user
 * intervened, the unmodified run of the same seed beside it.
 *
 * Moves (docs/debugging.md, "Live generation"): step in = one token (or one
 * code level); next = to the next line of the thinking (one step of it);
 * step out = to the next layer heading or `</think>`; continue = to the next
 * breakpoint. A live run cannot go backwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLiveLaunch, type LiveLaunchArguments } from '../../protocol/debug';
import { decodingSpecs, type DecodeOverrides } from '../../protocol/inference';
import type { CliWorkspace } from '../cli/workspace';
import { analyzeContext } from '../config/settings';
import { inferenceRequest } from '../engine/request';
import { WorkerLiveRun } from '../engine/live/worker-run';
import type { LivePeek, LiveRecord, LiveStep } from '../engine/live/types';
import type { WorkerCrashError } from '../engine/supervisor';
import type { ItemLookup } from '../items/lookup';
import { renderTrace } from '../trace/rtrace/from-record';
import { loadUsers } from '../users/load';
import { arm, trigger, type Armed, type BreakpointSpec, type BreakpointState } from './breakpoints';
import { LaunchError } from './workspace';

/** A step's events; a thinking cut at the token limit ends too, so `thinking-end` holds there as at `</think>`. */
function stepEvents(step: LiveStep): string[] {
  return step.stop && !step.events.includes('thinking-end') ? [...step.events, 'thinking-end'] : step.events;
}

/** The values expressions see at a live stop. */
export function liveScope(step: LiveStep | undefined, peek: LivePeek | undefined): Record<string, unknown> {
  const top = (step?.distribution ?? peek?.distribution)?.top ?? [];
  return {
    kind: step ? (step.stage === 'code' ? 'code' : 'token') : 'entry',
    stage: step?.stage ?? peek?.stage ?? 'thinking',
    branch: step?.branch ?? peek?.branch ?? null,
    sample: step?.sample ?? peek?.sample ?? null,
    index: step?.index ?? peek?.index ?? null,
    token: step?.token.text ?? null,
    prob: step ? Math.exp(step.token.logprob) : null,
    logprob: step?.token.logprob ?? null,
    entropy: step?.distribution.entropy ?? null,
    events: step ? stepEvents(step) : [],
    event: step ? (stepEvents(step)[0] ?? null) : null,
    layer: step?.layer ?? null,
    forced: step?.forced ?? false,
    alternatives: top.map((t) => ({ token: t.text, prob: t.raw })),
    next: peek ? { wouldChoose: peek.wouldChoose?.text ?? null, top: peek.distribution.top.map((t) => ({ token: t.text, prob: t.prob, raw: t.raw })), entropy: peek.distribution.entropy } : null,
    beams: (step?.beams ?? peek?.beams ?? []).map((b) => ({ text: b.text, logprob: b.logprob, valid: b.valid, continuations: b.continuations })),
  };
}


export class LiveSession {
  readonly run: WorkerLiveRun;
  /** The last step taken (undefined before the first). */
  step: LiveStep | undefined;
  peeked: LivePeek | undefined;
  /** The generated text of the current thinking sample (what the live document shows). */
  text = '';
  /** Line breakpoints (1-based lines of the generated text) and event breakpoints. */
  private lineBreakpoints: Armed[] = [];
  private eventBreakpoints: Armed[] = [];
  readonly output: string[] = [];
  ended = false;
  private pausing = false;

  private constructor(
    readonly user: string,
    readonly mode: string,
    private readonly ws: CliWorkspace,
    private readonly lookup: ItemLookup,
    run: WorkerLiveRun,
  ) {
    this.run = run;
  }

  /** Resolve the user, the model and the decoding of a live launch, and start the worker. */
  static async start(args: LiveLaunchArguments, ws: CliWorkspace, lookup: ItemLookup, indexFiles: string[], script: string, onCrash: (e: WorkerCrashError) => void): Promise<LiveSession> {
    if (!isLiveLaunch(args as unknown as Record<string, unknown>) || typeof args.user !== 'string' || args.user === '') throw new LaunchError('a live generation needs "user" (a user id of reclens.users.paths)');
    const { settings } = ws.resolved;
    if (settings.users.paths.length === 0) throw new LaunchError('no users file: set reclens.users.paths (in "settings" or the workspace settings) to the JSONL or Parquet file of users');
    const users = await loadUsers(
      settings.users.paths.map((p) => path.resolve(ws.base, p)),
      { grammar: ws.resolved.grammar, lookup },
    );
    const user = users.get(args.user);
    if (!user) {
      const near = users.search(args.user, 5).map((u) => u.id);
      throw new LaunchError(`no user "${args.user}" in ${settings.users.paths.join(', ')} (${users.size} users${near.length ? `; did you mean ${near.join(', ')}?` : ''})`);
    }
    const overrides: DecodeOverrides = {};
    for (const key of Object.keys(decodingSpecs) as (keyof typeof decodingSpecs)[]) {
      const v = (args as unknown as Record<string, unknown>)[key];
      if (v !== undefined) (overrides as Record<string, unknown>)[key] = v;
    }
    if (args.model) overrides.model = path.resolve(ws.base, args.model);
    let request;
    try {
      request = inferenceRequest(settings, ws.base, user, indexFiles, overrides);
    } catch (e) {
      throw new LaunchError((e as Error).message);
    }
    const run = new WorkerLiveRun(request, { script, onCrash, layers: analyzeContext(ws.resolved).layers });
    try {
      await run.start();
    } catch (e) {
      await run.cancel().catch(() => undefined);
      throw new LaunchError(`the model could not start: ${(e as Error).message}`);
    }
    const session = new LiveSession(user.id, request.decoding.mode, ws, lookup, run);
    session.peeked = await run.peek();
    return session;
  }

  /** Replace the line breakpoints (1-based lines of the generated text). */
  setLines(specs: BreakpointSpec[]): BreakpointState[] {
    this.lineBreakpoints = specs.map(arm);
    return this.lineBreakpoints.map((b) => b.state);
  }

  /** Replace the event breakpoints. */
  setEvents(specs: BreakpointSpec[]): BreakpointState[] {
    this.eventBreakpoints = specs.map(arm);
    return this.eventBreakpoints.map((b) => b.state);
  }

  /** One token (or code level). */
  async stepIn(): Promise<LiveStep | undefined> {
    return this.take(await this.run.next());
  }

  /** To the next line of the thinking (or the next code level). */
  async next(): Promise<LiveStep | undefined> {
    const line = this.step?.endLine ?? 1;
    return this.advance((s) => s.stage === 'code' || (s.line ?? 0) > line);
  }

  /** To the next layer heading, the end of the thinking, or the next code level. */
  async stepOut(): Promise<LiveStep | undefined> {
    return this.advance((s) => s.stage === 'code' || stepEvents(s).some((e) => e === 'layer' || e === 'thinking-end'));
  }

  /** To the next breakpoint (conditions and log messages are evaluated at each step). */
  async continue(): Promise<LiveStep | undefined> {
    this.output.length = 0;
    return this.advance((s) => this.breaks(s));
  }

  /** Make a running move stop after its current step (DAP pause). */
  pause(): void {
    this.pausing = true;
  }

  /** Step until `until` holds, the run ends or a pause; every step passes through here, so the live document has all the text. */
  private async advance(until: (s: LiveStep) => boolean): Promise<LiveStep | undefined> {
    this.pausing = false;
    let last: LiveStep | undefined;
    for (let s = await this.run.next(); s; s = await this.run.next()) {
      last = this.take(s);
      if (s.done || until(s) || this.pausing) break;
    }
    if (!last) this.ended = true;
    return last;
  }

  /** Force the next token (text or a token of the top-k), then stop after it. */
  async force(token: string): Promise<void> {
    for (const step of await this.run.force(token)) this.take(step);
  }

  /** Replace the rest of the current step with `text`, then stop after it. */
  async replaceRest(text: string): Promise<void> {
    for (const step of await this.run.replaceRest(text)) this.take(step);
  }

  /** The run's record, its trace written beside the workspace's saved traces; with interventions, the unmodified run's too. */
  async finish(): Promise<{ path: string; original?: string }> {
    const record = await this.run.finish();
    const dir = path.join(this.ws.base, '.reclens', 'traces');
    fs.mkdirSync(dir, { recursive: true });
    const stamp = record.created.replace(/[:.]/g, '-');
    const write = (r: LiveRecord, suffix: string): string => {
      const file = path.join(dir, `${r.user}-${r.mode}-live${suffix}-${stamp}.rtrace`.replace(/[^\w./-]+/g, '_'));
      fs.writeFileSync(file, renderTrace(r, { ...analyzeContext(this.ws.resolved), lookup: this.lookup }));
      return file;
    };
    const written = write(record, record.interventions?.length ? '-edited' : '');
    if (!record.interventions?.length) return { path: written };
    // The same seed without the interventions: the run as the model would have written it.
    await this.run.restart();
    const original = write(await this.run.finish(), '');
    return { path: written, original };
  }

  /** Run again from the start with the same seed (breakpoint counts and interventions start afresh). */
  async restart(): Promise<void> {
    await this.run.restart();
    this.step = undefined;
    this.text = '';
    this.ended = false;
    for (const b of [...this.lineBreakpoints, ...this.eventBreakpoints]) b.count = 0;
    this.peeked = await this.run.peek();
  }

  /** Cancel the worker (no process is left behind). */
  async cancel(): Promise<void> {
    await this.run.cancel().catch(() => undefined);
  }

  /** The current scope. */
  scope(): Record<string, unknown> {
    return liveScope(this.step, this.peeked);
  }

  private take(step: LiveStep | undefined): LiveStep | undefined {
    if (step) {
      this.step = step;
      if (step.stage === 'thinking') this.text += step.token.text;
    }
    if (!step || step.done) this.ended = true;
    return step;
  }

  /** Whether a step stops the run; log messages are collected. */
  private breaks(s: LiveStep): boolean {
    const scope = liveScope(s, undefined);
    let stop = false;
    const lineOf = s.line ?? -1;
    const events = stepEvents(s);
    const applying = [...this.lineBreakpoints.filter((x) => x.spec.line === lineOf), ...this.eventBreakpoints.filter((x) => x.spec.event !== undefined && events.includes(x.spec.event))];
    // An unverified breakpoint (a condition or hit count that does not compile) never stops.
    for (const b of applying.filter((x) => x.state.verified)) {
      const t = trigger(b, scope);
      if (t.kind === 'log') this.output.push(t.text);
      else if (t.kind === 'stop') stop = true;
    }
    return stop;
  }
}

