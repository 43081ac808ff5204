/**
 * The RecLens debug adapter (debug type `reclens`): DAP requests mapped onto
 * a replay of a trace (replay.ts). Thin: what it shows comes from the
 * trace analysis, the item pool and the expression language the rest of
 * RecLens uses. Runs standalone over stdio (`node dist/debugAdapter.js`);
 * nothing but DAP may go to stdout.
 */
import { DebugSession, Event, InitializedEvent, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import {
  FORCE_TOKEN_REQUEST,
  isLiveLaunch,
  POSITION_EVENT,
  REPLACE_REST_REQUEST,
  TOP_TOKENS_REQUEST,
  TRACE_WRITTEN_EVENT,
  type LiveLaunchArguments,
  type PositionEventBody,
  type TopTokensResponse,
  type TraceLaunchArguments,
  type TraceWrittenEventBody,
} from '../../protocol/debug';
import { loadItems } from '../cli/workspace';
import type { ItemStore } from '../items/store';
import { compileExpression, evaluate } from './expr';
import { completions, formatValue } from './expr-display';
import { EVENTS } from './program';
import { LiveSession } from './live';
import { Replay, type MoveResult } from './replay';
import { ValueHandles } from './values';
import { debugWorkspace, LaunchError, traceFile } from './workspace';

/** The launch arguments as they arrive: protocol/debug.ts's, unchecked. */
type LaunchArgs = DebugProtocol.LaunchRequestArguments & Partial<TraceLaunchArguments> & Partial<LiveLaunchArguments>;

const THREAD = 1;

export class ReclensDebugSession extends DebugSession {
  private replay: Replay | undefined;
  private live: LiveSession | undefined;
  /** The source reference of the live document; a new one at each stop. */
  private liveSource = 1;
  private store: ItemStore | undefined;
  private readonly handles = new ValueHandles();
  private stopOnEntry = true;
  private configured = false;
  private launched = false;
  private lineBase = 1;
  private columnBase = 1;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.lineBase = args.linesStartAt1 === false ? 0 : 1;
    this.columnBase = args.columnsStartAt1 === false ? 0 : 1;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsCompletionsRequest: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
    try {
      this.stopOnEntry = args.stopOnEntry !== false;
      if (isLiveLaunch({ trace: args.trace, user: args.user, model: args.model })) {
        const ws = debugWorkspace(args);
        const { store, result } = await loadItems(ws, true);
        this.store = store;
        const onCrash = (e: Error): void => {
          this.sendEvent(new OutputEvent(`reclens: ${e.message}\n`, 'stderr'));
          this.sendEvent(new TerminatedEvent());
        };
        this.live = await LiveSession.start(args as LiveLaunchArguments, ws, result.lookup, store.indexes.map((i) => i.file), path.join(__dirname, 'engine.js'), onCrash);
      } else {
        const file = traceFile(args.trace, args.cwd);
        const ws = debugWorkspace({ ...args, trace: file });
        const { store, result } = await loadItems(ws, true);
        this.store = store;
        this.replay = Replay.open(file, args.traceId, ws, result.lookup);
        for (const p of [...ws.resolved.errors, ...result.problems.map(String)]) this.sendEvent(new OutputEvent(`reclens: ${p}\n`, 'console'));
      }
    } catch (e) {
      this.sendErrorResponse(response, { id: 1, format: messageOf(e), showUser: true });
      return;
    }
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
    this.launched = true;
    this.begin();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured = true;
    this.begin();
  }

  /** Once launched and configured: stop on entry, or run to the first breakpoint. */
  private begin(): void {
    if (!this.launched || !this.configured) return;
    this.launched = false;
    if (this.live) {
      if (this.stopOnEntry) this.reportLive('entry');
      else void this.liveMove((l) => l.continue());
      return;
    }
    if (!this.replay) return;
    if (this.stopOnEntry) this.report(this.replay.moveTo(0), 'entry');
    else this.report(this.replay.run(true));
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const replay = this.replay;
    const requested = args.breakpoints ?? [];
    if (this.live) {
      const states = args.source.sourceReference ? this.live.setLines(requested.map((b) => ({ line: b.line - this.lineBase + 1, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage }))) : requested.map(() => ({ id: 0, verified: false, message: 'a live run stops on lines of its generated text' }));
      response.body = { breakpoints: states.map((st, i) => ({ id: st.id || undefined, verified: st.verified, message: st.message, line: requested[i].line, source: args.source })) };
      return this.sendResponse(response);
    }
    const same = replay && args.source.path !== undefined && path.resolve(args.source.path) === replay.file;
    const states = same
      ? replay.setLineBreakpoints(requested.map((b) => ({ line: b.line - this.lineBase, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage })))
      : requested.map(() => ({ id: 0, verified: false, message: 'not the trace being debugged' }));
    response.body = { breakpoints: states.map((s, i) => ({ id: s.id || undefined, verified: s.verified, message: s.message, line: requested[i].line, source: args.source })) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const specs = args.breakpoints.map((b) => ({ event: b.name, condition: b.condition, hitCondition: b.hitCondition }));
    const states = this.live ? this.live.setEvents(specs.map((x) => ({ ...x, event: x.event ?? '' }))) : this.replay ? this.replay.setFunctionBreakpoints(specs) : specs.map(() => ({ id: 0, verified: false, message: `events: ${EVENTS.join(', ')}` }));
    response.body = { breakpoints: states.map((s) => ({ id: s.id || undefined, verified: s.verified, message: s.message })) };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, 'reasoning')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    if (this.live) {
      response.body = { stackFrames: this.liveFrames() };
      return this.sendResponse(response);
    }
    const r = this.replay;
    if (!r || r.current < 0) {
      response.body = { stackFrames: [], totalFrames: 0 };
      this.sendResponse(response);
      return;
    }
    const source = new Source(path.basename(r.file), r.file);
    const frames = r.program.frames(r.current).map(({ name, stop }) => {
      const p = r.place(stop);
      const f = new StackFrame(stop + 1, name, source, p.line + this.lineBase, p.character + this.columnBase);
      f.endLine = p.endLine + this.lineBase;
      f.endColumn = p.endCharacter + this.columnBase;
      return f;
    });
    frames.push(new StackFrame(0, `trace ${r.program.trace.id}`, source, this.lineBase, this.columnBase));
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const r = this.replay;
    const scopes: Scope[] = [];
    if (this.live) {
      const { next, beams, alternatives, ...position } = this.live.scope() as { next: unknown; beams: unknown[]; alternatives: unknown[] };
      scopes.push(new Scope('Position', this.handles.ref(position), false));
      if (next) scopes.push(new Scope('Next token', this.handles.ref(next), false));
      if (alternatives.length > 0) scopes.push(new Scope('Alternatives', this.handles.ref(alternatives), false));
      if (beams.length > 0) scopes.push(new Scope(`Beams (${beams.length})`, this.handles.ref(beams), false));
    } else if (r) {
      const s = r.scope(args.frameId > 0 ? args.frameId - 1 : r.current);
      const { items, trace, alternatives, ...position } = s;
      scopes.push(new Scope('Position', this.handles.ref(position), false));
      if (items.length > 0) scopes.push(new Scope(`Items (${items.length})`, this.handles.ref(items), false));
      if (s.token !== null) scopes.push(new Scope('Alternatives', this.handles.ref(alternatives), false));
      scopes.push(new Scope('Trace', this.handles.ref({ id: r.program.trace.id, ...trace, stops: r.program.stops.length, layers: r.program.layers.map((l) => l.name) }), true));
    }
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.handles.children(args.variablesReference) };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const r = this.replay;
    if (!r && !this.live) return this.sendErrorResponse(response, { id: 2, format: 'not debugging a trace', showUser: false });
    const scope = this.live ? this.live.scope() : (r!.scope(args.frameId !== undefined && args.frameId > 0 ? args.frameId - 1 : r!.current) as unknown as Record<string, unknown>);
    const hovered = args.context === 'hover' && r ? this.hover(args.expression) : undefined;
    if (hovered !== undefined) {
      response.body = { result: formatValue(hovered as never), variablesReference: this.handles.ref(hovered) };
      return this.sendResponse(response);
    }
    const compiled = compileExpression(args.expression);
    if (!compiled.ok) return this.sendErrorResponse(response, { id: 3, format: `${compiled.error}`, showUser: false });
    const value = evaluate(compiled.expr, scope);
    if (!value.ok) return this.sendErrorResponse(response, { id: 4, format: value.error, showUser: false });
    const v = this.handles.variable('', value.value);
    response.body = { result: v.value, variablesReference: v.variablesReference };
    this.sendResponse(response);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const r = this.replay;
    const prefix = args.text.slice(0, args.column - this.columnBase);
    const scope = this.live ? this.live.scope() : r?.scope();
    const found = scope ? completions(scope, prefix) : { start: prefix.length, items: [] };
    response.body = { targets: found.items.map((c) => ({ label: c.label, type: c.kind, start: found.start + this.columnBase, length: prefix.length - found.start })) };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.move(response, (r) => r.moveTo(r.program.next(r.current)), (l) => l.next());
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.move(response, (r) => r.moveTo(r.program.stepIn(r.current)), (l) => l.stepIn());
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.move(response, (r) => r.moveTo(r.program.stepOut(r.current)), (l) => l.stepOut());
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    if (this.live) return this.sendErrorResponse(response, { id: 5, format: 'a live run cannot go backwards: restart it (same seed) to see it again', showUser: true });
    this.move(response, (r) => r.moveTo(r.program.back(r.current), false));
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.move(response, (r) => r.run(true), (l) => l.continue());
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    if (this.live) return this.sendErrorResponse(response, { id: 5, format: 'a live run cannot go backwards: restart it (same seed) to see it again', showUser: true });
    this.move(response, (r) => r.run(false));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.live?.pause();
    this.sendResponse(response);
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    const live = this.live;
    const a = (args ?? {}) as { token?: unknown; text?: unknown };
    if (!live || live.ended) return this.sendErrorResponse(response, { id: 6, format: `${command} needs a live run that is paused`, showUser: true });
    try {
      if (command === TOP_TOKENS_REQUEST) {
        const peek = await live.run.peek();
        const body: TopTokensResponse = { tokens: (peek?.distribution.top ?? []).map((t) => ({ token: t.text, prob: t.prob })) };
        response.body = body;
        return this.sendResponse(response);
      }
      if (command === FORCE_TOKEN_REQUEST && typeof a.token === 'string' && a.token !== '') {
        this.sendResponse(response);
        return this.liveMove((l) => l.force(a.token as string));
      }
      if (command === REPLACE_REST_REQUEST && typeof a.text === 'string') {
        this.sendResponse(response);
        return this.liveMove((l) => l.replaceRest(a.text as string));
      }
    } catch (e) {
      return this.sendErrorResponse(response, { id: 7, format: (e as Error).message, showUser: true });
    }
    this.sendErrorResponse(response, { id: 8, format: `unknown request ${command} (or missing "token" / "text")`, showUser: false });
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    if (!this.live || args.name !== 'token') return this.sendErrorResponse(response, { id: 9, format: 'only the token of a paused live run can be set: it forces the next token', showUser: true });
    const value = args.value.startsWith('"') ? (JSON.parse(args.value) as string) : args.value;
    response.body = { value: JSON.stringify(value) };
    this.sendResponse(response);
    await this.liveMove((l) => l.force(value));
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    if (this.live) {
      await this.live.restart();
      this.sendResponse(response);
      return this.reportLive('entry');
    }
    const r = this.replay;
    if (!r) return this.sendResponse(response);
    r.breakpoints.resetCounts();
    r.current = -1;
    this.sendResponse(response);
    this.report(this.stopOnEntry ? r.moveTo(0) : r.run(true), this.stopOnEntry ? 'entry' : undefined);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.live?.cancel();
    this.store?.dispose();
    this.store = undefined;
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private move(response: DebugProtocol.Response, how: (r: Replay) => MoveResult, live?: (l: LiveSession) => Promise<unknown>): void {
    const r = this.replay;
    this.sendResponse(response);
    if (this.live && live) void this.liveMove(live);
    else if (r) this.report(how(r));
  }

  /** Take a live move, then stop (or, at the end of the run, write its traces and end). */
  private async liveMove(how: (l: LiveSession) => Promise<unknown>): Promise<void> {
    const live = this.live!;
    try {
      await how(live);
      live.peeked = live.ended ? undefined : await live.run.peek();
    } catch (e) {
      this.sendEvent(new OutputEvent(`reclens: ${(e as Error).message}\n`, 'stderr'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    for (const line of live.output) this.sendEvent(new OutputEvent(`${line}\n`, 'console'));
    if (!live.ended) return this.reportLive(live.step?.events.length ? 'breakpoint' : 'step');
    try {
      const written = await live.finish();
      const body: TraceWrittenEventBody = written;
      this.sendEvent(new OutputEvent(`reclens: the run's trace is ${written.path}${written.original ? `; without your changes: ${written.original}` : ''}\n`, 'console'));
      this.sendEvent(new Event(TRACE_WRITTEN_EVENT, body));
    } catch (e) {
      this.sendEvent(new OutputEvent(`reclens: the trace could not be written: ${(e as Error).message}\n`, 'stderr'));
    }
    this.sendEvent(new TerminatedEvent());
  }

  /** Stop in a live run: a fresh source reference makes the client read the text generated so far. */
  private reportLive(reason: string): void {
    this.handles.reset();
    this.liveSource++;
    this.sendEvent(new StoppedEvent(reason, THREAD));
  }

  /** The frames of a live stop: the token (or code level), the sample, the run. */
  private liveFrames(): StackFrame[] {
    const live = this.live!;
    const source = new Source(`${live.user} (live, ${live.mode})`, undefined, this.liveSource);
    const s = live.step;
    const line = (s?.line ?? 1) - 1 + this.lineBase;
    const frames: StackFrame[] = [];
    if (s) frames.push(new StackFrame(1, s.stage === 'code' ? `code level ${s.index + 1}: ${s.token.text}` : `token ${s.index + 1} ${JSON.stringify(s.token.text)} p=${Math.exp(s.token.logprob).toFixed(3)}`, source, line, this.columnBase));
    frames.push(new StackFrame(2, s ? `${s.branch} ${s.stage === 'code' ? 'code search' : `sample ${(s.sample ?? 0) + 1}`}` : 'before the first token', source, line, this.columnBase));
    frames.push(new StackFrame(3, `user ${live.user}`, source, this.lineBase, this.columnBase));
    return frames;
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse): void {
    response.body = { content: this.live?.text ?? '', mimeType: 'text/plain' };
    this.sendResponse(response);
  }

  /** Tell the client where the move ended. */
  private report(result: MoveResult, reason?: string): void {
    const r = this.replay!;
    for (const line of r.output) this.sendEvent(new OutputEvent(`${line}\n`, 'console'));
    this.handles.reset();
    if (result.at === undefined) {
      this.sendEvent(new OutputEvent(`reclens: end of trace ${r.program.trace.id}\n`, 'console'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const stopped = new StoppedEvent(reason ?? result.reason, THREAD) as DebugProtocol.StoppedEvent;
    if (result.hit.length > 0) stopped.body.hitBreakpointIds = result.hit;
    this.sendEvent(stopped);
    const p = r.place(result.at);
    const body: PositionEventBody = { uri: r.uri, range: { start: { line: p.line, character: p.character }, end: { line: p.endLine, character: p.endCharacter } }, traceId: r.program.trace.id, nodeId: r.nodeId(result.at) };
    this.sendEvent(new Event(POSITION_EVENT, body));
  }

  /** What a hover on a step id or an itemic code shows while paused: the step, or the item. */
  private hover(expression: string): unknown {
    const r = this.replay!;
    const word = expression.trim();
    const stops = r.program.stops;
    const at = stops.findIndex((s) => s.kind !== 'token' && s.step?.id === word);
    if (at >= 0) return r.scope(at).step ?? undefined;
    if (!word.includes('<')) return undefined;
    for (let i = 0; i < stops.length; i++) {
      if (stops[i].kind === 'token') continue;
      const item = r.scope(i).items.find((it) => it.code === word || it.code.includes(word));
      if (item) return item;
    }
    return undefined;
  }
}

function messageOf(e: unknown): string {
  return e instanceof LaunchError ? e.message : `RecLens could not start debugging: ${(e as Error).message}`;
}
