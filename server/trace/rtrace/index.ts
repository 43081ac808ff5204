/** The `.rtrace` trace format: parse, print, build and analyse (docs/trace-format.md). */
export { analyzeRtrace } from './analyze';
export { printTrace, rawDelimiter } from './build';
export { printSyntax } from './print';
export { RTRACE_VERSION } from './spec';
export { parseRtraceSyntax } from './syntax';
export type { RtraceSyntax } from './tree';
export { readTrace, traceValueOf } from './value';
export type { TraceValue, TraceHeader, HistoryValue, StepValue, LayerValue, RecommendationValue, GroundTruthValue, RawValue, AlternativeValue, TokensValue, TokenValue, InterventionValue } from './value';
export { placeTokens, type Placement } from './placement';
