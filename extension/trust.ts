/**
 * Workspace trust: which RecLens commands run code from the workspace (a
 * model, its tokenizer, tables it points at) and therefore refuse in
 * Restricted Mode. Parsing, hovers and graphs keep working there. Pure: no
 * VS Code import, so the rule is unit-tested.
 */

/** Commands that load and run a model; hidden from the palette and refused in Restricted Mode. */
export const trustedOnlyCommands = [
  'reclens.runInference',
  'reclens.runThinkingVsNonThinking',
  'reclens.runAgain',
  'reclens.compareCheckpoints',
] as const;

/** The message shown when `what` is refused, or undefined when the workspace is trusted. */
export function trustRefusal(trusted: boolean, what: string): string | undefined {
  if (trusted) return undefined;
  return `RecLens: ${what} is not available in Restricted Mode: it runs a model from this workspace. Trust the workspace to run it (parsing, hovers and graphs work without trust).`;
}
