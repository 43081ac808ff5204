/**
 * Which domain's begin token opens the code stage (OneReason's
 * `prompt_token`: `<|video_begin|>`, `<|prod_begin|>`, `<|ad_begin|>`,
 * `<|living_begin|>`, or the generic `<|sid_begin|>`). In order: the
 * `reclens.inference.domain` setting (or the run's override) unless `auto`,
 * the domain of the user's targets, the domain of the alignment table
 * entries, then the spelling's domain-less begin token. Pure.
 */
import { AUTO_DOMAIN, type DomainSource } from '../../protocol/inference';
import type { CompiledGrammar } from '../items/grammar';

export interface DomainChoice {
  /** The name the trace header records: the begin token's domain, or its stem for a domain-less one (`sid` for `<|sid_begin|>`). */
  name: string;
  /** The domain item lookups filter on; undefined for the domain-less begin token. */
  domain?: string;
  /** The begin token ('' when the spelling has none). */
  begin: string;
  source: DomainSource;
}

/** `<|video_begin|>` → `video`; a token without that shape is its own name. */
const stem = (token: string): string => /^<\|(.+)_begin\|>$/.exec(token)?.[1] ?? token;

/** The domains a spelling can open a code with, by the name `reclens.inference.domain` takes. */
export function domainNames(grammar: CompiledGrammar): string[] {
  return (grammar.spec.begin ?? []).map((b) => b.domain ?? stem(b.token));
}

/**
 * The domain of the code stage. `setting` is `auto` or a domain name (a
 * begin token's domain, its stem such as `sid`, or the token itself);
 * `tables` the `domain` of each alignment table entry. Throws when the
 * setting names a domain the spelling does not have.
 */
export function chooseDomain(grammar: CompiledGrammar, setting: string, targets: readonly { domain?: string }[], tables: readonly (string | undefined)[]): DomainChoice {
  const begins = grammar.spec.begin ?? [];
  const plain = begins.find((b) => !b.domain) ?? begins[0];
  const of = (entry: { token: string; domain?: string } | undefined, source: DomainSource, domain = entry?.domain): DomainChoice =>
    entry ? { name: domain ?? stem(entry.token), domain, begin: entry.token, source } : { name: domain ?? '', domain, begin: '', source };
  if (setting !== AUTO_DOMAIN && setting !== '') {
    const entry = begins.find((b) => b.domain === setting || stem(b.token) === setting || b.token === setting);
    if (!entry) {
      const known = domainNames(grammar);
      throw new Error(
        `reclens.inference.domain is "${setting}", but the ${grammar.spec.name} itemic-token spelling has ${known.length ? `the domains ${known.join(', ')}` : 'no begin tokens'}; set it to one of them or to "auto" (or pass --domain)`,
      );
    }
    return of(entry, 'setting');
  }
  const pick = (domain: string | undefined, source: DomainSource): DomainChoice | undefined =>
    // A domain the spelling has no begin token for still selects its items; the code opens with the domain-less token, as formatCode writes it.
    domain ? of(begins.find((b) => b.domain === domain) ?? plain, source, domain) : undefined;
  return pick(targets.find((t) => t.domain)?.domain, 'target') ?? pick(tables.find((d) => d), 'table') ?? of(plain, 'grammar');
}
