/**
 * Where the thinking is in model text: `<think>…</think>` (Qwen3), the
 * two-stage form `<thinking text></think>\n<codes>` whose opening tag was in
 * the prompt, and the `/think` / `/no_think` switches of the chat markup.
 */
import type { Branch } from '../../protocol/inference';
import type { Span } from '../items/types';


/** Thinking and answer parts of one model output, as offsets into the text it was found in. */
export interface ThinkingSplit {
  /** The thinking text between the tags (absent when there is none). */
  thinking?: Span;
  /** `<think>` and `</think>` when written. */
  open?: Span;
  close?: Span;
  /** What follows the thinking: codes, or a JSON of code probabilities. */
  answer: Span;
  /** `thinking` for non-empty thinking, `non-thinking` for `<think></think>` with only whitespace between. */
  mode?: Branch;
}

const OPEN = '<think>';
const CLOSE = '</think>';

const isBlank = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
};

/** Split `text[from, to)` into thinking and answer. Text with neither tag is all answer. */
export function splitThinking(text: string, from = 0, to = text.length): ThinkingSplit {
  let o = text.indexOf(OPEN, from);
  if (o >= to) o = -1;
  let c = text.indexOf(CLOSE, o >= 0 ? o + OPEN.length : from);
  if (c >= to) c = -1;
  if (o < 0 && c < 0) return { answer: { start: from, end: to } };
  const thinkStart = o >= 0 ? o + OPEN.length : from;
  const thinkEnd = c >= 0 ? c : to;
  const split: ThinkingSplit = {
    thinking: { start: thinkStart, end: thinkEnd },
    answer: c >= 0 ? { start: c + CLOSE.length, end: to } : { start: to, end: to },
    mode: isBlank(text, thinkStart, thinkEnd) ? 'non-thinking' : 'thinking',
  };
  if (o >= 0) split.open = { start: o, end: o + OPEN.length };
  if (c >= 0) split.close = { start: c, end: c + CLOSE.length };
  return split;
}

/** The mode a prompt asks for with Qwen3's soft switches (the last one wins), if any. */
export function promptMode(text: string, from = 0, to = text.length): Branch | undefined {
  // One backward search for "think" (the switch sits near the end of a prompt, after the history),
  // skipping `<think>` and other words, instead of two searches over the whole prompt.
  for (let i = text.lastIndexOf('think', to - 5); i >= from; i = text.lastIndexOf('think', i - 1)) {
    // `/think`, but not the `</think>` of an (empty) think block after the switch.
    if (i - 1 >= from && text.charCodeAt(i - 1) === 47 && !(i - 2 >= from && text.charCodeAt(i - 2) === 60)) return 'thinking';
    if (i - 4 >= from && text.startsWith('/no_', i - 4)) return 'non-thinking';
    if (i === 0) break;
  }
  return undefined;
}
