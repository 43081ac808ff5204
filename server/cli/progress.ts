/** A progress bar for index builds on a terminal; plain lines (every 10 %) when stderr is not one. */
import type { BuildProgress } from '../items/store';

const WIDTH = 24;

/** A `BuildProgress` drawing on `out`; where `out` is not a terminal it prints lines, or nothing when `quietUnlessTty`. */
export function progressBar(title: string, out: NodeJS.WriteStream, quietUnlessTty = false): BuildProgress {
  const tty = out.isTTY === true;
  if (!tty && quietUnlessTty) return { report: () => undefined, done: () => undefined };
  let lastDecile = -1;
  let lastDraw = 0;
  const line = (fraction: number, message: string): string => {
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
    return `${title} [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${Math.round(fraction * 100)}% ${message}`;
  };
  return {
    report(fraction, message) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 80) return;
        lastDraw = now;
        out.write(`\r${line(fraction, message).slice(0, (out.columns ?? 100) - 1)}\x1b[K`);
        return;
      }
      const decile = Math.floor(fraction * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      out.write(`${line(fraction, message)}\n`);
    },
    done(message) {
      if (tty) out.write(`\r${line(1, message ?? 'done')}\x1b[K\n`);
      else out.write(`${title}: ${message ?? 'done'}\n`);
    },
  };
}
