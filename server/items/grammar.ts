/**
 * The itemic-token grammar: compiles a spelling (`GrammarSpec`) into one
 * regular expression and groups the tokens it finds into codes. Pure: text
 * in, `CodeMatch` values out.
 */
import { presets } from './presets';
import type { GrammarSpec, PresetName } from '../../protocol/items';
import type { CodeMatch, CodeProblem, Span } from './types';

/** A grammar ready for scanning. */
export interface CompiledGrammar {
  spec: GrammarSpec;
  levelCount: number;
  /** Codebook size of each level. */
  codebook: number[];
  /** Literal text before and after the number of each level's token. */
  levelAffixes: { prefix: string; suffix: string }[];
  /** Domain (or '' for none) of each begin token. */
  beginDomain: Map<string, string>;
  endTokens: Set<string>;
  /** Global, sticky-free regex; group 1 = bare digits, group 2+k = level k's number text. */
  regex: RegExp;
}

/** A custom spelling that cannot be used, with what to fix. */
export class GrammarError extends Error {}

/** The spec of a built-in preset. */
export function presetSpec(name: Exclude<PresetName, 'custom'>): GrammarSpec {
  return presets[name];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Compile a spec; throws `GrammarError` with an actionable message when a custom spec is invalid. */
export function compileGrammar(spec: GrammarSpec): CompiledGrammar {
  const where = `itemic-token grammar "${spec?.name ?? 'custom'}"`;
  if (!spec || !Array.isArray(spec.levels) || spec.levels.length === 0) {
    throw new GrammarError(`${where}: "levels" must list one spelling per level, e.g. ["<s_a_{n}>", "<s_b_{n}>", "<s_c_{n}>"]`);
  }
  const levelAffixes = spec.levels.map((pattern, k) => {
    const parts = typeof pattern === 'string' ? pattern.split('{n}') : [];
    if (parts.length !== 2 || parts[0] === '') {
      throw new GrammarError(`${where}: level ${k + 1} spelling ${JSON.stringify(pattern)} must contain "{n}" exactly once, after some fixed text (e.g. "<s_a_{n}>")`);
    }
    return { prefix: parts[0], suffix: parts[1] };
  });
  const prefixes = new Set(levelAffixes.map((a) => a.prefix));
  if (prefixes.size !== levelAffixes.length) throw new GrammarError(`${where}: two levels share the spelling prefix; each level needs its own (e.g. "<s_a_" and "<s_b_")`);
  const sizes = Array.isArray(spec.codebookSize) ? spec.codebookSize : spec.levels.map(() => spec.codebookSize as number);
  if (sizes.length !== spec.levels.length || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new GrammarError(`${where}: "codebookSize" must be a positive integer or one per level (${spec.levels.length} levels)`);
  }
  // A single string where a list belongs would otherwise be dropped silently.
  if (spec.begin != null && !Array.isArray(spec.begin)) throw new GrammarError(`${where}: "begin" must be a list, e.g. [{ "token": "<|sid_begin|>" }]`);
  if (spec.end != null && !Array.isArray(spec.end)) throw new GrammarError(`${where}: "end" must be a list, e.g. ["<|sid_end|>"]`);
  const begin = spec.begin ?? [];
  const end = spec.end ?? [];
  for (const b of begin) if (!b || typeof b.token !== 'string' || !b.token) throw new GrammarError(`${where}: every "begin" entry needs a non-empty "token"`);
  for (const e of end) if (typeof e !== 'string' || !e) throw new GrammarError(`${where}: every "end" entry must be a non-empty string`);

  // Longest literals first so that one token is never matched as a prefix of another.
  const byLength = (a: string, b: string): number => b.length - a.length;
  const beginAlt = begin.map((b) => b.token).sort(byLength).map(escapeRe).join('|');
  const endAlt = [...end].sort(byLength).map(escapeRe).join('|');
  const alternatives: string[] = [];
  alternatives.push(beginAlt && endAlt ? `(?:${beginAlt})(\\d+)(?:${endAlt})` : '(?!)()');
  for (const a of levelAffixes) {
    // A level's "number" is read loosely (word characters) so that `<s_a_x>` is reported as malformed, not ignored;
    // with no suffix to end it, only digits can be told apart from the next token.
    const num = a.suffix ? '(\\w{0,24})' : '(\\d{1,24})';
    // When another level's prefix extends this one ("<a" and "<ab"), that level's tokens must not be read as this one's.
    const longer = levelAffixes.filter((b) => b.prefix.length > a.prefix.length && b.prefix.startsWith(a.prefix));
    const guard = longer.map((b) => `(?!${escapeRe(b.prefix.slice(a.prefix.length))})`).join('');
    alternatives.push(`${escapeRe(a.prefix)}${guard}${num}${escapeRe(a.suffix)}`);
  }
  if (beginAlt) alternatives.push(beginAlt);
  if (endAlt) alternatives.push(endAlt);
  return {
    spec,
    levelCount: spec.levels.length,
    codebook: sizes,
    levelAffixes,
    beginDomain: new Map(begin.map((b) => [b.token, b.domain ?? ''])),
    endTokens: new Set(end),
    regex: new RegExp(alternatives.join('|'), 'g'),
  };
}

/** The grammar the settings ask for; falls back to `openonerec` with an error message when the choice is invalid. */
export function resolveGrammar(preset: PresetName, custom: GrammarSpec | null): { grammar: CompiledGrammar; error?: string } {
  if (preset === 'custom') {
    if (!custom) return { grammar: compileGrammar(presets.openonerec), error: 'reclens.itemicTokens.preset is "custom" but reclens.itemicTokens.custom is not set; using "openonerec".' };
    try {
      return { grammar: compileGrammar(custom) };
    } catch (e) {
      return { grammar: compileGrammar(presets.openonerec), error: `reclens.itemicTokens.custom: ${(e as Error).message}; using "openonerec".` };
    }
  }
  // Own keys only: a preset named "toString" must not reach Object.prototype.
  const spec = Object.prototype.hasOwnProperty.call(presets, preset) ? presets[preset] : undefined;
  if (!spec) return { grammar: compileGrammar(presets.openonerec), error: `reclens.itemicTokens.preset: unknown preset "${preset}" (known: ${Object.keys(presets).join(', ')}, custom); using "openonerec".` };
  return { grammar: compileGrammar(spec) };
}

/** A code being assembled while its tokens are read. */
interface Open {
  match: CodeMatch;
  next: number; // index of the level expected next
}

/** Find every code in `text[from, to)`; spans are offsets into `text`. Appends to and returns `out`. */
export function scanCodes(text: string, grammar: CompiledGrammar, from = 0, to = text.length, out: CodeMatch[] = []): CodeMatch[] {
  const re = grammar.regex;
  const levelCount = grammar.levelCount;
  // A sliced string (O(1) in V8) keeps the regex from searching past `to`.
  const src = to < text.length ? text.slice(0, to) : text;
  re.lastIndex = from;
  let open: Open | undefined;
  let lastEnd = -1;

  const close = (): void => {
    if (!open) return;
    finish(open.match, grammar);
    out.push(open.match);
    open = undefined;
  };

  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    // Tokens belong to one code only when written back to back.
    if (open && start !== lastEnd) close();
    lastEnd = end;

    if (m[1] !== undefined) {
      // <|begin|>123<|end|>: a bare number.
      close();
      const beginToken = findBegin(grammar, m[0]);
      const domain = beginToken ? grammar.beginDomain.get(beginToken) || undefined : undefined;
      const digitsStart = start + (beginToken?.length ?? 0);
      out.push({
        span: { start, end },
        levels: [],
        levelSpans: [],
        domain,
        begin: { start, end: digitsStart },
        end: { start: digitsStart + m[1].length, end },
        kind: 'full',
        bare: m[1],
        problems: [],
      });
      continue;
    }

    let level = -1;
    for (let k = 0; k < levelCount; k++) {
      if (m[k + 2] !== undefined) {
        level = k;
        break;
      }
    }

    if (level >= 0) {
      const numText = m[level + 2];
      const affix = grammar.levelAffixes[level];
      const numSpan: Span = { start: start + affix.prefix.length, end: end - affix.suffix.length };
      if (open && open.next !== level && (level === 0 || open.match.end || open.next >= levelCount)) {
        // A new code starts at level a (concatenated history codes without begin/end tokens).
        close();
      }
      const value = /^\d+$/.test(numText) ? Number(numText) : NaN;
      const expected = open ? open.next : 0;
      const problem: CodeProblem | undefined =
        level !== expected
          ? { kind: 'malformed', span: { start, end }, message: `level ${levelName(grammar, level)} where level ${levelName(grammar, expected)} was expected; a code lists its levels in order (${grammar.spec.levels.join('')})` }
          : Number.isNaN(value)
            ? { kind: 'malformed', span: numSpan, message: `"${m[0]}" is not a code: level ${levelName(grammar, level)} needs a number from 0 to ${grammar.codebook[level] - 1}` }
            : undefined;
      if (problem) {
        if (open?.match.begin && !open.match.end) {
          // Inside begin…end: the code is malformed but still one code.
          open.match.problems.push(problem);
          open.match.span.end = end;
        } else {
          // Outside: report the stray token on its own, keep what came before.
          close();
          const stray = newMatch(start);
          stray.span.end = end;
          stray.problems.push(problem);
          out.push(stray);
        }
        continue;
      }
      if (!open) open = { match: newMatch(start), next: 0 };
      const match = open.match;
      if (value >= grammar.codebook[level]) {
        match.problems.push({
          kind: 'out-of-range',
          span: numSpan,
          message: `${value} is out of range for level ${levelName(grammar, level)}: the ${grammar.spec.name} codebook has ${grammar.codebook[level]} entries (0–${grammar.codebook[level] - 1}); check the itemic-token preset (reclens.itemicTokens.preset)`,
        });
      }
      match.levels.push(value);
      match.levelSpans.push({ start, end });
      match.span.end = end;
      open.next = level + 1;
      continue;
    }

    const token = m[0];
    const beginDomain = grammar.beginDomain.get(token);
    if (beginDomain !== undefined) {
      close();
      open = { match: newMatch(start), next: 0 };
      open.match.begin = { start, end };
      open.match.span.end = end;
      if (beginDomain) open.match.domain = beginDomain;
      continue;
    }
    if (grammar.endTokens.has(token)) {
      if (open && !open.match.end) {
        open.match.end = { start, end };
        open.match.span.end = end;
        close();
      } else {
        close();
        const match = newMatch(start);
        match.span.end = end;
        match.end = { start, end };
        match.problems.push({ kind: 'malformed', span: { start, end }, message: `"${token}" closes no code: there is no begin token or level token right before it` });
        finish(match, grammar);
        out.push(match);
      }
    }
  }
  close();
  return out;
}

