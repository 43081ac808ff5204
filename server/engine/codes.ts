/**
 * Itemic codes as token ids: which vocabulary entry spells level k's value
 * v, the begin token that opens a code, and the prefix trie of valid codes
 * that constrains beam search — read lazily from the alignment index
 * (`ItemLookup.children`), one node per prefix the search reaches, so a pool
 * of 10⁷ items costs only the prefixes visited.
 */
import { formatCode, type CompiledGrammar } from '../items/grammar';
import type { ItemLookup } from '../items/lookup';
import { chooseDomain, domainNames, type DomainChoice } from './domain';
import { ModelError } from './model-folder';
import type { TextTokenizer } from './tokenizer';

export interface Allowed {
  tokens: Int32Array;
  values: Int32Array;
}

export class CodeVocabulary {
  /** Token id → level (k) and value, for the level tokens the tokenizer has. */
  private readonly levelOf = new Map<number, { level: number; value: number }>();
  private readonly trie = new Map<string, Allowed>();
  readonly levels: number;
  /** The text that opens a code (`<|sid_begin|>`), '' when the grammar has no begin token. */
  readonly begin: string;
  /** The domain item lookups filter on (undefined: every item). */
  readonly domain?: string;

  /** Codes of `choice`'s domain (default: the grammar's domain-less begin token); throws `ModelError` when the tokenizer lacks the begin token. */
  constructor(
    readonly grammar: CompiledGrammar,
    private readonly tokenizer: TextTokenizer,
    private readonly lookup: ItemLookup,
    readonly choice: DomainChoice = chooseDomain(grammar, 'auto', [], []),
  ) {
    this.levels = grammar.levelCount;
    this.begin = choice.begin;
    this.domain = choice.domain;
    if (this.begin && tokenizer.tokenId(this.begin) === undefined) throw new ModelError(missingBegin(grammar, tokenizer, choice));
  }

  /** The id of the token spelling `value` at `level`, or undefined when the tokenizer lacks it. */
  tokenFor(level: number, value: number): number | undefined {
    const { prefix, suffix } = this.grammar.levelAffixes[level];
    const id = this.tokenizer.tokenId(`${prefix}${value}${suffix}`);
    if (id !== undefined) this.levelOf.set(id, { level, value });
    return id;
  }

  /** Which level and value a token id spells, if it is a level token (known once seen through `tokenFor` or `identify`). */
  identify(id: number): { level: number; value: number } | undefined {
    const known = this.levelOf.get(id);
    if (known) return known;
    const text = this.tokenizer.text(id);
    for (let k = 0; k < this.levels; k++) {
      const { prefix, suffix } = this.grammar.levelAffixes[k];
      if (text.startsWith(prefix) && text.endsWith(suffix)) {
        const digits = text.slice(prefix.length, text.length - suffix.length);
        if (/^\d+$/.test(digits)) {
          const hit = { level: k, value: Number(digits) };
          this.levelOf.set(id, hit);
          return hit;
        }
      }
    }
    return undefined;
  }

  /** Valid next tokens after a prefix of levels: the children of the prefix in the item pool that the tokenizer can spell. */
  allowed(prefix: readonly number[]): Allowed {
    const key = prefix.join('.');
    let node = this.trie.get(key);
    if (!node) {
      const tokens: number[] = [];
      const values: number[] = [];
      for (const child of this.lookup.children([...prefix], this.domain)) {
        const id = this.tokenFor(prefix.length, child.value);
        if (id === undefined) continue;
        tokens.push(id);
        values.push(child.value);
      }
      node = { tokens: Int32Array.from(tokens), values: Int32Array.from(values) };
      this.trie.set(key, node);
    }
    return node;
  }

  /** Whether a full code names an item of the pool. */
  valid(levels: readonly number[]): boolean {
    return levels.length === this.levels && this.lookup.has([...levels], this.domain);
  }

  items(levels: readonly number[]): string[] {
    return levels.length === this.levels ? this.lookup.exact([...levels], this.domain).map((r) => r.id) : [];
  }

  /** A code's text in the grammar's spelling. */
  format(levels: readonly number[]): string {
    return formatCode(this.grammar, [...levels], { domain: this.domain });
  }
}

const SOURCE: Record<DomainChoice['source'], string> = {
  setting: 'reclens.inference.domain or --domain',
  target: "the domain of the user's targets",
  table: 'the domain of the alignment table entry in reclens.alignment.paths',
  grammar: 'the default begin token of the itemic-token spelling',
};

/** What to say when the tokenizer cannot spell the begin token: which token, where its domain came from, and what to set instead. */
function missingBegin(grammar: CompiledGrammar, tokenizer: TextTokenizer, choice: DomainChoice): string {
  const names = domainNames(grammar);
  const usable = (grammar.spec.begin ?? []).map((b, i) => (tokenizer.tokenId(b.token) !== undefined ? names[i] : undefined)).filter((n): n is string => n !== undefined);
  const fix = usable.length
    ? `set reclens.inference.domain (or pass --domain) to ${usable.map((n) => `"${n}"`).join(' or ')}, which the tokenizer has, or use a model whose tokenizer.json has ${choice.begin}`
    : `the tokenizer has none of the ${grammar.spec.name} spelling's begin tokens: check reclens.itemicTokens.preset against the model's tokenizer.json`;
  return `the model's tokenizer has no "${choice.begin}" token, the begin token of domain "${choice.name}" (from ${SOURCE[choice.source]}); ${fix}`;
}
