/**
 * The inference worker: a child process of the language server that owns
 * onnxruntime. A native crash or an out-of-memory kills only this process;
 * the supervisor reports it and starts a fresh one for the next request.
 * Entry point of `dist/engine.js`.
 */
import { runInfluence } from '../checks/influence-run';
import { CancelledError } from './engine';
import { LocalLiveRun } from './live/run';
import { InferenceService } from './service';
import type { FromWorker, LiveCall, ToWorker } from './worker-protocol';

const service = new InferenceService();
/** The live run this worker steps (a debugger session's worker runs one). */
let liveRun: LocalLiveRun | undefined;
const running = new Map<number, AbortController>();
const send = (m: FromWorker): void => {
  process.send?.(m);
};

process.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') running.get(m.id)?.abort();
  else if (m.type === 'release') void service.release();
  else if (m.type === 'infer') void run(m.id, m);
  else if (m.type === 'influence') void influence(m.id, m);
  else if (m.type === 'live') void live(m.id, m.call);
  else if (m.type === 'live-pause') liveRun?.pause();
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

async function influence(id: number, m: Extract<ToWorker, { type: 'influence' }>): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const report = await runInfluence(service, m.request, {
      signal: controller.signal,
      onLoading: (event) => send({ type: 'progress', id, event }),
      onProgress: (done, total) => send({ type: 'influence-progress', id, done, total }),
    });
    send({ type: 'influence-result', id, report });
  } catch (e) {
    send({ type: 'error', id, message: (e as Error).message, cancelled: e instanceof CancelledError });
  } finally {
    running.delete(id);
  }
}

async function live(id: number, call: LiveCall): Promise<void> {
  try {
    let value: unknown;
    if (call.op === 'start') {
      await liveRun?.cancel();
      const { input } = await service.prepare(call.request);
      liveRun = new LocalLiveRun(input, call.options);
      value = { ...(await liveRun.start()), pid: process.pid };
    } else {
      if (!liveRun) throw new Error('no live run in this worker: start one first');
      const r = liveRun;
      switch (call.op) {
        case 'restart':
          value = { ...(await r.restart()), pid: process.pid };
          break;
        case 'next':
          value = await r.next();
          break;
        case 'peek':
          value = await r.peek();
          break;
        case 'force':
          value = await r.force(call.token);
          break;
        case 'replace-rest':
          value = await r.replaceRest(call.text);
          break;
        case 'run':
          value = await r.run(call.until);
          break;
        case 'finish':
          value = await r.finish();
          break;
      }
    }
    send({ type: 'live-result', id, value });
  } catch (e) {
    send({ type: 'error', id, message: (e as Error).message, cancelled: e instanceof CancelledError });
  }
}

send({ type: 'ready' });
