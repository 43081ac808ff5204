/**
 * Replaying a recorded trace: the trace file read and analysed with the
 * same code the language server uses, its items resolved against the same
 * pool, and a cursor moving over the program's stops under the
 * breakpoints. Knows nothing of DAP: the adapter asks it to move and to
 * describe where it is.
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { analyzeContext } from '../config/settings';
import { Positions } from '../graph/positions';
import { GraphError, selectTrace } from '../graph/select';
import type { ItemLookup } from '../items/lookup';
import { analyzeDocument, detectKind } from '../trace/analyze';
import type { Analysis, TraceUnit } from '../trace/model';
import { Breakpoints, type BreakpointSpec, type BreakpointState, type Decision } from './breakpoints';
import { ReplayProgram, type TokenStop, type TokensByStep } from './program';
import { ScopeBuilder, type StopScope } from './scope';
import { LaunchError } from './workspace';
import type { CliWorkspace } from '../cli/workspace';

/** Where a move ended: at a stop (why), or past the end / before the start of the trace. */
export type MoveResult = { at: number; reason: 'entry' | 'step' | 'breakpoint'; hit: number[] } | { at: undefined; reason: 'end' | 'start' };

/** A document position, 0-based as LSP counts. */
export interface Place {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

export class Replay {
  readonly program: ReplayProgram;
  readonly breakpoints: Breakpoints;
  readonly uri: string;
  private readonly scopes: ScopeBuilder;
  private readonly positions: Positions;
  /** Log lines and condition errors produced by the last move. */
  readonly output: string[] = [];
  current = -1;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly analysis: Analysis,
    traceId: string | undefined,
    lookup: ItemLookup,
  ) {
    let trace;
    try {
      trace = selectTrace(analysis, { trace: traceId }, file);
    } catch (e) {
      throw new LaunchError(e instanceof GraphError ? e.message : String(e));
    }
    this.uri = pathToFileURL(file).toString();
    this.program = new ReplayProgram(trace, tokensOf(trace));
    if (this.program.stops.length === 0) throw new LaunchError(`${file}: trace "${trace.id}" has no history, steps or recommendations to step through`);
    this.positions = new Positions(text);
    this.scopes = new ScopeBuilder(this.program, analysis, text, lookup);
    this.breakpoints = new Breakpoints(this.program, (i) => this.lines(i));
  }

  /** Read and analyse a trace file with the workspace's settings. */
  static open(file: string, traceId: string | undefined, ws: CliWorkspace, lookup: ItemLookup): Replay {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new LaunchError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const uri = pathToFileURL(file).toString();
    const analysis = analyzeDocument(text, detectKind(uri, undefined, text), analyzeContext(ws.resolved));
    return new Replay(file, text, analysis, traceId, lookup);
  }

  /** The scope of a stop (default the current one). */
  scope(i = this.current): StopScope {
    return this.scopes.scope(Math.max(0, i));
  }

  /** Where a stop is in the document. */
  place(i: number): Place {
    const span = this.program.stops[i].span;
    const a = this.positions.at(span.start);
    const b = this.positions.at(span.end);
    return { line: a.line, character: a.character, endLine: b.line, endCharacter: b.character };
  }

  setLineBreakpoints(specs: BreakpointSpec[]): BreakpointState[] {
    return this.breakpoints.setLines(specs);
  }

  setFunctionBreakpoints(specs: BreakpointSpec[]): BreakpointState[] {
    return this.breakpoints.setFunctions(specs);
  }

  /** Move to a stop by a stepping move (no breakpoints are checked on the way). */
  moveTo(target: number | undefined, forward = true): MoveResult {
    this.output.length = 0;
    if (target === undefined) return { at: undefined, reason: forward ? 'end' : 'start' };
    this.current = target;
    return { at: target, reason: 'step', hit: [] };
  }

  /** Run forward (or backward) over every stop until a breakpoint stops it. */
  run(forward = true): MoveResult {
    this.output.length = 0;
    for (let j = this.current + (forward ? 1 : -1); j >= 0 && j < this.program.stops.length; j += forward ? 1 : -1) {
      const d: Decision = this.breakpoints.decide(j, this.scope(j) as unknown as Record<string, unknown>);
      this.output.push(...d.errors, ...d.logs);
      if (d.stop) {
        this.current = j;
        return { at: j, reason: 'breakpoint', hit: d.hit };
      }
    }
    if (forward) return { at: undefined, reason: 'end' };
    this.current = 0;
    return { at: 0, reason: 'entry', hit: [] };
  }

  /** The graph node of a stop (the step id, `rec<rank>`), for a graph open beside the trace. */
  nodeId(i: number): string | undefined {
    const s = this.program.stops[i];
    return s.rec ? `rec${s.rec.rank}` : s.step?.id;
  }

  private lines(i: number): { first: number; last: number } {
    const s = this.program.stops[i];
    const span = s.kind === 'step' && s.step ? s.step.span : s.span;
    return { first: this.positions.at(span.start).line, last: this.positions.at(Math.max(span.start, span.end - 1)).line };
  }
}

/** The trace's recorded tokens (its first thinking sample's, which the steps come from), by the step they were generated in. */
function tokensOf(trace: TraceUnit): TokensByStep {
  const out = new Map<string, TokenStop[]>();
  for (const t of trace.tokens ?? []) {
    if (t.sample !== 0 || !t.step) continue;
    const list = out.get(t.step) ?? [];
    list.push({ text: t.text, logprob: t.logprob, top: t.top, ...(t.span && { span: t.span }) });
    out.set(t.step, list);
  }
  return out;
}
