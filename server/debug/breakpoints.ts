/**
 * Breakpoints of a replay: line breakpoints on the trace's lines, function
 * breakpoints on events (`layer`, `thinking-end`, `code`, `low-confidence`),
 * each with an optional condition, hit condition and log message in the
 * expression language (expr.ts). Pure: stops and scopes in, decisions out.
 *
 * Where a line breakpoint applies (docs/debugging.md, "Breakpoints"): on a
 * stop whose text covers the line — a history item, a step (any of its
 * lines), a recommendation, a token's own record line. A breakpoint with a
 * condition on a step's line is also tried on that step's tokens, so
 * `prob < 0.2` on a step stops at its first unsure token.
 */
import { compileExpression, evaluate, isTruthy, type Compiled } from './expr';
import { hitCondition, interpolate } from './expr-display';
import { EVENTS, type ReplayProgram } from './program';

export interface BreakpointSpec {
  line?: number;
  /** Function breakpoints: the event name. */
  event?: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

/** A breakpoint as the client sees it: verified, or a message saying why not. */
export interface BreakpointState {
  id: number;
  verified: boolean;
  message?: string;
  /** 0-based line where it applies (line breakpoints). */
  line?: number;
}

/** A breakpoint ready to test: its state for the client, its compiled condition and hit test, its hit count. Replays and live runs both use it. */
export interface Armed {
  state: BreakpointState;
  spec: BreakpointSpec;
  condition?: Compiled;
  hits?: (count: number) => boolean;
  count: number;
}

interface Active extends Armed {
  /** Stops it applies to without a condition (its own stop), and with one (its step's tokens too). */
  stops: Set<number>;
}

/** What a breakpoint does where it applies: stop, write a log line, nothing (condition false, hit count not reached), or report its condition's error. */
export type Trigger = { kind: 'stop' } | { kind: 'log'; text: string } | { kind: 'pass' } | { kind: 'error'; error: string };

/** What a stop means for the breakpoints: stop here (with the ids that hit), log lines, or neither. */
export interface Decision {
  stop: boolean;
  hit: number[];
  logs: string[];
  /** Errors from conditions, once per breakpoint. */
  errors: string[];
}

let nextId = 1;

/** Compile a breakpoint's condition and hit condition (and check its event name); a part that does not compile leaves it unverified with the reason. */
export function arm(spec: BreakpointSpec): Armed {
  const state: BreakpointState = { id: nextId++, verified: true, ...(spec.line !== undefined && { line: spec.line }) };
  const a: Armed = { state, spec, count: 0 };
  if (spec.event !== undefined && !(EVENTS as readonly string[]).includes(spec.event)) Object.assign(state, { verified: false, message: `unknown event "${spec.event}"; use ${EVENTS.join(', ')}` });
  if (spec.condition !== undefined && spec.condition.trim() !== '') {
    const c = compileExpression(spec.condition);
    if (c.ok) a.condition = c.expr;
    else Object.assign(state, { verified: false, message: `condition: ${c.error}` });
  }
  if (spec.hitCondition !== undefined && spec.hitCondition.trim() !== '') {
    const h = hitCondition(spec.hitCondition);
    if (h.ok) a.hits = h.test;
    else Object.assign(state, { verified: false, message: `hit count: ${h.error}` });
  }
  return a;
}

/** Test an armed breakpoint where it applies: the condition, then the hit count (counted only when the condition holds), then stop or log. */
export function trigger(a: Armed, scope: object): Trigger {
  if (a.condition) {
    const r = evaluate(a.condition, scope);
    if (!r.ok) return { kind: 'error', error: r.error };
    if (!isTruthy(r.value)) return { kind: 'pass' };
  }
  a.count++;
  if (a.hits && !a.hits(a.count)) return { kind: 'pass' };
  return a.spec.logMessage !== undefined ? { kind: 'log', text: interpolate(a.spec.logMessage, scope) } : { kind: 'stop' };
}

export class Breakpoints {
  private lines: Active[] = [];
  private functions: Active[] = [];
  private readonly reported = new Set<number>();

  constructor(
    private readonly program: ReplayProgram,
    /** The 0-based first and last line of each stop's text. */
    private readonly linesOf: (stop: number) => { first: number; last: number },
  ) {}

  /** Replace the line breakpoints of the trace's file. */
  setLines(specs: BreakpointSpec[]): BreakpointState[] {
    this.lines = specs.map((spec) => ({ ...arm(spec), stops: this.stopsOnLine(spec.line ?? -1, spec.condition !== undefined) }));
    for (const a of this.lines) {
      if (a.state.verified && a.stops.size === 0) {
        a.state.verified = false;
        a.state.message = 'no step, item, token or recommendation on this line';
      }
    }
    return this.lines.map((a) => a.state);
  }

  /** Replace the function (event) breakpoints. */
  setFunctions(specs: BreakpointSpec[]): BreakpointState[] {
    this.functions = specs.map((spec) => ({ ...arm({ ...spec, event: spec.event ?? '' }), stops: new Set<number>() }));
    return this.functions.map((a) => a.state);
  }

  /** Reset hit counts (a restart). */
  resetCounts(): void {
    for (const a of [...this.lines, ...this.functions]) a.count = 0;
  }

  /** Evaluate the breakpoints that apply at stop `i`. */
  decide(i: number, scope: Record<string, unknown>): Decision {
    const d: Decision = { stop: false, hit: [], logs: [], errors: [] };
    const stop = this.program.stops[i];
    const applying = [...this.lines.filter((a) => a.stops.has(i)), ...this.functions.filter((a) => a.state.verified && stop.events.includes(a.spec.event as never))];
    for (const a of applying) {
      if (!a.state.verified) continue;
      const t = trigger(a, scope);
      if (t.kind === 'error') {
        if (!this.reported.has(a.state.id)) d.errors.push(`breakpoint condition "${a.spec.condition}": ${t.error}`);
        this.reported.add(a.state.id);
      } else if (t.kind === 'log') d.logs.push(t.text);
      else if (t.kind === 'stop') {
        d.stop = true;
        d.hit.push(a.state.id);
      }
    }
    return d;
  }

  private stopsOnLine(line: number, conditional: boolean): Set<number> {
    const out = new Set<number>();
    this.program.stops.forEach((s, i) => {
      const { first, last } = this.linesOf(i);
      if (s.kind === 'token') {
        if (first === line && s.token?.span) out.add(i);
        else if (conditional && s.parent !== undefined && out.has(s.parent)) out.add(i);
      } else if (line >= first && line <= last) out.add(i);
    });
    return out;
  }
}
