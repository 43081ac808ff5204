/**
 * A small item pool (English and Chinese, titles, captions, categories) and
 * helpers to write `.rtrace` traces over it and check them, for the
 * reasoning-check tests.
 */
import { analyzeContext, resolveSettings } from '../../server/config/settings';
import { checkReasoning } from '../../server/checks/report';
import type { Claim, ReasoningReport } from '../../server/checks/types';
import type { ItemLookup, ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import { analyzeDocument } from '../../server/trace/analyze';
import type { Analysis, DocumentKind } from '../../server/trace/model';
import { defaultSettings, type ChecksSettings } from '../../protocol/settings';

export const ctx = analyzeContext(resolveSettings({ itemicTokens: { preset: 'openonerec' } }));

/** The code of `a.b.c` (or the prefix `a.b`) in the openonerec spelling. */
export const code = (...levels: number[]): string => `<|sid_begin|>${levels.map((v, k) => `<s_${'abc'[k]}_${v}>`).join('')}<|sid_end|>`;

const rows: [string, number[], string, string, string][] = [
  ['7001', [1, 1, 1], 'Sunrise whiteout navigation gear check', 'A short video about sunrise whiteout navigation for weekend hikers, with the map and elevation shown.', 'Hiking, Navigation'],
  ['7002', [1, 1, 2], 'Coastal compass skills vlog', 'A practical clip about coastal compass skills for first-timers, filmed with a chest camera.', 'Hiking, Navigation'],
  ['7003', [1, 1, 3], 'Alpine GPS app trip report', 'A detailed episode about alpine GPS app for solo walkers, recorded over one long day.', 'Hiking, Navigation'],
  ['7004', [1, 1, 4], 'Winter route planning trip report', 'A practical episode about winter route planning for families with kids.', 'Hiking, Navigation'],
  ['7005', [1, 1, 5], 'Off-season map reading gear check', 'A practical clip about off-season map reading for first-timers, with water and food stops marked.', 'Hiking, Navigation'],
  ['7011', [2, 5, 1], 'Golden-hour couple shoot photo walk', 'A step-by-step clip about golden-hour couple shoot for phone photographers.', 'Photography, Portraits'],
  ['7012', [2, 5, 2], 'Moody family photos challenge', 'A step-by-step clip about moody family photos for travel photographers.', 'Photography, Portraits'],
  ['7013', [2, 5, 3], 'Minimalist family photos editing guide', 'A relaxed clip about minimalist family photos for travel photographers, with raw files compared.', 'Photography, Portraits'],
  ['7014', [2, 5, 4], 'Night headshots photo walk', 'A practical episode about night headshots for phone photographers.', 'Photography, Portraits'],
  ['7021', [3, 7, 1], 'Creamy pesto pasta recipe', 'A quick video about creamy pesto pasta for busy weeknights.', 'Cooking, Pasta'],
  // A collision: two items share 3.7.2.
  ['7022', [3, 7, 2], 'Garlicky lemon spaghetti recipe', 'A short video about garlicky lemon spaghetti.', 'Cooking, Pasta'],
  ['7023', [3, 7, 2], 'Weeknight carbonara cook-along', 'A cook-along about weeknight carbonara.', 'Cooking, Pasta'],
  ['8001', [4, 2, 1], '雪山徒步路线规划', '一段关于雪山徒步路线规划的短视频，适合周末出行的徒步新手。', '户外, 徒步'],
  ['8002', [4, 2, 2], '夜间徒步安全指南', '一段讲解夜间徒步安全注意事项的视频，附带装备清单。', '户外, 徒步'],
  ['8003', [4, 2, 3], '海边徒步装备测评', '海边徒步常用装备的测评视频。', '户外, 徒步'],
  ['8011', [5, 3, 1], '手工酸奶蛋糕教程', '一段手工酸奶蛋糕的烘焙教程视频，步骤详细。', '美食, 烘焙'],
  ['8012', [5, 3, 2], '法式面包烘焙技巧', '讲解法式面包烘焙技巧的视频，适合家庭烤箱。', '美食, 烘焙'],
  ['8013', [5, 3, 3], '抹茶曲奇制作', '抹茶曲奇的制作过程视频。', '美食, 烘焙'],
];

export const items: ItemRecord[] = rows.map(([id, levels, title, caption, categories], i) => ({ id, levels, title, caption, categories, popularity: 100 - i, source: { path: 'items.jsonl', line: i + 1 } }));
export const lookup: ItemLookup = createMemoryLookup(items, ['items.jsonl']);
/** The same pool with captions only (the OpenOneRec layout: no title, no categories). */
export const captionLookup: ItemLookup = createMemoryLookup(
  items.map(({ title: _t, categories: _c, ...rest }) => rest),
  ['pid2caption.parquet'],
);

/** An `.rtrace` with this history (codes as `a.b.c`), layers (`[name, lines]`), recommendations and ground truth. */
export function rtrace(t: { history: string[]; layers: [string, string[]][]; recommendations?: string[]; groundTruth?: string[] }): string {
  const c = (s: string): string => code(...s.split('.').map(Number));
  const lines = ['%rtrace 1', 'user: u1', 'mode: thinking', '', '[history]'];
  t.history.forEach((h, i) => lines.push(`h${i + 1} ${c(h)}`));
  for (const [name, steps] of t.layers) lines.push('', `[layer ${name}]`, ...steps);
  if (t.recommendations) lines.push('', '[recommendations]', ...t.recommendations.map((r, i) => `${i + 1} ${c(r.split(' ')[0])} score=-${i + 1}${r.includes(' ') ? ` ${r.split(' ').slice(1).join(' ')}` : ''}`));
  if (t.groundTruth) lines.push('', '[ground-truth]', ...t.groundTruth.map(c));
  return `${lines.join('\n')}\n`;
}

/** Replace every `{a.b.c}` in a text by the code. */
export const codes = (s: string): string => s.replace(/\{(\d+(?:\.\d+)*)\}/g, (_, k: string) => code(...k.split('.').map(Number)));

export interface Checked {
  text: string;
  analysis: Analysis;
  report: ReasoningReport;
  /** The claims of one check, each with the text it covers. */
  claims(check?: Claim['check']): (Claim & { said: string })[];
}

/** Analyse and check the first trace of a document. */
export function check(text: string, options: { kind?: DocumentKind; lookup?: ItemLookup; settings?: Partial<ChecksSettings>; trace?: number } = {}): Checked {
  const analysis = analyzeDocument(text, options.kind ?? 'rtrace', ctx);
  const report = checkReasoning(analysis, text, analysis.traces[options.trace ?? 0], options.lookup ?? lookup, { ...defaultSettings.checks, ...options.settings });
  return {
    text,
    analysis,
    report,
    claims: (name) => report.claims.filter((c) => !name || c.check === name).map((c) => ({ ...c, said: text.slice(c.span.start, c.span.end) })),
  };
}
