/**
 * The inference payload types are defined in protocol/inference.ts, shared
 * with the extension; these names stay importable from here for modules
 * that have not switched.
 */
export type { DecodeSettings, InferenceMode, InferenceRecord, ProgressEvent } from '../../protocol/inference';
