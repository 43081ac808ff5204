/**
 * Analysis in slices. The analysers are generators that yield every so often
 * (about every megabyte scanned, every few hundred records); run to the end
 * they are plain functions (`drain`), and `drainAsync` runs them a few
 * milliseconds at a time, giving the event loop back between slices so that
 * a language server keeps answering hovers while a 50 MB dump is analysed,
 * and stops early when the caller cancels (the document changed).
 */

/** An analysis that yields between slices of work and returns its result. */
export type Sliced<T> = Generator<void, T, void>;

/** Characters scanned between yields. */
export const SLICE_CHARS = 1 << 18;

/** Run a sliced analysis to the end, synchronously. */
export function drain<T>(work: Sliced<T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

/** Why `drainAsync` stopped without a result. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled: the document changed or was closed before its analysis finished');
  }
}

/**
 * Run a sliced analysis `sliceMs` at a time, yielding to the event loop
 * between slices. Rejects with `AnalysisCancelled` once `signal` is aborted.
 */
export async function drainAsync<T>(work: Sliced<T>, options: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 10;
  for (;;) {
    const until = performance.now() + sliceMs;
    while (performance.now() < until) {
      if (options.signal?.aborted) throw new AnalysisCancelled();
      const r = work.next();
      if (r.done) return r.value;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
