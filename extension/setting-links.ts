/** Finds the `reclens.*` settings an error message names, so the error can offer to open them. Pure. */

const SETTING = /\breclens(?:\.[A-Za-z][\w]*)+/g;

/** Setting ids named in `message`, in order, without duplicates (a trailing sentence dot is not part of a name). */
export function settingsNamedIn(message: string): string[] {
  const found = new Set<string>();
  for (const m of message.matchAll(SETTING)) found.add(m[0]);
  return [...found];
}
