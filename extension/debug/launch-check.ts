/**
 * Checks a `reclens` launch configuration before the adapter starts: a
 * trace that exists, or a live run with a user, a model and decoding values
 * in range, in a trusted workspace. Each problem says what is wrong and
 * what to write. Pure: the file system and the settings come in as `env`.
 */
import * as path from 'node:path';
import { isLiveLaunch, launchDecodingKeys } from '../../protocol/debug';
import { decodingSpecs, describeRange, inRange, INFERENCE_MODES, type InferenceMode } from '../../protocol/inference';
import { trustRefusal } from '../trust';

/** What the check needs to know about the machine and the workspace. */
export interface LaunchEnv {
  /** Whether something exists at an absolute path. */
  exists(absolute: string): boolean;
  /** Whether the workspace is trusted (live runs load a model). */
  trusted: boolean;
  /** The workspace folder the configuration belongs to (absolute), when there is one. */
  folder?: string;
  /** `reclens.model.path`, as set ('' when not). */
  modelSetting: string;
  /** `reclens.inference.mode`. */
  modeSetting: InferenceMode;
}

export type LaunchCheck =
  /** `set`: the values to put into the configuration (absolute paths, defaults filled). */
  | { ok: true; live: boolean; set: Record<string, unknown> }
  /** `setting`: a setting that fixes it; `untrusted`: Restricted Mode refused a live run. */
  | { ok: false; problems: string[]; setting?: string; untrusted?: boolean };

/** File types the adapter reads. */
const TRACE_EXTENSIONS = ['.rtrace', '.json', '.jsonl'];

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Checks `config` (variables already substituted) and fills its defaults. */
export function checkLaunch(config: Record<string, unknown>, env: LaunchEnv): LaunchCheck {
  const problems: string[] = [];
  const set: Record<string, unknown> = {};
  const live = isLiveLaunch(config);

  let cwd = env.folder;
  if (config.cwd !== undefined) {
    if (!isText(config.cwd)) return { ok: false, problems: ['"cwd" must be a folder path'] };
    cwd = path.resolve(env.folder ?? '', config.cwd);
    if (!path.isAbsolute(config.cwd) && !env.folder) return { ok: false, problems: [`"cwd": "${config.cwd}" is relative, but no workspace folder is open: give an absolute folder`] };
    if (!env.exists(cwd)) problems.push(`"cwd" folder not found: ${cwd}`);
  }
  /** An absolute path for `value`, or undefined (with a problem) when it is relative and nothing anchors it. */
  const resolve = (key: string, value: string): string | undefined => {
    if (path.isAbsolute(value)) return value;
    if (cwd) return path.resolve(cwd, value);
    problems.push(`"${key}": "${value}" is relative, but no workspace folder is open: give an absolute path or a "cwd"`);
    return undefined;
  };
  const found = (key: string, value: string, absolute: string, what: string): boolean => {
    if (env.exists(absolute)) return true;
    problems.push(`${what} not found: ${absolute}${absolute !== value ? ` ("${key}": "${value}" resolved against ${cwd})` : ''}`);
    return false;
  };
  if (typeof config.stopOnEntry !== 'boolean' && config.stopOnEntry !== undefined) problems.push('"stopOnEntry" must be true or false');
  set.stopOnEntry = config.stopOnEntry ?? true;

  if (!live) {
    if (config.trace === undefined) {
      return {
        ok: false,
        problems: ['the launch configuration names nothing to debug: add "trace": "${file}" (or a trace\'s path) to step through a trace, or "user": "<id>" to debug a live generation'],
      };
    }
    if (!isText(config.trace)) return { ok: false, problems: ['"trace" must be the path of an .rtrace, a benchmark dump (.json) or a chat .jsonl'] };
    if (config.user !== undefined || config.model !== undefined) problems.push('give "trace" to step through a trace, or "user" (and "model") to debug a live generation, not both');
    const trace = resolve('trace', config.trace);
    if (trace) {
      if (!TRACE_EXTENSIONS.includes(path.extname(trace).toLowerCase())) problems.push(`${trace} is not a trace: RecLens debugs .rtrace files, benchmark dumps (.json) and chat .jsonl`);
      else if (found('trace', config.trace, trace, 'trace file')) set.trace = trace;
    }
    if (config.traceId !== undefined && !isText(config.traceId)) problems.push('"traceId" must be a sample or generation id, e.g. "u0001_skincare/1"');
  } else {
    const refusal = trustRefusal(env.trusted, 'Debugging a live generation');
    if (refusal) return { ok: false, problems: [refusal], untrusted: true };
    if (!isText(config.user)) problems.push('no user: add "user": "<id>" (a user of reclens.users.paths) to the launch configuration');
    const model = config.model ?? env.modelSetting;
    let setting: string | undefined;
    if (!isText(model)) {
      problems.push('no model configured: set reclens.model.path (RecLens: Select Model…) or add "model": "<model folder>" to the launch configuration');
      setting = 'reclens.model.path';
    } else {
      const folder = resolve('model', model);
      if (folder && found('model', model, folder, config.model === undefined ? 'the model folder of reclens.model.path' : 'model folder')) set.model = folder;
    }
    const mode = config.mode ?? env.modeSetting;
    if (typeof mode !== 'string' || !(INFERENCE_MODES as readonly string[]).includes(mode)) problems.push(`"mode" must be ${describeRange(decodingSpecs.mode)} (got ${JSON.stringify(mode)})`);
    else set.mode = mode;
    for (const key of launchDecodingKeys) {
      const value = config[key];
      if (value !== undefined && !inRange(decodingSpecs[key], value)) problems.push(`"${key}" must be ${describeRange(decodingSpecs[key])} (got ${JSON.stringify(value)})`);
    }
    if (problems.length) return { ok: false, problems, ...(setting && { setting }) };
  }
  if (config.settings !== undefined && (typeof config.settings !== 'object' || config.settings === null || Array.isArray(config.settings))) problems.push('"settings" must be an object of reclens settings, e.g. {"alignment": {"paths": ["items.json"]}}');
  if (problems.length) return { ok: false, problems };
  if (cwd) set.cwd = cwd;
  return { ok: true, live, set };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged into `base`, objects key by key (arrays and other values replace). */
export function mergeSettings(base: Record<string, unknown>, over: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!over) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isRecord(v) && isRecord(base[k]) ? mergeSettings(base[k], v) : v;
  return out;
}