function newMatch(start: number): CodeMatch {
  return { span: { start, end: start }, levels: [], levelSpans: [], kind: 'prefix', problems: [] };
}

function findBegin(grammar: CompiledGrammar, text: string): string | undefined {
  let best: string | undefined;
  for (const token of grammar.beginDomain.keys()) if (text.startsWith(token) && (!best || token.length > best.length)) best = token;
  return best;
}

function levelName(grammar: CompiledGrammar, level: number): string {
  const a = grammar.levelAffixes[level];
  return a ? `${a.prefix}N${a.suffix}` : `#${level + 1}`;
}

/** Settle kind and the problems that depend on the whole code. */
function finish(match: CodeMatch, grammar: CompiledGrammar): void {
  match.kind = match.levels.length === grammar.levelCount ? 'full' : 'prefix';
  const problems: CodeProblem[] = match.problems;
  if (match.begin && !match.end && grammar.endTokens.size > 0) {
    problems.push({
      kind: 'unterminated',
      span: { ...match.span },
      message:
        match.levels.length === 0
          ? 'begin token with no code after it (generation stopped here?)'
          : `code not closed by an end token (${[...grammar.endTokens][0]}); generation was probably cut off${match.kind === 'prefix' ? ` after ${match.levels.length} of ${grammar.levelCount} levels` : ''}`,
    });
  } else if (match.begin && match.end && match.levels.length === 0 && match.bare === undefined) {
    problems.push({ kind: 'empty', span: { ...match.span }, message: 'empty code: begin and end tokens with no levels between them' });
  }
}

