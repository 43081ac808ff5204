/**
 * The inference worker: a child process of the language server that owns
 * onnxruntime. A native crash or an out-of-memory kills only this process;
 * the supervisor reports it and starts a fresh one for the next request.
 * Entry point of `dist/engine.js`.
 */
import { CancelledError } from './engine';
import { InferenceService } from './service';
import type { FromWorker, ToWorker } from './worker-protocol';

const service = new InferenceService();
const running = new Map<number, AbortController>();
const send = (m: FromWorker): void => {
  process.send?.(m);
};

process.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') running.get(m.id)?.abort();
  else if (m.type === 'release') void service.release();
  else if (m.type === 'infer') void run(m.id, m);
});
process.on('disconnect', () => process.exit(0));

async function run(id: number, m: Extract<ToWorker, { type: 'infer' }>): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const record = await service.infer(m.request, { signal: controller.signal, onProgress: (event) => send({ type: 'progress', id, event }) });
    send({ type: 'result', id, record });
  } catch (e) {
    send({ type: 'error', id, message: (e as Error).message, cancelled: e instanceof CancelledError });
  } finally {
    running.delete(id);
  }
}

send({ type: 'ready' });
