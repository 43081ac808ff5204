/** Messages between the language server and its inference worker process (Node IPC). */
import type { InferenceRequest } from './service';
import type { InferenceRecord, ProgressEvent } from '../../protocol/inference';
import type { LiveOptions, StopWhen } from './live/types';
import type { InfluenceAnalysis } from '../checks/influence';
import type { InfluenceRequest } from '../checks/influence-run';

/** A call on the worker's live run (one per worker): `LiveRun`'s methods as messages. */
export type LiveCall =
  | { op: 'start'; request: InferenceRequest; options: LiveOptions }
  | { op: 'restart' }
  | { op: 'next' }
  | { op: 'peek' }
  | { op: 'force'; token: number | string }
  | { op: 'replace-rest'; text: string }
  | { op: 'run'; until: StopWhen }
  | { op: 'finish' };

export type ToWorker =
  | { type: 'infer'; id: number; request: InferenceRequest }
  /** A counterfactual influence analysis (server/checks/influence-run.ts), cancelled like an inference. */
  | { type: 'influence'; id: number; request: InfluenceRequest }
  | { type: 'cancel'; id: number }
  | { type: 'release' }
  | { type: 'live'; id: number; call: LiveCall }
  /** Make the live run's `run` return after its current step (answered by that call). */
  | { type: 'live-pause' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'result'; id: number; record: InferenceRecord }
  | { type: 'live-result'; id: number; value: unknown }
  | { type: 'influence-progress'; id: number; done: number; total: number }
  | { type: 'influence-result'; id: number; report: InfluenceAnalysis }
  | { type: 'error'; id: number; message: string; cancelled: boolean };
