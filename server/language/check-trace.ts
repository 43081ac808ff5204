/**
 * Checking one trace of an analysed document: the one place the language
 * server, the CLI and the graph call the reasoning checks (server/checks/)
 * from, so the three show the same report.
 */
import type { ChecksSettings } from '../../protocol/settings';
import { checkReasoning } from '../checks/report';
import type { ReasoningReport } from '../checks/types';
import type { ItemLookup } from '../items/lookup';
import type { Analysis, TraceUnit } from '../trace/model';

/** Checks one trace of an analysed document whose text is `text`. */
export type CheckTrace = (analysis: Analysis, text: string, trace: TraceUnit) => ReasoningReport;

/** The checker of an item pool and the `reclens.checks` settings. */
export function traceChecker(lookup: ItemLookup, settings: ChecksSettings): CheckTrace {
  return (analysis, text, trace) => checkReasoning(analysis, text, trace, lookup, settings);
}
