/** Diagnostics: the analysis's own problems plus codes the item pool does not know. */
import { codeKey } from '../items/grammar';
import type { Analysis, Problem } from '../trace/model';
import type { ItemEnv } from './hover';

/** More than this many problems in one document are summarised, not listed. */
export const MAX_PROBLEMS = 10_000;

/** Every problem of a document, ordered by position. */
export function documentProblems(analysis: Analysis, env: ItemEnv, options: { unknownCodes: boolean; limit?: number }): Problem[] {
  const problems = [...analysis.problems];
  const { lookup } = env;
  if (options.unknownCodes && lookup.size > 0) {
    const pool = `${lookup.size.toLocaleString('en')} items from ${lookup.sources.map((s) => s.split(/[\\/]/).pop()).join(', ')}`;
    const codes = analysis.codes;
    for (let i = 0; i < codes.length; i++) {
      if (codes.hasProblems(i)) continue; // already reported as malformed / out of range
      const code = codes.get(i);
      if (code.bare !== undefined) {
        if (!lookup.byId(code.bare)) problems.push({ span: code.span, severity: 'information', code: 'code/unknown-id', message: `No item with id ${code.bare} in the item pool (${pool}).` });
        continue;
      }
      if (code.levels.length === 0) continue;
      if (code.kind === 'full' ? !lookup.has(code.levels, code.domain) : lookup.prefix(code.levels, code.domain, 0).count === 0) {
        const what = code.kind === 'full' ? `Code ${codeKey(code.levels, code.domain)} is not in the item pool` : `No item in the pool starts with ${codeKey(code.levels, code.domain)}`;
        problems.push({
          span: code.span,
          severity: 'warning',
          code: code.kind === 'full' ? 'code/unknown' : 'code/unknown-cluster',
          message: `${what} (${pool}). The model may have produced an invalid code, or reclens.alignment.paths lacks the table that holds it.`,
        });
      }
    }
  }
  problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const limit = options.limit ?? MAX_PROBLEMS;
  if (problems.length > limit) {
    const rest = problems.length - limit;
    problems.length = limit;
    problems.push({ span: { start: 0, end: 0 }, severity: 'information', code: 'problems/truncated', message: `${rest} more problems are not shown; fix the ones above or run \`reclens check\` for the full list.` });
  }
  return problems;
}
