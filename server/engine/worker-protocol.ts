/** Messages between the language server and its inference worker process (Node IPC). */
import type { InferenceRequest } from './service';
import type { InferenceRecord, ProgressEvent } from '../../protocol/inference';

export type ToWorker = { type: 'infer'; id: number; request: InferenceRequest } | { type: 'cancel'; id: number } | { type: 'release' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'result'; id: number; record: InferenceRecord }
  | { type: 'error'; id: number; message: string; cancelled: boolean };
