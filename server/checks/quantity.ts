/**
 * Quantity and category claims (docs/checks.md, "Quantities"): "N of M
 * items are X", "N items are X", "N/M … are X", "most items are X", "all
 * … are X", and the Chinese forms ("20个物品中有12个是X", "有12个是X",
 * "大多数…是X", "所有物品都是X"). X resolves to a code prefix written in it,
 * else to a category of the table; the count is taken over the trace's
 * history (its last M items when the claim says "of M" and the history is
 * longer, as models of the OneRec family read the latest items).
 */
import { formatCode } from '../items/grammar';
import type { ItemRecord } from '../items/lookup';
import type { Span } from '../items/types';
import { under } from '../trace/steps';
import { categoryParts, inCategory } from './categories';
import { clipText, itemEvidence, stepClaim, type CheckContext, type HistoryEntry, type ReasoningStep, type StepCode } from './context';
import type { Claim, ClaimEvidence } from './types';

type Quantifier = { kind: 'count'; n: number; of?: number } | { kind: 'most' } | { kind: 'all'; of?: number };

interface QuantityClaim {
  q: Quantifier;
  /** From the quantifier to the end of X, in the step's plain text. */
  at: Span;
  x: Span;
}

const NUM = '(\\d{1,4}|[零一二两三四五六七八九十百]{1,4})';
const NOUN_EN = '(?:items?|videos?|clips?|products?|entries|ones|posts?|songs?|ads?)';
const VERB_EN = '(?:are|is|were|was|belong to|come from|fall (?:in|into|under)|are about|are in|are from)';
const NOUN_ZH = '(?:物品|视频|商品|条目|内容|作品|历史物品|历史记录|记录)';
const VERB_ZH = '(?:都是|均为|均是|全是|是|属于|来自|为|关于)';
const PATTERNS: { re: RegExp; make: (m: RegExpExecArray) => Quantifier }[] = [
  { re: new RegExp(`\\b(\\d{1,4})\\s+(?:of|out of)\\s+(?:the\\s+)?(?:(?:last|latest|recent|most recent)\\s+)?(\\d{1,4})(?:\\s+[\\p{L}-]+){0,2}?\\s+${VERB_EN}\\s+`, 'giu'), make: (m) => ({ kind: 'count', n: Number(m[1]), of: Number(m[2]) }) },
  { re: new RegExp(`\\b(\\d{1,4})\\s*/\\s*(\\d{1,4})(?:\\s+[\\p{L}-]+){0,2}?\\s+${VERB_EN}\\s+`, 'giu'), make: (m) => ({ kind: 'count', n: Number(m[1]), of: Number(m[2]) }) },
  { re: new RegExp(`(?<![\\d/])\\b(\\d{1,4})\\s+(?:(?:history|recent|latest)\\s+)?${NOUN_EN}\\s+${VERB_EN}\\s+`, 'giu'), make: (m) => ({ kind: 'count', n: Number(m[1]) }) },
  { re: new RegExp(`\\b(?:most|the majority|a majority)\\s+(?:of\\s+)?(?:the\\s+)?(?:(?:user's|history|recent|latest)\\s+)?(?:${NOUN_EN}|history)\\s+${VERB_EN}\\s+`, 'giu'), make: () => ({ kind: 'most' }) },
  { re: new RegExp(`\\ball\\s+(?:(\\d{1,4})\\s+)?(?:of\\s+)?(?:the\\s+)?(?:(\\d{1,4})\\s+)?(?:(?:history|recent|latest|last)\\s+)?(?:(\\d{1,4})\\s+)?${NOUN_EN}\\s+${VERB_EN}\\s+`, 'giu'), make: (m) => ({ kind: 'all', of: m[1] || m[2] || m[3] ? Number(m[1] || m[2] || m[3]) : undefined }) },
  { re: new RegExp(`${NUM}\\s*(?:个|条|部)?${NOUN_ZH}?(?:中|里|当中|之中)(?:有|的)?\\s*${NUM}\\s*(?:个|条|部)?${NOUN_ZH}?\\s*${VERB_ZH}\\s*`, 'gu'), make: (m) => ({ kind: 'count', n: cnNumber(m[2]), of: cnNumber(m[1]) }) },
  { re: new RegExp(`(\\d{1,4})\\s*/\\s*(\\d{1,4})\\s*(?:的|个)?${NOUN_ZH}?\\s*${VERB_ZH}\\s*`, 'gu'), make: (m) => ({ kind: 'count', n: Number(m[1]), of: Number(m[2]) }) },
  { re: new RegExp(`有\\s*${NUM}\\s*(?:个|条|部)${NOUN_ZH}?\\s*${VERB_ZH}\\s*`, 'gu'), make: (m) => ({ kind: 'count', n: cnNumber(m[1]) }) },
  { re: new RegExp(`(?:绝大多数|大多数|大部分|多数|大都)(?:的)?${NOUN_ZH}?\\s*(?:都)?${VERB_ZH}\\s*`, 'gu'), make: () => ({ kind: 'most' }) },
  { re: new RegExp(`(?:所有|全部|全都)(?:的)?(?:${NUM}\\s*个)?${NOUN_ZH}?\\s*(?:都|均|全)?${VERB_ZH}\\s*`, 'gu'), make: (m) => ({ kind: 'all', of: m[1] ? cnNumber(m[1]) : undefined }) },
  { re: new RegExp(`${NOUN_ZH}(?:全部|全都|都|均)${VERB_ZH}\\s*`, 'gu'), make: () => ({ kind: 'all' }) },
];

