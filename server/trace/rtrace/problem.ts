/** Building `Problem` values for `.rtrace` documents. */
import type { Problem, Severity } from '../model';

/** A problem over `[start, end)`; errors unless a severity is given. */
export function problem(start: number, end: number, code: string, message: string, severity: Severity = 'error'): Problem {
  return { span: { start, end }, severity, code, message };
}

/** Quote a list of names for a message: `a`, `b` or `c`. */
export function listNames(names: readonly string[], conjunction = 'or'): string {
  const quoted = names.map((n) => '`' + n + '`');
  if (quoted.length <= 1) return quoted.join('');
  return quoted.slice(0, -1).join(', ') + ' ' + conjunction + ' ' + quoted[quoted.length - 1];
}
