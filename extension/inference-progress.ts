/**
 * The text of the inference progress notification: the thinking as it
 * arrives (its last ~80 characters, so the notification shows the model
 * "typing") with the generation speed, then the code search. Pure.
 */
import type { ProgressEvent } from '../protocol/inference';

/** Characters of thinking shown. */
export const THINKING_TAIL = 80;

/** The last `max` characters of `text` on one line, with an ellipsis when cut. */
export function tail(text: string, max = THINKING_TAIL): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `…${flat.slice(flat.length - max + 1)}`;
}

/** The notification message for a progress event. */
export function progressMessage(e: ProgressEvent): string {
  switch (e.kind) {
    case 'loading':
      return e.message;
    case 'prefill':
      return `reading the prompt (${e.promptTokens} tokens)`;
    case 'thinking': {
      const sample = e.samples > 1 ? `[${e.sample + 1}/${e.samples}] ` : '';
      return `${sample}${tail(e.text) || 'thinking…'} (${e.tokensPerSecond.toFixed(0)} tok/s)`;
    }
    case 'beams':
      return `searching codes (${e.branch}${e.sample !== undefined ? `, sample ${e.sample + 1}` : ''}): level ${e.level + 1} of ${e.levels}`;
    case 'done':
      return `done in ${(e.totalMs / 1000).toFixed(1)} s`;
  }
}
