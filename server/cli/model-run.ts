/**
 * What every CLI command that runs a model does around its work: Ctrl+C
 * cancels it (exit 130), an error prints as `reclens NAME: …` (exit 1; a
 * usage error goes on to the caller), and the inference service and the
 * item store are released whatever happens.
 */
import { CancelledError } from '../engine/engine';
import { InferenceService } from '../engine/service';
import { UsageError } from './workspace';

/** Run `work` with a fresh inference service and a cancel signal tied to Ctrl+C; resolves to the exit code. */
export async function withModelRun(name: string, store: { dispose(): void }, work: (service: InferenceService, signal: AbortSignal) => Promise<number>): Promise<number> {
  const service = new InferenceService();
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(service, controller.signal);
  } catch (e) {
    if (e instanceof CancelledError) {
      process.stderr.write(`reclens ${name}: cancelled\n`);
      return 130;
    }
    if (e instanceof UsageError) throw e;
    process.stderr.write(`reclens ${name}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await service.dispose();
    store.dispose();
  }
}
