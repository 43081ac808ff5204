/**
 * The `contributes.debuggers` entry of package.json for debug type
 * `reclens`, derived from the launch arguments (protocol/debug.ts) and the
 * decoding table (`decodingSpecs`), so launch.json's IntelliSense and the
 * settings never drift apart (`npm run gen:settings` writes it; a test
 * checks it).
 */
import { DEBUG_TYPE, launchDecodingKeys } from './debug';
import { decodingSpecs, INFERENCE_MODES, type DecodingKey, type DecodingSpec } from './inference';
import { decodingValueSchema } from './settings-schema';

/** Languages whose editors F5 debugs with RecLens: traces, benchmark dumps, chat JSONL. */
export const DEBUG_LANGUAGES = ['rtrace', 'json', 'jsonl'] as const;

/** The JSON schema of one decoding argument: the setting's type, range and description. */
function decodingAttribute(key: DecodingKey, spec: DecodingSpec): Record<string, unknown> {
  // Settings-editor links (`#reclens.x#`) mean nothing in launch.json: name the setting plainly.
  const description = spec.description.replace(/#(reclens\.[\w.]+)#/g, '$1');
  return { ...decodingValueSchema(spec), markdownDescription: `Live runs: ${description} Default: the \`reclens.inference.${key}\` setting.` };
}

/** JSON-schema properties of a `reclens` launch configuration. */
export function launchAttributes(): Record<string, Record<string, unknown>> {
  const mode = decodingSpecs.mode;
  return {
    trace: {
      type: 'string',
      markdownDescription: 'The trace to step through: an `.rtrace`, a benchmark dump (`.json`) or a chat `.jsonl`; relative to `cwd`. `${file}` debugs the active editor. Leave it out (and give `user`) to debug a live generation.',
    },
    traceId: {
      type: 'string',
      markdownDescription: 'The sample or generation of a dump to debug, e.g. `u1024_skincare` or `u1024_skincare/1`; default the first. F5 without a launch configuration takes the sample at the cursor.',
    },
    model: {
      type: 'string',
      markdownDescription: 'Live runs: the model folder (relative to `cwd`). Default: the `reclens.model.path` setting.',
    },
    user: {
      type: 'string',
      markdownDescription: 'Live runs: the user to generate for, an id of the `reclens.users.paths` files. Asked for when left out of a live configuration.',
    },
    mode: {
      type: 'string',
      enum: [...INFERENCE_MODES],
      ...(mode.kind === 'enum' && mode.valueDescriptions ? { enumDescriptions: mode.valueDescriptions } : {}),
      markdownDescription: 'Live runs: how the model decodes. Default: the `reclens.inference.mode` setting.',
    },
    ...Object.fromEntries(launchDecodingKeys.map((key) => [key, decodingAttribute(key, decodingSpecs[key])])),
    stopOnEntry: {
      type: 'boolean',
      default: true,
      markdownDescription: 'Stop on the first step (the first token of a live run).',
    },
    cwd: {
      type: 'string',
      markdownDescription: 'The folder relative paths are resolved against (`trace`, `model`, and the tables and users files of the settings). Default: the workspace folder.',
    },
    settings: {
      type: 'object',
      markdownDescription: 'The `reclens.*` settings for the adapter, nested as the `reclens` section (`{"alignment": {"paths": [...]}}`). In VS Code these are filled from the workspace folder\'s settings; what you write here overrides them.',
    },
  };
}

/** The manifest's `contributes.debuggers` value. */
export function debuggersContribution(): Record<string, unknown>[] {
  return [
    {
      type: DEBUG_TYPE,
      label: 'RecLens Reasoning',
      languages: [...DEBUG_LANGUAGES],
      configurationAttributes: { launch: { properties: launchAttributes() } },
      initialConfigurations: [{ type: DEBUG_TYPE, request: 'launch', name: 'Debug the active trace', trace: '${file}', stopOnEntry: true }],
      configurationSnippets: [
        {
          label: 'RecLens: Debug a trace',
          description: 'Step through the reasoning of a trace file (.rtrace, a benchmark dump, chat JSONL).',
          body: { type: DEBUG_TYPE, request: 'launch', name: 'Debug a trace', trace: '^"\\${file}"', stopOnEntry: true },
        },
        {
          label: 'RecLens: Debug a live generation',
          description: 'Generate for one user with the configured model and step through the tokens as they are written.',
          body: { type: DEBUG_TYPE, request: 'launch', name: 'Debug a live generation', user: '${1:u0001}', mode: '${2|thinking,non-thinking,race|}', stopOnEntry: true },
        },
      ],
    },
  ];
}
