/**
 * Placing generated tokens in the text they decode to: each token's offset
 * is the sum of the texts before it. A token that decodes to U+FFFD on its
 * own holds part of a multi-byte character, so the sum drifts; placement
 * then resynchronises at the next clean token. The engine writer (decision
 * points, the `[tokens …]` section) and the analyser read offsets from here.
 */

/** How far past the last placed token a clean token may be found again after U+FFFD pieces. */
const RESYNC_WINDOW = 8;

/** Where each token starts, and the first clean token that was not where the text says it should be. */
export interface Placement {
  /** UTF-16 offset of each token in the text (a token inside a split character gets the offset where its clean start ended). */
  offsets: number[];
  /** Index of the first token without U+FFFD that could not be found in the text, or -1. */
  lost: number;
  /** Where the last token ended, when the tokens were in step with the text at the end; else -1. */
  end: number;
}

/** Place `tokens` in `text` from offset `from`; linear in the tokens and never throws. */
export function placeTokens(text: string, tokens: readonly { text: string }[], from = 0): Placement {
  const offsets = new Array<number>(tokens.length);
  let lost = -1;
  // An offset past the end (a hand-edited `from=`) starts at the end: nothing can match there.
  let at = Math.min(Math.max(0, from), text.length);
  let synced = true;
  // After a split character, the next clean token starts at least one character further.
  let gap = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k].text;
    let offset = at;
    if (synced && text.startsWith(t, at)) at += t.length;
    else if (synced) {
      // Keep the token's clean start, then resynchronise.
      const split = t.indexOf('\uFFFD');
      const clean = split < 0 ? t : t.slice(0, split);
      if (split < 0 && lost < 0) lost = k;
      if (clean !== '' && text.startsWith(clean, at)) at += clean.length;
      synced = false;
      gap = split < 0 ? 0 : 1;
    } else if (t !== '' && !t.includes('\uFFFD')) {
      // A bounded look-ahead keeps hostile input (tokens that never match) linear.
      let found = -1;
      for (let i = at + gap; i <= at + RESYNC_WINDOW && found < 0; i++) if (text.startsWith(t, i)) found = i;
      if (found >= 0) {
        offset = found;
        at = found + t.length;
        synced = true;
      } else if (lost < 0) lost = k;
    }
    offsets[k] = offset;
  }
  return { offsets, lost, end: synced ? at : -1 };
}
