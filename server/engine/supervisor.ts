/**
 * Supervises the inference worker process: starts it on the first request,
 * relays progress, cancels promptly (a cancel message, then a kill when the
 * worker does not stop within a grace period), and turns a crash (native
 * fault, out of memory) into an error for the request that was running —
 * the next request starts a fresh worker. The language server never loads
 * onnxruntime itself, so hovers and diagnostics keep answering.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { CancelledError } from './engine';
import type { InferenceRequest } from './service';
import type { InferenceRecord, ProgressEvent } from '../../protocol/inference';
import type { FromWorker, LiveCall, ToWorker } from './worker-protocol';
import type { InfluenceAnalysis } from '../checks/influence';
import type { InfluenceRequest } from '../checks/influence-run';

export interface SupervisorOptions {
  /** The worker script (`dist/engine.js`). */
  script: string;
  execArgv?: string[];
  /** How long a cancelled request may take to stop before the worker is killed. */
  cancelGraceMs?: number;
  log?: (message: string) => void;
  /** Called when a worker ends that this supervisor did not stop (a crash), with why, as `WorkerCrashError.reason` says it. */
  onCrash?: (reason: string) => void;
}

interface Pending {
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (e: ProgressEvent) => void;
  onCount?: (done: number, total: number) => void;
}

export class WorkerCrashError extends Error {
  constructor(
    message: string,
    /** Why the worker ended (`was stopped by SIGKILL (out of memory?): <stderr tail>`). */
    readonly reason = message,
  ) {
    super(message);
  }
}

export class EngineSupervisor {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  /** Workers this supervisor killed itself (a cancel that did not stop in time): their exit is not a crash. */
  private readonly killed = new WeakSet<ChildProcess>();

  constructor(private readonly options: SupervisorOptions) {}

  /** The worker's process id, while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    const child = fork(this.options.script, [], { execArgv: this.options.execArgv ?? [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('message', (m: FromWorker) => this.onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      const oom = /heap out of memory|bad_alloc|Killed/i.test(stderr) || (signal === 'SIGKILL' && !this.killed.has(child));
      const why = signal ? `was stopped by ${signal}${oom ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
      const reason = `${why}${tail ? `: ${tail}` : ''}`;
      for (const [id, p] of this.pending) {
        p.reject(new WorkerCrashError(`the inference worker ${reason}; the next request starts a fresh worker`, reason));
        this.pending.delete(id);
      }
      if (!this.disposed && !this.killed.has(child)) this.options.onCrash?.(reason);
      if (!this.disposed && signal) this.options.log?.(`inference worker ${why}`);
    });
    child.on('error', (e) => this.options.log?.(`inference worker: ${e.message}`));
    return child;
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') p.onProgress?.(m.event);
    else if (m.type === 'influence-progress') p.onCount?.(m.done, m.total);
    else if (m.type === 'result' || m.type === 'live-result' || m.type === 'influence-result') {
      this.pending.delete(m.id);
      p.resolve(m.type === 'result' ? m.record : m.type === 'influence-result' ? m.report : m.value);
    } else {
      this.pending.delete(m.id);
      p.reject(m.cancelled ? new CancelledError() : new Error(m.message));
    }
  }

  private post(m: ToWorker): void {
    this.child?.send(m);
  }

  infer(request: InferenceRequest, options: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void } = {}): Promise<InferenceRecord> {
    return this.request((id) => ({ type: 'infer', id, request }), options) as Promise<InferenceRecord>;
  }

  /** The counterfactual influence analysis of a trace on its model; `onCount` after each scored context, `onProgress` while the model loads. */
  influence(request: InfluenceRequest, options: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void; onCount?: (done: number, total: number) => void } = {}): Promise<InfluenceAnalysis> {
    return this.request((id) => ({ type: 'influence', id, request }), options) as Promise<InfluenceAnalysis>;
  }

  /** A call on the worker's live run; its answer. */
  live(call: LiveCall, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    return this.request((id) => ({ type: 'live', id, call }), options);
  }

  /** Make the live run's `run` under way return after its current step. */
  pauseLive(): void {
    this.post({ type: 'live-pause' });
  }

  private request(message: (id: number) => ToWorker, options: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void; onCount?: (done: number, total: number) => void }): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error('the inference engine was shut down'));
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    this.child ??= this.start();
    const child = this.child;
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        this.post({ type: 'cancel', id });
        timer = setTimeout(() => {
          // The worker did not stop (stuck in a long native call): kill it; the request ends as cancelled.
          if (this.pending.has(id)) {
            this.pending.delete(id);
            reject(new CancelledError());
            this.killed.add(child);
            child.kill('SIGKILL');
          }
        }, this.options.cancelGraceMs ?? 2000);
      };
      const done = (): void => {
        options.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      };
      this.pending.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
        onProgress: options.onProgress,
        onCount: options.onCount,
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.post(message(id));
    });
  }

  /** Drop the worker's cached model session (the model setting changed). */
  release(): void {
    this.post({ type: 'release' });
  }

  dispose(): void {
    this.disposed = true;
    if (this.child) this.killed.add(this.child);
    this.child?.kill();
    this.child = undefined;
  }

  /** Dispose, and resolve once the worker process has exited (killed outright after `graceMs`). */
  async shutdown(graceMs = 2000): Promise<void> {
    const child = this.child;
    this.dispose();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => (clearTimeout(timer), resolve()));
    });
  }
}