const CLAUSE_END = /[.;:,!?。；：，！？\n]|\s(?:and|but|while|whereas|so)\s|\s[—–-]\s|<-/u;

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A number written in digits or in Chinese numerals up to 999 (十二, 二十, 一百零五). */
export function cnNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  let total = 0;
  let digit = 0;
  for (const ch of s) {
    if (ch === '百') {
      total += (digit || 1) * 100;
      digit = 0;
    } else if (ch === '十') {
      total += (digit || 1) * 10;
      digit = 0;
    } else digit = CN_DIGITS[ch] ?? 0;
  }
  return total + digit;
}

/** The quantity claims written in a text, in text order, overlapping matches dropped. */
export function quantityClaims(text: string): QuantityClaim[] {
  const found: QuantityClaim[] = [];
  for (const { re, make } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const xStart = m.index + m[0].length;
      const rest = text.slice(xStart);
      const xEnd = xStart + (CLAUSE_END.exec(rest)?.index ?? rest.length);
      if (xEnd <= xStart) continue;
      found.push({ q: make(m), at: { start: m.index, end: xEnd }, x: { start: xStart, end: xEnd } });
    }
  }
  found.sort((a, b) => a.at.start - b.at.start || b.at.end - a.at.end);
  return found.filter((c, i) => !found.slice(0, i).some((o) => o.at.start <= c.at.start && c.at.start < o.at.end));
}

/** A category phrase without the words around it (`about`, `items`, `类视频`). */
function cleanPhrase(s: string): string {
  // `Portraits (Photography)`: a subcategory with its category in brackets.
  const flipped = s.trim().replace(/^([^()（）]+?)\s*[(（]([^()（）]+)[)）]$/u, '$2 / $1');
  return categoryParts(flipped.replace(/^\s*(?:about|from|in|the|of)\s+/iu, ''))
    .map((p) =>
      p
        .replace(/\s+(?:items?|videos?|clips?|content|products?|related)$/iu, '')
        .replace(/-related$/iu, '')
        .replace(/(?:类型|类别|类|相关|方面|领域)?(?:的)?(?:视频|内容|物品|商品|作品)?$/u, '')
        .replace(/[的类]$/u, '')
        .trim(),
    )
    .filter((p) => p.length > 0)
    .join(' / ');
}

/** What X names: the history entries that lie in it and how to say it. */
export interface Resolved {
  label: string;
  test: (h: HistoryEntry) => boolean;
  code?: StepCode;
  phrase?: string;
}

/** What the X of a claim names: a code prefix written in it, else a category of the table; undefined when neither. */
export function resolveGroup(ctx: CheckContext, rs: ReasoningStep, x: Span): Resolved | undefined {
  const code = rs.codes.find((c) => c.at.start >= x.start && c.at.start < x.end);
  const raw = rs.view.text.slice(x.start, x.end);
  const phrase = cleanPhrase(code ? raw.slice(0, code.at.start - x.start) + raw.slice(code.at.end - x.start) : raw);
  if (code) {
    const label = formatCode(ctx.grammar, code.levels, { domain: code.domain });
    return { label: phrase ? `${phrase} ${label}` : label, test: (h) => h.code !== undefined && under(h.code, code), code, phrase: phrase || undefined };
  }
  if (!phrase || !knownCategory(ctx, phrase)) return undefined;
  return { label: phrase, test: (h) => h.items.some((i) => inCategory(i, phrase, ctx.similarity)), phrase };
}

const known = new WeakMap<CheckContext, Map<string, boolean>>();

/**
 * Whether the phrase names a category of the history's items or of the
 * table. The table is searched only when the history's items have
 * categories (a captions-only pool has none to find), once per phrase and
 * trace: a search scans the pool.
 */
function knownCategory(ctx: CheckContext, phrase: string): boolean {
  const cache = known.get(ctx) ?? new Map<string, boolean>();
  known.set(ctx, cache);
  let found = cache.get(phrase);
  if (found === undefined) {
    const items = ctx.history.flatMap((h) => h.items);
    found = items.some((i) => inCategory(i, phrase, ctx.similarity));
    if (!found && items.some((i) => i.categories)) {
      const last = categoryParts(phrase).at(-1) ?? phrase;
      found = ctx.lookup.search(last, 50).some((i) => inCategory(i, phrase, ctx.similarity));
    }
    cache.set(phrase, found);
  }
  return found;
}

