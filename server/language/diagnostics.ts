/** Diagnostics: the analysis's own problems plus codes the item pool does not know. */
import { codeKey } from '../items/grammar';
import type { Analysis, Problem } from '../trace/model';
import type { ItemEnv } from './hover';

/** More than this many problems in one document are summarised, not listed. */
export const MAX_PROBLEMS = 10_000;

/** Every problem of a document, ordered by position. */
export function documentProblems(analysis: Analysis, env: ItemEnv, options: { unknownCodes: boolean; limit?: number }): Problem[] {
  const problems = [...analysis.problems];
  const { lookup, grammar } = env;
  if (options.unknownCodes && lookup.size > 0) {
    const pool = `${lookup.size.toLocaleString('en')} items from ${lookup.sources.map((s) => s.split(/[\\/]/).pop()).join(', ')}`;
    const codes = analysis.codes;
    for (let i = 0; i < codes.length; i++) {
      if (codes.hasProblems(i)) continue; // already reported as malformed / out of range
      const span = { start: codes.start(i), end: codes.end(i) };
      if (codes.levelCount(i) === 0) {
        // No levels: a bare number (kept as an object) or nothing to look up.
        const bare = codes.get(i).bare;
        if (bare !== undefined && !lookup.byId(bare)) problems.push({ span, severity: 'information', code: 'code/unknown-id', message: `No item with id ${bare} in the item pool (${pool}).` });
        continue;
      }
      // Read from the packed columns: a dump holds up to millions of codes, and each would otherwise become an object here.
      const levels = codes.levels(i);
      const domain = codes.domain(i);
      const full = levels.length === grammar.levelCount;
      if (full ? !lookup.has(levels, domain) : lookup.prefix(levels, domain, 0).count === 0) {
        const what = full ? `Code ${codeKey(levels, domain)} is not in the item pool` : `No item in the pool starts with ${codeKey(levels, domain)}`;
        problems.push({
          span,
          severity: 'warning',
          code: full ? 'code/unknown' : 'code/unknown-cluster',
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
