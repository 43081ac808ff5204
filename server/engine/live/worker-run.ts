/**
 * A live run in its own worker process — the one the debugger drives: the
 * model runs in a child process that `cancel` ends (no orphan), and a crash
 * of that process ends the run with an error saying why. Each call is one
 * round trip to the worker's `LocalLiveRun`; `run` with a plain condition
 * steps inside the worker, a predicate function costs a round trip per step.
 */
import { CancelledError } from '../engine';
import type { InferenceRequest } from '../service';
import { EngineSupervisor, WorkerCrashError } from '../supervisor';
import type { LiveCall } from '../worker-protocol';
import type { LiveOptions, LivePeek, LiveRecord, LiveRun, LiveStarted, LiveStep, StopCondition } from './types';

export interface WorkerLiveOptions extends LiveOptions {
  /** The worker script (`dist/engine.js`). */
  script: string;
  execArgv?: string[];
  log?: (message: string) => void;
  /** Called when the worker crashes while the run is idle (a call under way rejects instead). */
  onCrash?: (error: WorkerCrashError) => void;
}

/** The error of a live run whose worker ended without being asked to. */
const crashed = (reason: string): WorkerCrashError => new WorkerCrashError(`the inference worker ${reason}; the live run ended: restart it to generate again`, reason);

export class WorkerLiveRun implements LiveRun {
  private supervisor: EngineSupervisor | undefined;
  /** The worker the run lives in; a different one (or none) means it crashed. */
  private worker: number | undefined;
  private crash: WorkerCrashError | undefined;
  private cancelled = false;

  constructor(
    private readonly request: InferenceRequest,
    private readonly options: WorkerLiveOptions,
  ) {}

  /** The worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.supervisor?.pid;
  }

  private async call<T>(call: LiveCall): Promise<T> {
    if (this.cancelled) throw new CancelledError();
    if (this.crash) throw this.crash;
    const s = this.supervisor;
    if (!s || (call.op !== 'start' && this.worker === undefined)) throw new Error('the live run has not started: call start() first');
    // The worker is gone though its exit was not reported yet: the run cannot go on.
    if (call.op !== 'start' && s.pid !== this.worker) throw (this.crash ??= crashed('has exited'));
    try {
      return (await s.live(call)) as T;
    } catch (e) {
      if (this.cancelled) throw new CancelledError();
      if (e instanceof WorkerCrashError) throw (this.crash ??= crashed(e.reason));
      throw e;
    }
  }

  async start(): Promise<LiveStarted> {
    this.cancelled = false;
    this.crash = undefined;
    const { script, execArgv, log, onCrash, ...options } = this.options;
    const s = (this.supervisor ??= new EngineSupervisor({
      script,
      execArgv,
      log,
      onCrash: (reason) => {
        if (this.supervisor !== s || this.cancelled) return;
        const first = !this.crash;
        this.crash ??= crashed(reason);
        if (first) onCrash?.(this.crash);
      },
    }));
    const started = await this.call<LiveStarted>({ op: 'start', request: this.request, options });
    this.worker = started.pid;
    return started;
  }

  async restart(): Promise<LiveStarted> {
    // A crashed or cancelled run starts in a fresh worker; a live one starts over in its own.
    if (this.crash || this.cancelled || !this.supervisor || this.supervisor.pid !== this.worker) {
      await this.stopWorker();
      return this.start();
    }
    return this.call<LiveStarted>({ op: 'restart' });
  }

  next(): Promise<LiveStep | undefined> {
    return this.call({ op: 'next' });
  }

  peek(): Promise<LivePeek | undefined> {
    return this.call({ op: 'peek' });
  }

  force(token: number | string): Promise<LiveStep[]> {
    return this.call({ op: 'force', token });
  }

  replaceRest(text: string): Promise<LiveStep[]> {
    return this.call({ op: 'replace-rest', text });
  }

  async run(until: StopCondition): Promise<LiveStep | undefined> {
    if (typeof until !== 'function') return this.call({ op: 'run', until });
    let last: LiveStep | undefined;
    for (let step = await this.next(); step; step = await this.next()) {
      last = step;
      if (step.done || until(step)) break;
    }
    return last;
  }

  pause(): void {
    this.supervisor?.pauseLive();
  }

  finish(): Promise<LiveRecord> {
    return this.call({ op: 'finish' });
  }

  /** End the run and its worker; resolves once the process has exited. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.stopWorker();
  }

  private async stopWorker(): Promise<void> {
    const s = this.supervisor;
    this.supervisor = undefined;
    this.worker = undefined;
    await s?.shutdown();
  }
}
