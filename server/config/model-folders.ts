/**
 * Model folders RecLens can offer: found under the workspace folders (a
 * `config.json` beside an ONNX decoder, by the engine's own rule in
 * server/engine/model-folder.ts), and one folder checked as a run would
 * check it. Plain file-system code; no editor types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnnx, ModelError, readModelFolder } from '../engine/model-folder';
import type { ModelStatus } from '../../protocol/messages';

/** Folders not searched: dependencies and version control. Hidden folders such as `.reclens` are searched. */
const SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface ScanLimits {
  /** Model folders listed at most. */
  folders: number;
  /** Folders read at most (a workspace with a large data tree stops here). */
  visits: number;
  /** Folder depth below a root (Hugging Face caches nest a model four levels down). */
  depth: number;
}

export const defaultScanLimits: ScanLimits = { folders: 500, visits: 20_000, depth: 8 };

/** Model folders under `roots`, sorted by path; `truncated` when a limit stopped the scan. */
export async function findModelFolders(roots: readonly string[], limits: ScanLimits = defaultScanLimits): Promise<{ folders: { path: string; onnx: string }[]; truncated: boolean }> {
  const found = new Map<string, string>();
  const queue = [...new Set(roots.map((r) => path.resolve(r)))].map((dir) => ({ dir, depth: 0 }));
  const seen = new Set<string>();
  let truncated = false;
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (seen.has(next.dir)) continue;
    if (seen.size >= limits.visits || found.size >= limits.folders) {
      truncated = true;
      break;
    }
    seen.add(next.dir);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(next.dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folders are not model folders
    }
    if (entries.some((e) => e.isFile() && e.name === 'config.json')) {
      const onnx = findOnnx(next.dir);
      if (onnx) found.set(next.dir, onnx);
    }
    // Dirent.isDirectory() is false for symbolic links, so the scan cannot loop.
    if (next.depth < limits.depth) for (const e of entries) if (e.isDirectory() && !SKIPPED.has(e.name)) queue.push({ dir: path.join(next.dir, e.name), depth: next.depth + 1 });
  }
  const folders = [...found].map(([p, onnx]) => ({ path: p, onnx })).sort((a, b) => a.path.localeCompare(b.path));
  return { folders, truncated };
}

/** Whether `dir` (absolute) holds a model the engine can load: what it would load, or the problem naming the file and the fix. */
export function inspectModelFolder(dir: string): ModelStatus {
  try {
    const folder = readModelFolder(dir);
    return { ok: true, path: folder.dir, onnx: folder.onnx, checkpoint: folder.checkpoint };
  } catch (e) {
    if (e instanceof ModelError) return { ok: false, path: dir, problem: e.message };
    throw e;
  }
}
