/**
 * Perception claims (docs/checks.md, "Perception"): wherever a step names
 * an item — a full code, or a history id such as `h3` — together with a
 * description of it, the description is compared with the item's title,
 * caption and categories.
 *
 * What counts as a description, right after the item (or a quoted title
 * right before it):
 * - a quoted title: `"…"`, `“…”`, `'…'`, `「…」`, `『…』`, `《…》`, after
 *   nothing, `is`, `:`, `=`, `是`, `为`;
 * - a category in brackets: `(Hiking / Navigation)`, `（户外 / 徒步）`;
 * - a caption-like phrase after `is`, `:`, `是`: `is a short video about
 *   coastal map reading`, `是一条关于咖啡拉花的视频`, to the end of the
 *   sentence.
 * An item the table does not hold, or a description in another script than
 * every text of the item (unverifiable by n-grams), makes no claim.
 */
import { codeKey } from '../items/grammar';
import type { ItemRecord } from '../items/lookup';
import type { NamedCode } from '../trace/steps';
import type { Span } from '../items/types';
import { categoryScore } from './categories';
import { clipText, HISTORY_ID, itemEvidence, itemName, stepClaim, type CheckContext, type ReasoningStep } from './context';
import { background, comparable, features, type Background } from './similarity';
import type { Claim, Verdict } from './types';

type Kind = 'title' | 'caption' | 'category';

interface Description {
  kind: Kind;
  /** The description's text span in the step's plain text. */
  at: Span;
}

