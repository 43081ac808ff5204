/**
 * `reclens/modelFolders` and `reclens/inspectModel`: the model folders of
 * the workspace and one folder's status, by the engine's own detection, so
 * clients (Select Model…, Run again) never guess at the layout. Thin: the
 * work is in server/config/model-folders.ts.
 */
import * as path from 'node:path';
import { ResponseError, type Connection } from 'vscode-languageserver';
import { InspectModelRequest, ModelFoldersRequest } from '../../protocol/messages';
import type { ReclensSettings } from '../../protocol/settings';
import { defaultScanLimits, findModelFolders, inspectModelFolder } from '../config/model-folders';
import { modelPath } from '../engine/request';

export interface ModelsContext {
  /** The workspace folders, absolute. */
  roots(): string[];
  /** The folder relative paths are resolved against. */
  base(): string;
  settings(): ReclensSettings;
}

/** Answer `reclens/modelFolders` and `reclens/inspectModel` on the connection. */
export function registerModels(connection: Connection, ctx: ModelsContext): void {
  connection.onRequest(ModelFoldersRequest, async (params) => {
    const limit = Math.min(Math.max(1, params?.limit ?? defaultScanLimits.folders), defaultScanLimits.folders);
    const { folders, truncated } = await findModelFolders(ctx.roots(), { ...defaultScanLimits, folders: limit });
    const current = modelPath(ctx.settings(), ctx.base());
    return { folders, truncated, ...(current !== undefined && { current }) };
  });

  connection.onRequest(InspectModelRequest, (params) => {
    if (typeof params?.path !== 'string' || !params.path) throw new ResponseError(1, 'no folder: the request needs the "path" of a model folder (absolute, or relative to the workspace folder)');
    return inspectModelFolder(path.resolve(ctx.base(), params.path));
  });
}
