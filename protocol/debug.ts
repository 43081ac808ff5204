/**
 * The contract of the RecLens debug adapter (debug type `reclens`): its
 * launch arguments, the custom DAP events it sends and the custom requests
 * it answers. Imported by the adapter (server/debug) and the extension, so
 * both compile against one definition; the launch.json schema of these
 * arguments is generated from it and from `decodingSpecs`
 * (protocol/debug-schema.ts). Imports only protocol/inference.ts.
 */
import { decodingSpecs, type DecodeSettings, type DecodingKey, type InferenceMode } from './inference';

/** The debug type, as launch.json's `"type"` names it. */
export const DEBUG_TYPE = 'reclens';

/** Decoding keys a live launch may set for its run, named as in `reclens.inference.*` (`mode` is an argument of its own). */
export type LaunchDecodingKey = Exclude<DecodingKey, 'mode'>;

/** The decoding keys a live launch may set, in the order of `decodingSpecs`. */
export const launchDecodingKeys: readonly LaunchDecodingKey[] = (Object.keys(decodingSpecs) as DecodingKey[]).filter((k): k is LaunchDecodingKey => k !== 'mode');

/** Arguments of every launch. */
export interface LaunchCommon {
  /** Stop before the first step (default true). */
  stopOnEntry?: boolean;
  /** The folder relative paths (`trace`, `model`, the settings' tables, users files) are resolved against; in VS Code, the workspace folder. */
  cwd?: string;
  /**
   * The `reclens.*` settings as one object, nested as the `reclens`
   * configuration section reads (`{ itemicTokens: { preset }, alignment: { paths }, … }`).
   * VS Code passes the resolved configuration of the trace's workspace
   * folder, so the adapter sees the item tables, users and model the
   * language server sees; standalone clients pass what they need.
   */
  settings?: Record<string, unknown>;
}

/** Step through a trace on disk. */
export interface TraceLaunchArguments extends LaunchCommon {
  /** An `.rtrace`, a benchmark dump (`.json`) or a chat `.jsonl`; relative to `cwd`. */
  trace: string;
  /** The sample or generation of a dump to debug (`u0001_skincare`, `u0001_skincare/1`); default the first. */
  traceId?: string;
}

/** Generate for one user, stepping through the tokens as the model writes them. */
export interface LiveLaunchArguments extends LaunchCommon, Partial<Pick<DecodeSettings, LaunchDecodingKey>> {
  /** The model folder; default `settings.model.path` (VS Code always fills it). Relative to `cwd`. */
  model?: string;
  /** A user id of `settings.users.paths`. */
  user: string;
  /** Default `settings.inference.mode` (VS Code always fills it). */
  mode?: InferenceMode;
}

export type LaunchArguments = TraceLaunchArguments | LiveLaunchArguments;

/** Whether a launch generates (a user, a model) rather than replays a trace file. */
export function isLiveLaunch(args: object): boolean {
  const a = args as { trace?: unknown; user?: unknown; model?: unknown };
  return a.trace === undefined && (a.user !== undefined || a.model !== undefined);
}

/** A zero-based position in the document, as LSP counts it. */
export interface DebugPosition {
  line: number;
  character: number;
}

/** Adapter → client event, sent whenever the adapter stops: where in the document, and which graph node. */
export const POSITION_EVENT = 'reclens/position';

export interface PositionEventBody {
  /** The document (a `file:` URI). */
  uri: string;
  range: { start: DebugPosition; end: DebugPosition };
  /** The trace in the document (the dump sample / generation id, or the `.rtrace`'s). */
  traceId: string;
  /** The graph node of the step stopped on: the step id (`c2`, `h3`) or `rec<rank>`; absent between steps. */
  nodeId?: string;
}

/** Adapter → client event: a live run ended and its trace is written. */
export const TRACE_WRITTEN_EVENT = 'reclens/traceWritten';

export interface TraceWrittenEventBody {
  /** The trace written (absolute, or relative to `cwd`). */
  path: string;
  /** When the run had interventions (forced tokens, replaced text): the trace of the same run without them. */
  original?: string;
}

/** Client → adapter request (a live run, paused): the next token is `token` instead of what the model would sample. */
export const FORCE_TOKEN_REQUEST = 'reclens/forceToken';

export interface ForceTokenArguments {
  token: string;
}

/** Client → adapter request (a live run, paused): the rest of the current stage is `text`; the run continues after it. */
export const REPLACE_REST_REQUEST = 'reclens/replaceRest';

export interface ReplaceRestArguments {
  text: string;
}

/** Client → adapter request (a live run, paused): the most probable next tokens. */
export const TOP_TOKENS_REQUEST = 'reclens/topTokens';

export type TopTokensArguments = Record<string, never>;

export interface TopTokensResponse {
  /** Most probable first; `prob` in 0–1. */
  tokens: { token: string; prob: number }[];
}
