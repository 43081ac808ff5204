/**
 * Where a live run stops and where a step ends: the plain-data stop
 * conditions of `run` (evaluated where the model runs, so a run through the
 * worker needs no round trip per step), and the blank line that closes a
 * replaced step. Pure.
 */
import type { LiveStep, StopWhen } from './types';

/** Whether `step` (the `taken`-th of a `run`) matches `when`. */
export function matches(step: LiveStep, when: StopWhen, taken: number): boolean {
  if (when.events?.some((e) => step.events.includes(e))) return true;
  if (when.steps !== undefined && taken >= when.steps) return true;
  return step.endLine !== undefined && step.endLine !== step.line && (when.lines?.includes(step.endLine) ?? false);
}

/** Text that ends the current step: `text` closed by a blank line (only the line breaks it lacks are added). */
export function closeStep(text: string): string {
  const breaks = /\n*$/.exec(text)![0].length;
  return breaks >= 2 ? text : text + '\n'.repeat(2 - breaks);
}
