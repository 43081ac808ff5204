/**
 * The language server's inference requests: `reclens/users` lists the users
 * of `reclens.users.paths`, `reclens/infer` runs one user through the model
 * in the supervised worker process and answers with the `.rtrace` and the
 * record, streaming `reclens/inferProgress` meanwhile. The LSP cancel token
 * stops the worker. Thin: the work is in `server/engine/` and `server/users/`.
 */
import * as path from 'node:path';
import { LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';
import { InferProgressNotification, InferRequest, UsersRequest } from '../../protocol/messages';
import { analyzeContext, type ResolvedSettings } from '../config/settings';
import { CancelledError } from '../engine/engine';
import { inferenceRequest } from '../engine/request';
import { EngineSupervisor } from '../engine/supervisor';
import { renderTrace } from '../trace/rtrace/from-record';
import type { ItemLookup } from '../items/lookup';
import { formatProblem } from '../items/sources/problems';
import { loadUsers } from '../users/load';
import type { UserSet } from '../users/types';

export interface InferenceContext {
  settings(): ResolvedSettings;
  /** The folder relative paths are resolved against. */
  base(): string;
  lookup(): ItemLookup;
  /** Index files of the current item pool (the worker opens them itself). */
  indexFiles(): string[];
  log(message: string): void;
}

const MAX_USERS = 500;

export function registerInference(connection: Connection, ctx: InferenceContext): { dispose(): void; settingsChanged(): void } {
  const supervisor = new EngineSupervisor({ script: path.join(__dirname, 'engine.js'), log: ctx.log });
  let users: { key: string; lookup: ItemLookup; set: Promise<UserSet> } | undefined;
  let lastModel: string | undefined;

  function userSet(): Promise<UserSet> {
    const { settings, grammar } = ctx.settings();
    const files = settings.users.paths.map((p) => path.resolve(ctx.base(), p));
    const key = JSON.stringify([files, grammar.spec]);
    const lookup = ctx.lookup();
    if (!users || users.key !== key || users.lookup !== lookup) users = { key, lookup, set: loadUsers(files, { grammar, lookup }) };
    return users.set;
  }

  connection.onRequest(UsersRequest, async (params) => {
    const set = await userSet().catch((e: Error) => {
      users = undefined;
      throw new ResponseError(1, e.message);
    });
    const limit = Math.min(Math.max(1, params.limit ?? MAX_USERS), 10_000);
    const list = params.query ? set.search(params.query, limit) : set.list().slice(0, limit);
    return { users: list, total: set.size, paths: set.paths, problems: set.problems.map(formatProblem) };
  });

  connection.onRequest(InferRequest, async (params, token) => {
    const { settings, grammar } = ctx.settings();
    if (settings.users.paths.length === 0) throw new ResponseError(1, 'no users file: set reclens.users.paths to a JSONL or OpenOneRec Parquet users file');
    const set = await userSet().catch((e: Error) => {
      users = undefined;
      throw new ResponseError(1, e.message);
    });
    const user = set.get(params.user);
    if (!user) throw new ResponseError(1, `no user "${params.user}" in ${set.paths.join(', ')}`);
    let request;
    try {
      request = inferenceRequest(settings, ctx.base(), user, ctx.indexFiles(), params.overrides);
    } catch (e) {
      throw new ResponseError(1, (e as Error).message);
    }
    if (lastModel !== undefined && lastModel !== request.model) supervisor.release();
    lastModel = request.model;
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const record = await supervisor.infer(request, {
        signal: controller.signal,
        onProgress: (event) => {
          if (params.progressId !== undefined) void connection.sendNotification(InferProgressNotification, { progressId: params.progressId, event });
        },
      });
      if (record.providerNote) ctx.log(record.providerNote);
      const trace = renderTrace(record, { ...analyzeContext({ settings, grammar }), lookup: ctx.lookup() });
      const fileName = `${record.user}-${record.mode}-${record.checkpoint ?? path.basename(record.model)}.rtrace`.replace(/[^\w.-]+/g, '_');
      return { trace, record, fileName };
    } catch (e) {
      if (e instanceof CancelledError) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'inference cancelled');
      throw new ResponseError(1, (e as Error).message);
    } finally {
      sub.dispose();
    }
  });

  return {
    dispose: () => supervisor.dispose(),
    settingsChanged: () => {
      users = undefined;
    },
  };
}
