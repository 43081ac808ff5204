/**
 * TextMate grammars in syntaxes/: every regex compiles in JS and stays in the
 * subset that Oniguruma (VS Code) reads the same way, and the itemic-token
 * injection highlights the spellings of every preset.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compileGrammar, formatCode, presetSpec } from '../../server/items/grammar';
import { presetNames } from '../../server/items/presets';

const root = path.join(__dirname, '..', '..');
const syntaxes = path.join(root, 'syntaxes');
const grammarFiles = readdirSync(syntaxes).filter((f) => f.endsWith('.tmLanguage.json'));

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, { name?: string }>;
  [key: string]: unknown;
}
interface Grammar extends Rule {
  scopeName: string;
  injectionSelector?: string;
  repository?: Record<string, Rule>;
}

const readGrammar = (file: string): Grammar => JSON.parse(readFileSync(path.join(syntaxes, file), 'utf8')) as Grammar;

/** Every regex in a grammar with where it sits, e.g. `repository.level.match`. */
function regexes(node: unknown, where: string, out: { where: string; source: string }[] = []): { where: string; source: string }[] {
  if (Array.isArray(node)) node.forEach((n, i) => regexes(n, `${where}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(k) && typeof v === 'string') out.push({ where: `${where}.${k}`, source: v });
      else regexes(v, `${where}.${k}`, out);
    }
  }
  return out;
}

/**
 * Constructs Oniguruma reads differently from JS (where most compile silently
 * to something else, e.g. `\h` becomes a literal "h").
 */
function onigurumaOnly(source: string): string | undefined {
  const escape = /\\([hHAZzGKRXpP])/.exec(source);
  if (escape) return `\\${escape[1]} (Oniguruma-only escape)`;
  if (/\(\?[imxW-]+[):]/.test(source)) return 'inline flags like (?i) or (?x)';
  if (source.includes('(?>')) return 'atomic group (?>…)';
  // Possessive quantifiers, once escapes and character classes are out of the way.
  const bare = source.replace(/\\./g, '_').replace(/\[[^\]]*\]/g, '_');
  if (/[*+?}]\+/.test(bare)) return 'possessive quantifier (*+, ++, ?+)';
  return undefined;
}

describe('TextMate grammars', () => {
  it('exist', () => assert.ok(grammarFiles.includes('itemic.injection.tmLanguage.json'), 'syntaxes/itemic.injection.tmLanguage.json'));

  for (const file of grammarFiles) {
    describe(file, () => {
      const grammar = readGrammar(file);

      it('has a scopeName and resolvable includes', () => {
        assert.match(grammar.scopeName, /^[a-z][\w.-]*$/);
        const includes = JSON.stringify(grammar).match(/"include":\s*"#[^"]+"/g) ?? [];
        for (const inc of includes) {
          const name = /#([^"]+)/.exec(inc)?.[1] ?? '';
          assert.ok(grammar.repository && name in grammar.repository, `${file}: ${inc} names no repository entry`);
        }
      });

      for (const { where, source } of regexes(grammar, file)) {
        it(`${where} compiles in JS and is in the common subset`, () => {
          assert.doesNotThrow(() => new RegExp(source), `${where}: ${source}`);
          const problem = onigurumaOnly(source);
          assert.equal(problem, undefined, `${where} uses ${problem}: ${source}`);
        });
      }
    });
  }
});

/** A `match` rule with its resolved scope. */
interface MatchRule {
  re: RegExp;
  name?: string;
  captures?: Record<string, { name?: string }>;
}

/** The injection's top-level match rules in order, includes and nested `patterns` resolved. */
function matchRules(grammar: Grammar): MatchRule[] {
  const out: MatchRule[] = [];
  const visit = (rule: Rule): void => {
    if (rule.include) return visit(grammar.repository?.[rule.include.slice(1)] ?? {});
    if (rule.match) out.push({ re: new RegExp(rule.match, 'g'), name: rule.name, captures: rule.captures });
    for (const r of rule.patterns ?? []) visit(r);
  };
  for (const r of grammar.patterns ?? []) visit(r);
  return out;
}

/**
 * Tokenize one line the way TextMate picks a rule: the earliest match wins,
 * ties go to the first rule. Returns `[text, scope]` pairs of the matches
 * (capture scopes joined after the rule scope).
 */
function tokenize(line: string, rules: MatchRule[]): [string, string][] {
  const tokens: [string, string][] = [];
  let pos = 0;
  while (pos < line.length) {
    let best: { m: RegExpExecArray; rule: MatchRule } | undefined;
    for (const rule of rules) {
      rule.re.lastIndex = pos;
      const m = rule.re.exec(line);
      if (m && m[0].length > 0 && (!best || m.index < best.m.index)) best = { m, rule };
    }
    if (!best) break;
    const { m, rule } = best;
    const captures = Object.entries(rule.captures ?? {})
      .filter(([k, c]) => c.name && m[Number(k)])
      .map(([k, c]) => `${c.name}=${m[Number(k)]}`);
    tokens.push([m[0], [rule.name ?? '', ...captures].filter((s) => s).join(' ')]);
    pos = m.index + m[0].length;
  }
  return tokens;
}

describe('itemic injection grammar', () => {
  const grammar = readGrammar('itemic.injection.tmLanguage.json');
  const rules = matchRules(grammar);
  const scopesOf = (line: string): string[] => tokenize(line, rules).map(([, s]) => s);
  const textsOf = (line: string): string[] => tokenize(line, rules).map(([t]) => t);

  it('is injected into JSON, JSONL, Markdown, plain text, logs and Python, like package.json says', () => {
    assert.equal(grammar.scopeName, 'reclens.itemic.injection');
    const selector = (grammar.injectionSelector ?? '').split(',').map((s) => s.trim());
    const hosts = ['source.json', 'source.json.comments', 'source.json.lines', 'text.html.markdown', 'text.plain', 'text.log', 'source.python'];
    assert.deepEqual(selector, hosts.map((h) => `L:${h}`));
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] } };
    const entry = manifest.contributes.grammars.find((g) => g.scopeName === grammar.scopeName);
    assert.ok(entry, 'package.json contributes the injection grammar');
    assert.equal(path.normalize(entry.path), path.normalize('./syntaxes/itemic.injection.tmLanguage.json'));
    assert.deepEqual([...(entry.injectTo ?? [])].sort(), [...hosts].sort());
  });

  for (const name of presetNames) {
    it(`highlights every token of the ${name} spelling`, () => {
      const g = compileGrammar(presetSpec(name));
      const levels = g.codebook.map((size) => size - 1);
      const domains = [undefined, ...g.spec.begin.map((b) => b.domain).filter((d) => d !== undefined)];
      for (const domain of domains) {
        const code = formatCode(g, levels, { domain });
        const tokens = tokenize(`history: ${code}, next`, rules);
        assert.equal(tokens.map(([t]) => t).join(''), code, `every token of ${code} is matched`);
        const levelTokens = tokens.filter(([, s]) => s.startsWith('constant.other.itemic.level.reclens'));
        assert.equal(levelTokens.length, g.levelCount);
        levelTokens.forEach(([, s], k) => assert.match(s, new RegExp(`constant\\.numeric\\.integer\\.itemic\\.reclens=${levels[k]}$`)));
        assert.match(tokens[0][1], /^keyword\.control\.itemic\.begin/);
        assert.match(tokens.at(-1)?.[1] ?? '', /^keyword\.control\.itemic\.end/);
        if (domain) assert.match(tokens[0][1], new RegExp(`entity\\.name\\.type\\.itemic\\.domain\\.reclens=${domain}`));
      }
    });
  }

  it('highlights codes without begin/end tokens and prefixes', () => {
    assert.deepEqual(textsOf('<s_a_1><s_b_2> and <item_c_3>'), ['<s_a_1>', '<s_b_2>', '<item_c_3>']);
    assert.ok(scopesOf('<s_a_1><s_b_2>').every((s) => s.startsWith('constant.other.itemic.level.reclens')));
  });

  it('highlights a bare number between begin and end tokens', () => {
    assert.deepEqual(tokenize('<|sid_begin|>123<|sid_end|>', rules), [
      ['<|sid_begin|>123<|sid_end|>', 'keyword.control.itemic.begin.reclens=<|sid_begin|> constant.numeric.integer.itemic.bare.reclens=123 keyword.control.itemic.end.reclens=<|sid_end|>'],
    ]);
  });

  it('leaves look-alikes alone', () => {
    assert.deepEqual(textsOf('<s_a_x> <s_a_> <S_A_1> s_a_1 <s_z_1> <|sid_begin| <b>think</b>'), []);
  });

  it('highlights <think>, </think> and Qwen3 chat markup', () => {
    const line = '<|im_start|>assistant\n<think>\n\n</think>\n\n<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|><|im_end|>';
    const tokens = tokenize(line, rules);
    assert.deepEqual(tokens.slice(0, 3), [
      ['<|im_start|>assistant', 'keyword.control.chat.turn.begin.reclens=<|im_start|> entity.name.tag.chat.role.reclens=assistant'],
      ['<think>', 'keyword.control.reasoning.think.begin.reclens'],
      ['</think>', 'keyword.control.reasoning.think.end.reclens'],
    ]);
    assert.deepEqual(tokens.at(-1), ['<|im_end|>', 'keyword.control.chat.turn.end.reclens']);
  });

  it('highlights /think and /no_think switches but not paths, URLs or </think>', () => {
    assert.deepEqual(tokenize('<|im_start|>user recommend something /think', rules).at(-1), ['/think', 'keyword.other.chat.mode-switch.reclens']);
    assert.deepEqual(textsOf('"content": "what next? /no_think"'), ['/no_think']);
    assert.deepEqual(textsOf('see src/think and https://x.org/think or /thinking or a./think'), []);
    assert.deepEqual(scopesOf('</think>'), ['keyword.control.reasoning.think.end.reclens']);
  });

  it('finds tokens inside JSON strings and after astral characters', () => {
    const line = JSON.stringify({ text: '😀 <|video_begin|><s_a_1><s_b_2><s_c_3><|video_end|>' });
    assert.deepEqual(textsOf(line), ['<|video_begin|>', '<s_a_1>', '<s_b_2>', '<s_c_3>', '<|video_end|>']);
  });
});
