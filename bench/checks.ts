/**
 * The reasoning checks on what a real model writes (`npm run bench --
 * --checks`): the `final` demo checkpoint thinks for each of the 100
 * held-out users of the demo world (the demo workspace's decoding: T 0.6,
 * top-p 0.95, top-k 20, no penalties, seed 42), the engine writes the
 * `.rtrace`, and `checkReasoning` checks it against the world's item table
 * (titles and categories).
 *
 * The perception check's precision is measured against the table itself:
 * a description is really wrong when it is not exactly the title (a quoted
 * title) or the categories (a bracketed category) of an item with the code.
 * Precision = really wrong among the descriptions flagged as contradicting;
 * recall = flagged among the really wrong ones.
 */
import { analyzeContext, resolveSettings } from '../server/config/settings';
import { categoryParts } from '../server/checks/categories';
import { checkReasoning } from '../server/checks/report';
import type { Claim, ReasoningReport } from '../server/checks/types';
import { runInference } from '../server/engine/infer';
import type { ItemLookup } from '../server/items/lookup';
import { analyzeRtrace } from '../server/trace/rtrace';
import { renderTrace } from '../server/trace/rtrace/from-record';
import { demoInput, demoWorld, loadDemoModel } from '../test/support/demo-engine';

export interface ChecksBench {
  users: number;
  traces: number;
  /** The perception claims: all, really wrong, flagged (contradicts) and marked partly, and how many of those are really wrong. */
  perception: { claims: number; wrong: number; flagged: number; flaggedWrong: number; partly: number; partlyWrong: number; precision: number; recall: number };
  /** Count claims, and categories written next to a prefix whose items are in another. */
  quantity: { claims: number; wrong: number; categoryMismatches: number };
  seenRecommendations: number;
  recommendations: number;
  groundTruthUnreached: number;
  withGroundTruth: number;
  seconds: number;
}

const norm = (s: string): string => s.normalize('NFKC').trim().toLowerCase();

/** Whether a perception claim's description is really wrong: not exactly a title (or the categories) of an item with the claimed code. */
export function reallyWrong(claim: Claim, said: string, lookup: ItemLookup): boolean {
  const id = claim.evidence[0]?.itemId;
  const item = id === undefined ? undefined : lookup.byId(id);
  if (!item) return false;
  const all = lookup.exact(item.levels, item.domain);
  if (claim.message.includes(' puts ') || claim.message.includes(' category ')) {
    const want = categoryParts(said).map(norm).join('/');
    return !all.some((i) => categoryParts(i.categories ?? '').map(norm).join('/') === want);
  }
  return !all.some((i) => norm(i.title ?? '') === norm(said));
}

export async function benchChecks(): Promise<ChecksBench> {
  const t0 = performance.now();
  const world = demoWorld();
  const ctx = analyzeContext(resolveSettings({ itemicTokens: { preset: 'openonerec' } }));
  const users = world.users.filter((u) => u.split === 'test');
  const model = await loadDemoModel('final');
  const p = { claims: 0, wrong: 0, flagged: 0, flaggedWrong: 0, partly: 0, partlyWrong: 0 };
  const q = { claims: 0, wrong: 0, categoryMismatches: 0 };
  let seen = 0;
  let recommendations = 0;
  let unreached = 0;
  let withTruth = 0;
  const reports: ReasoningReport[] = [];
  try {
    for (const user of users) {
      const decoding = { mode: 'thinking' as const, temperature: 0.6, topP: 0.95, topK: 20, presencePenalty: 0, frequencyPenalty: 0, seed: 42, beams: 10, numReturn: 10, maxThinkingTokens: 256 };
      const record = await runInference({ ...demoInput(model, world.lookup, user, decoding), now: () => new Date('2026-01-01T00:00:00Z') });
      const text = renderTrace(record, { ...ctx, lookup: world.lookup });
      const analysis = analyzeRtrace(text, ctx);
      const report = checkReasoning(analysis, text, analysis.traces[0], world.lookup);
      reports.push(report);
      for (const c of report.claims) {
        const said = text.slice(c.span.start, c.span.end);
        if (c.check === 'perception') {
          const wrong = reallyWrong(c, said, world.lookup);
          p.claims++;
          if (wrong) p.wrong++;
          if (c.verdict === 'contradicts') {
            p.flagged++;
            if (wrong) p.flaggedWrong++;
          } else if (c.verdict === 'partly') {
            p.partly++;
            if (wrong) p.partlyWrong++;
          }
        } else if (c.check === 'quantity' && c.score !== undefined) {
          q.claims++;
          if (c.verdict === 'contradicts') q.wrong++;
        } else if (c.check === 'quantity' && c.verdict !== 'consistent') q.categoryMismatches++;
      }
      seen += report.recommendations.seen;
      recommendations += report.recommendations.total;
      if (report.coverage.groundTruthReached !== null) withTruth++;
      if (report.coverage.groundTruthReached === false) unreached++;
      // The engine marks seen candidates itself: the check must agree with it.
      const flagged = record.candidates.filter((c) => c.seen).length;
      if (flagged !== report.recommendations.seen) throw new Error(`${user.id}: the engine marks ${flagged} candidates seen, the check ${report.recommendations.seen}`);
    }
  } finally {
    await model.engine.dispose();
  }
  return {
    users: users.length,
    traces: reports.length,
    perception: { ...p, precision: p.flagged === 0 ? 1 : p.flaggedWrong / p.flagged, recall: p.wrong === 0 ? 1 : p.flaggedWrong / p.wrong },
    quantity: q,
    seenRecommendations: seen,
    recommendations,
    groundTruthUnreached: unreached,
    withGroundTruth: withTruth,
    seconds: (performance.now() - t0) / 1000,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The README table of `benchChecks`. */
export function checksTable(b: ChecksBench): string {
  const p = b.perception;
  return [
    `Demo model \`final\` (CPU, thinking; T 0.6, top-p 0.95, top-k 20, no penalties, seed 42, up to 256 thinking tokens), the ${b.users} held-out users of the demo world, checked against its item table (titles and categories) with the default thresholds; ${new Date().toISOString().slice(0, 10)}, ${b.seconds.toFixed(0)} s.`,
    '',
    '| perception check | figure |',
    '|---|---|',
    `| descriptions checked (quoted titles, bracketed categories) | ${p.claims} |`,
    `| really wrong: not exactly the title (or the categories) of an item with the code | ${p.wrong} |`,
    `| flagged as contradicting the table (warnings) | ${p.flagged} |`,
    `| **precision**: really wrong among the flagged | **${pct(p.precision)}** (${p.flaggedWrong}/${p.flagged}) |`,
    `| recall: flagged among the really wrong | ${pct(p.recall)} (${p.flaggedWrong}/${p.wrong}); ${pct(p.wrong === 0 ? 1 : (p.flaggedWrong + p.partlyWrong) / p.wrong)} flagged or marked partly |`,
    '',
    '| other checks on the same traces | figure |',
    '|---|---|',
    `| count claims ("12 of 20 items are …") that are wrong | ${b.quantity.wrong} of ${b.quantity.claims} |`,
    `| a category written next to a prefix whose items are in another ("Skincare / Moisturizers \`<sun care prefix>\`") | ${b.quantity.categoryMismatches} |`,
    `| recommendations already in the user's history | ${b.seenRecommendations} of ${b.recommendations} |`,
    `| traces whose ground truth lies in a cluster no step reaches | ${b.groundTruthUnreached} of ${b.withGroundTruth} |`,
  ].join('\n');
}