/** Spell a code (or prefix) in the grammar, e.g. `<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>`. */
export function formatCode(grammar: CompiledGrammar, levels: number[], options: { domain?: string; beginEnd?: boolean } = {}): string {
  const body = levels.map((v, k) => `${grammar.levelAffixes[k].prefix}${v}${grammar.levelAffixes[k].suffix}`).join('');
  if (options.beginEnd === false) return body;
  const begins = grammar.spec.begin ?? [];
  // An unknown domain gets the domain-less begin token rather than another domain's.
  const beginEntry = begins.find((b) => (b.domain ?? '') === (options.domain ?? '')) ?? begins.find((b) => !b.domain) ?? begins[0];
  if (!beginEntry) return body;
  const ends = grammar.spec.end ?? [];
  // Pair a domain begin token with the end token of the same stem when there is one.
  const stem = beginEntry.token.replace(/begin/, 'end');
  const endToken = ends.find((e) => e === stem) ?? ends[0] ?? '';
  return `${beginEntry.token}${body}${endToken}`;
}

/** A canonical key for a code or prefix, e.g. `340.6566.5603` (domain-qualified when given: `video:340.6566`). */
export function codeKey(levels: readonly number[], domain?: string): string {
  const key = levels.join('.');
  return domain ? `${domain}:${key}` : key;
}