/** The quantity and category claims of every step. */
export function checkQuantities(ctx: CheckContext): Claim[] {
  const out: Claim[] = [];
  for (const rs of ctx.steps) {
    const counted: Span[] = [];
    for (const qc of quantityClaims(rs.view.text)) {
      counted.push(qc.x);
      const r = resolveGroup(ctx, rs, qc.x);
      if (!r) continue;
      const claim = countClaim(ctx, rs, qc, r);
      if (claim) out.push(claim);
      const mismatch = r.code && r.phrase ? categoryMismatch(ctx, rs, qc.x, r.code, r.phrase) : undefined;
      if (mismatch) out.push(mismatch);
    }
    // A category path written just before a prefix outside any count: "from Skincare / Moisturizers <prefix>".
    for (const c of rs.codes) {
      if (c.full || counted.some((x) => c.at.start >= x.start && c.at.start < x.end)) continue;
      const named = pathBefore(ctx, rs.view.text, c.at.start);
      const mismatch = named && categoryMismatch(ctx, rs, { start: named.start, end: c.at.end }, c, named.phrase);
      if (mismatch) out.push(mismatch);
    }
  }
  return out;
}

function countClaim(ctx: CheckContext, rs: ReasoningStep, qc: QuantityClaim, r: Resolved): Claim | undefined {
  const id = rs.step.id;
  const said = rs.view.text.slice(qc.at.start, qc.at.end).trim();
  const history = ctx.history;
  if (history.length === 0) return undefined;
  const of = qc.q.kind === 'most' ? undefined : qc.q.of;
  if (of !== undefined && of > history.length) {
    return stepClaim(rs, qc.at, {
      check: 'quantity',
      verdict: 'contradicts',
      message: `${id} says "${clipText(said, 50)}", but the history has ${history.length} items, not ${of}`,
      evidence: [{ text: `the history: ${history.length} items (h1–h${history.length})` }],
      score: history.length,
    });
  }
  const window = of !== undefined ? history.slice(history.length - of) : history;
  const hits = window.filter(r.test);
  const total = window.length;
  const scope = of !== undefined && of < history.length ? `the last ${total} history items` : `the ${total} history items`;
  const q = qc.q;
  const ok = q.kind === 'count' ? hits.length === q.n : q.kind === 'most' ? hits.length * 2 > total : hits.length === total;
  const ids = hits.map((h) => h.id);
  const list = ids.length === 0 ? '' : ` (${ids.slice(0, 12).join(', ')}${ids.length > 12 ? ', …' : ''})`;
  const message = ok
    ? `${id}: ${hits.length} of ${scope} are ${r.label}${list}, as it says`
    : `${id} says "${clipText(said, 60)}", but ${hits.length} of ${scope} are ${r.label}${list}`;
  return stepClaim(rs, qc.at, { check: 'quantity', verdict: ok ? 'consistent' : 'contradicts', message, evidence: hits.slice(0, 20).map(historyEvidence), score: hits.length });
}

function historyEvidence(h: HistoryEntry): ClaimEvidence {
  const item: ItemRecord | undefined = h.items[0];
  if (!item) return { text: h.id };
  return itemEvidence(item, `${h.id}: item ${item.id} "${clipText(item.title ?? item.caption ?? '', 60)}"${item.categories ? ` (${item.categories})` : ''}`);
}

/** A category path (`A / B`, one to three words a part) ending just before `end`, that the table knows. */
function pathBefore(ctx: CheckContext, text: string, end: number): { start: number; phrase: string } | undefined {
  const m = /([^\n/()（）:：,，.。;；<>]+(?:\/[^\n/()（）:：,，.。;；<>]+)+?)\s*$/u.exec(text.slice(Math.max(0, end - 120), end));
  if (!m) return undefined;
  const base = end - m[0].length;
  const [first, ...rest] = m[1].split('/');
  const words = first.trimEnd().split(/\s+/u);
  for (let k = 1; k <= Math.min(3, words.length); k++) {
    const head = words.slice(-k).join(' ');
    const phrase = cleanPhrase([head, ...rest].join('/'));
    if (phrase && knownCategory(ctx, phrase)) return { start: base + first.trimEnd().length - head.length, phrase };
  }
  return undefined;
}

/** A code written next to a category that its items are not in: "Cooking <prefix of hiking items>". */
function categoryMismatch(ctx: CheckContext, rs: ReasoningStep, at: Span, code: StepCode, phrase: string): Claim | undefined {
  const examples = ctx.lookup.prefix(code.levels, code.domain, 5).examples.filter((i) => i.categories);
  if (examples.length === 0 || !knownCategory(ctx, phrase)) return undefined;
  const inIt = examples.filter((i) => inCategory(i, phrase, ctx.similarity)).length;
  if (inIt * 2 > examples.length) return undefined;
  const label = formatCode(ctx.grammar, code.levels, { domain: code.domain });
  return stepClaim(rs, at, {
    check: 'quantity',
    verdict: inIt === 0 ? 'contradicts' : 'partly',
    message: `${rs.step.id} calls ${label} "${clipText(phrase, 40)}", but its items are in "${clipText(examples[0].categories ?? '', 60)}"`,
    evidence: examples.map((i) => itemEvidence(i)),
  });
}
