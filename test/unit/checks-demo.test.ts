/**
 * The reasoning checks on the demo: the committed oracle traces (written
 * from the world's truth) raise no false alarm, and a trace the `final`
 * checkpoint writes for u0010 shows the mistakes the demo is known for.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeContext, resolveSettings } from '../../server/config/settings';
import { checkReasoning } from '../../server/checks/report';
import { runInference } from '../../server/engine/infer';
import { analyzeDocument, detectKind } from '../../server/trace/analyze';
import { analyzeRtrace } from '../../server/trace/rtrace';
import { renderTrace } from '../../server/trace/rtrace/from-record';
import { demoInput, demoWorld, loadDemoModel, type DemoModel } from '../support/demo-engine';

const world = demoWorld();
const ctx = analyzeContext(resolveSettings({ itemicTokens: { preset: 'openonerec' } }));
const traces = path.join(__dirname, '..', '..', 'demo', 'world', 'traces');

describe('the oracle traces of the demo world', () => {
  for (const name of fs.readdirSync(traces).sort()) {
    test(`${name}: no claim is wrong`, () => {
      const text = fs.readFileSync(path.join(traces, name), 'utf8');
      const analysis = analyzeDocument(text, detectKind(name, undefined, text), ctx);
      let checked = 0;
      for (const trace of analysis.traces) {
        const report = checkReasoning(analysis, text, trace, world.lookup);
        // A dump's extra generations are one-line continuations ("Another item from …"): their narrow coverage is real, not a false alarm.
        const judged = report.claims.filter((c) => c.check !== 'coverage' || name.endsWith('.rtrace'));
        const wrong = judged.filter((c) => c.verdict !== 'consistent');
        assert.deepEqual(
          wrong.map((c) => c.message),
          [],
          `${name} ${trace.id}`,
        );
        checked += report.perception.checked + report.quantity.checked;
      }
      if (name.endsWith('.rtrace') || name === 'benchmark.json') assert.ok(checked > 0, `${name}: claims were found and checked`);
    });
  }
});

describe('a trace the final checkpoint writes', () => {
  let model: DemoModel;
  before(async () => {
    model = await loadDemoModel('final');
  });
  after(async () => {
    await model.engine.dispose();
  });

  test("u0010: a hallucinated title, wrong counts, seen recommendations and an unreached ground truth", async () => {
    const user = world.users.find((u) => u.id === 'u0010')!;
    // The demo workspace's decoding (demo/.vscode/settings.json), fewer beams.
    const decoding = { mode: 'thinking' as const, temperature: 0.6, topP: 0.95, topK: 20, presencePenalty: 0, frequencyPenalty: 0, seed: 42, beams: 10, numReturn: 10, maxThinkingTokens: 256 };
    const record = await runInference({ ...demoInput(model, world.lookup, user, decoding), now: () => new Date('2026-01-01T00:00:00Z') });
    const text = renderTrace(record, { ...ctx, lookup: world.lookup });
    const analysis = analyzeRtrace(text, ctx);
    const report = checkReasoning(analysis, text, analysis.traces[0], world.lookup);
    const said = (verdict: string, check: string) => report.claims.filter((c) => c.verdict === verdict && c.check === check).map((c) => text.slice(c.span.start, c.span.end));

    assert.ok(said('contradicts', 'perception').includes('Alpine GPS apppppp reading gear check'), text);
    const alpine = report.claims.find((c) => text.slice(c.span.start, c.span.end) === 'Alpine GPS apppppp reading gear check')!;
    assert.equal(alpine.stepId, 'p1');
    assert.match(alpine.message, /^p1 calls this item "Alpine GPS apppppp reading gear check", but item \d+ is "Sunrise whiteout navigation gear check"$/);

    const counts = report.claims.filter((c) => c.check === 'quantity' && c.verdict === 'contradicts' && /^\d+ of 20/.test(text.slice(c.span.start, c.span.end)));
    assert.deepEqual(
      counts.map((c) => [text.slice(c.span.start, c.span.start + 8), c.score]),
      [
        ['12 of 20', 13],
        ['6 of 20 ', 13],
      ],
    );

    assert.equal(report.recommendations.seen, record.candidates.filter((c) => c.seen).length);
    assert.ok(report.recommendations.seen >= 5, `most recommendations are already seen (${report.recommendations.seen})`);
    assert.equal(report.coverage.groundTruthReached, false);
    assert.deepEqual(report.coverage.unreached, ['7229.2827']);
    assert.deepEqual(report.coverage.unmentioned, ['7229.2827']);
  });
});
