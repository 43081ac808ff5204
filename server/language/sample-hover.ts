/**
 * Hover on a benchmark sample's key: the run it belongs to (model, task, its
 * OneReason-Bench level, race mode) and every metric the benchmark scored
 * into the sample, grouped as `eval_results.json` groups them.
 */
import { LEVEL_TITLES } from '../../protocol/tasks';
import type { Analysis, SampleInfo } from '../trace/model';
import { escapeMarkdown, inlineCode } from './markdown';
import type { HoverResult } from './hover';

/** Metric families in the order a researcher reads them; anything else comes last. */
const FAMILIES: [string, RegExp][] = [
  ['SID', /^(pass|position1_pass|recall|sid_1th_recall|sid_validity)@\d+$|^accuracy_at_pos\d+$/],
  ['PID', /^pid_/],
  ['weighted PID recall', /_weighted_pid_recall@\d+$/],
];

/** The hover of the sample whose key is at `offset`, if any. */
export function sampleHoverAt(analysis: Analysis, offset: number): HoverResult | undefined {
  const sample = analysis.samples?.find((s) => offset >= s.keySpan.start && offset <= s.keySpan.end);
  return sample ? { span: sample.keySpan, markdown: describeSample(analysis, sample) } : undefined;
}

function describeSample(analysis: Analysis, sample: SampleInfo): string {
  const run = analysis.run;
  const lines = [`**Sample ${escapeMarkdown(sample.id)}** · ${sample.generations} generation${sample.generations === 1 ? '' : 's'}`];
  const facts: string[] = [];
  if (run?.model) facts.push(`model ${inlineCode(run.model)}`);
  if (run?.task) facts.push(`task ${inlineCode(run.task)}`);
  if (run?.level) facts.push(escapeMarkdown(LEVEL_TITLES[run.level]));
  if (facts.length > 0) lines.push('', facts.join(' · '));
  if (run?.raceMode) {
    const half = Math.floor(sample.generations / 2);
    lines.push('', `Race mode: generations 1–${half} are the thinking branch, ${half + 1}–${sample.generations} the non-thinking branch, so pass@k for k ≤ ${half} measures thinking alone.`);
  }
  if (sample.metrics.length === 0) {
    lines.push('', '_Not scored yet: the benchmark merges its metrics into each sample after scoring._');
    return lines.join('\n');
  }
  const groups = new Map<string, [string, string][]>();
  for (const [k, v] of sample.metrics) {
    const family = FAMILIES.find(([, re]) => re.test(k))?.[0] ?? 'other';
    groups.set(family, [...(groups.get(family) ?? []), [k, v]]);
  }
  for (const family of [...FAMILIES.map(([f]) => f), 'other']) {
    const rows = groups.get(family);
    if (!rows) continue;
    lines.push('', `| ${escapeMarkdown(family)} | value |`, '|---|---|', ...rows.map(([k, v]) => `| ${inlineCode(k)} | ${escapeMarkdown(v)} |`));
  }
  return lines.join('\n');
}