const QUOTES: Record<string, string> = { '"': '"', '“': '”', '”': '”', "'": "'", '‘': '’', '「': '」', '『': '』', '《': '》' };
// What may stand between an item and its description. A bare `is` / `是` introduces a quoted title or a bracket only
// ("is watched twice", "is the latest" describe events, not the item); a phrase needs a stronger mark.
const CONNECTOR = /^[ \t]*(?:(?:[:：=]|—|–|->|→|,|，)[ \t]*)?(?:(?:is|means|refers to|shows)[ \t]+|(?:是|为|即)[ \t]*)?/iu;
const PHRASE_START_EN = /^(?:a|an)\s/iu;
const PHRASE_START_ZH = /^(?:一(?:个|条|部|段|款|则|篇)|关于|讲)/u;
const SENTENCE_END = /[.;!?。；！？\n]|<-|\s\(h\d|$/u;

/** The perception claims of every step. */
export function checkPerception(ctx: CheckContext): Claim[] {
  const out: Claim[] = [];
  for (const rs of ctx.steps) {
    for (const subject of subjects(ctx, rs)) {
      if (subject.items.length === 0) continue;
      for (const d of descriptions(rs.view.text, subject.at, subject.next)) {
        const claim = judge(ctx, rs, subject, d);
        if (claim) out.push(claim);
      }
    }
  }
  return out;
}

interface Subject {
  at: Span;
  /** The texts of the item's cluster, to weigh the words that tell it apart. */
  background: () => Background;
  /** Where the next subject starts (a description stops there). */
  next: number;
  items: ItemRecord[];
  /** How the message names the item: `this item` or the history id. */
  name: string;
}

/** Items a step names: its full codes and the history ids written in its text, in text order. */
function subjects(ctx: CheckContext, rs: ReasoningStep): Subject[] {
  const found: Omit<Subject, 'next'>[] = [];
  for (const c of rs.codes) if (c.full) found.push({ at: c.at, items: ctx.lookup.exact(c.levels, c.domain), name: 'this item', background: neighbours(ctx, c) });
  for (const m of rs.view.text.matchAll(HISTORY_ID)) {
    const h = ctx.byHistoryId.get(`h${m[1]}`);
    if (h?.code) found.push({ at: { start: m.index, end: m.index + m[0].length }, items: h.items, name: h.id, background: neighbours(ctx, h.code) });
  }
  found.sort((a, b) => a.at.start - b.at.start);
  return found.map((s, i) => ({ ...s, next: found[i + 1]?.at.start ?? rs.view.text.length }));
}

const NEIGHBOURS = 50;
const backgrounds = new WeakMap<CheckContext, Map<string, Background>>();

/** The background of a code: the titles, captions and categories of up to 50 items of its cluster (most popular first), computed once per cluster. */
function neighbours(ctx: CheckContext, code: NamedCode): () => Background {
  return () => {
    const cache = backgrounds.get(ctx) ?? new Map<string, Background>();
    backgrounds.set(ctx, cache);
    const levels = code.levels.slice(0, ctx.clusterLevels);
    const key = codeKey(levels, code.domain);
    let bg = cache.get(key);
    if (!bg) {
      const items = ctx.lookup.prefix(levels, code.domain, NEIGHBOURS).examples;
      bg = background(items.map((i) => [i.title, i.caption, i.categories].filter(Boolean).join('\n')));
      cache.set(key, bg);
    }
    return bg;
  };
}

/** The descriptions of the item at `at` in `text` (up to `limit`, where the next item starts). */
export function descriptions(text: string, at: Span, limit: number): Description[] {
  const out: Description[] = [];
  // A quoted title just before the item: `"Title" (<code>)`, `"Title" <code>`.
  const before = /(["“'‘「『《])([^"“”'‘’「」『』《》\n]{2,120})(["”'’」』》])[ \t]*[(（]?[ \t]*$/u.exec(text.slice(Math.max(0, at.start - 130), at.start));
  if (before && QUOTES[before[1]] === before[3]) {
    const start = at.start - before[0].length + before[1].length;
    out.push({ kind: 'title', at: { start, end: start + before[2].length } });
  }
  let p = at.end;
  // A closing bracket around the item: `(<code>) is …`.
  const close = /[(（][ \t]*$/u.test(text.slice(Math.max(0, at.start - 3), at.start)) ? /^[ \t]*[)）]/u.exec(text.slice(p, limit)) : null;
  if (close) p += close[0].length;
  const conn = CONNECTOR.exec(text.slice(p, limit))?.[0] ?? '';
  p += conn.length;
  const rest = text.slice(p, limit);
  // A caption-like phrase: after a colon-like mark, or after `is a …` / `是一段…` / `是关于…`.
  const explicit = phraseAllowed(conn, rest);
  const quoted = /^(["“'‘「『《])([^\n]{1,200}?)(["”'’」』》])/u.exec(rest);
  if (quoted && QUOTES[quoted[1]] === quoted[3]) {
    out.push({ kind: 'title', at: { start: p + 1, end: p + 1 + quoted[2].length } });
    p += quoted[0].length;
  } else if (explicit && !/^[(（]/u.test(rest)) {
    const end = SENTENCE_END.exec(rest)?.index ?? rest.length;
    // Up to a bracketed category that follows the phrase.
    const paren = /[ \t]*[(（][^()（）]*[)）][ \t]*$/u.exec(rest.slice(0, end));
    const phraseEnd = paren ? paren.index : end;
    const phrase = rest.slice(0, phraseEnd).trimEnd();
    if (features(phrase).length >= 2) out.push({ kind: 'caption', at: { start: p, end: p + phrase.length } });
    p += phraseEnd;
  }
  const cat = /^[ \t]*[(（]([^()（）\n]{2,80})[)）]/u.exec(text.slice(p, limit));
  if (cat && !/^h\d+$|^[\d.,\s%]+$|[<>]/u.test(cat[1].trim())) {
    const start = p + cat[0].indexOf(cat[1]);
    out.push({ kind: 'category', at: { start, end: start + cat[1].length } });
  }
  return out;
}

/** Whether a caption-like phrase may follow this connector: a colon-like mark, `is a …`, `是一段…` / `是关于…`. */
function phraseAllowed(conn: string, rest: string): boolean {
  const c = conn.trim().toLowerCase();
  if (/(?:^|\s)is$/u.test(c)) return PHRASE_START_EN.test(rest);
  if (/[是为即]$/u.test(c)) return PHRASE_START_ZH.test(rest);
  return /[:：=]|—|–|->|→|means|refers to|shows/u.test(c);
}

function verdictOf(ctx: CheckContext, score: number): Verdict {
  const { contradictsBelow, consistentFrom } = ctx.settings.similarity;
  return score < contradictsBelow ? 'contradicts' : score >= consistentFrom ? 'consistent' : 'partly';
}

/** The claim of one description: its best match among the items of the code (collisions), or none when unverifiable. */
function judge(ctx: CheckContext, rs: ReasoningStep, subject: Subject, d: Description): Claim | undefined {
  const said = rs.view.text.slice(d.at.start, d.at.end);
  let best: { item: ItemRecord; score: number; field: string } | undefined;
  for (const item of subject.items) {
    const refs = d.kind === 'category' ? [item.categories] : [item.title, item.caption];
    for (const ref of refs) {
      if (!ref || !comparable(said, ref)) continue;
      const score = d.kind === 'category' ? categoryScore(said, ref, ctx.similarity) : ctx.similarity.score(said, ref, subject.background());
      if (!best || score > best.score) best = { item, score, field: ref };
    }
  }
  if (!best) return undefined;
  const verdict = verdictOf(ctx, best.score);
  const id = rs.step.id;
  const item = best.item;
  const shown = clipText(said, 40);
  const what = d.kind === 'category' ? `in "${clipText(item.categories ?? '', 60)}"` : `${itemName(item)}`;
  const message =
    verdict === 'contradicts'
      ? d.kind === 'category'
        ? `${id} puts ${subject.name} in "${shown}", but item ${item.id} is ${what}`
        : `${id} calls ${subject.name} "${shown}", but item ${item.id} is ${what}`
      : verdict === 'partly'
        ? `${id} ${d.kind === 'category' ? 'puts' : 'calls'} ${subject.name} ${d.kind === 'category' ? 'in ' : ''}"${shown}", which only partly matches item ${item.id} ${what} (similarity ${best.score.toFixed(2)})`
        : `${id}'s ${d.kind === 'category' ? 'category' : 'description'} "${shown}" matches item ${item.id} ${what}`;
  return stepClaim(rs, d.at, { check: 'perception', verdict, message, evidence: [itemEvidence(item)], score: best.score });
}
