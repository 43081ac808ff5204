/**
 * Reads `reclens.*` settings outside an editor (the CLI): from a
 * `.vscode/settings.json` (JSON with comments, dotted keys) or a plain JSON
 * object, so `reclens check` sees what the editor sees.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** Nested `reclens` settings from a VS Code settings file; throws an Error naming the file and line when it cannot be read. */
export function readSettingsFile(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0];
    const line = text.slice(0, e.offset).split('\n').length;
    throw new Error(`${file}:${line}: not valid JSON (${printParseErrorCode(e.error)}); fix the settings file or pass --settings with another one`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: expected a JSON object of settings`);
  return nestSettings(value as Record<string, unknown>);
}

/** `{"reclens.alignment.paths": [..]}` → `{ alignment: { paths: [..] } }`; a nested `reclens` object is taken as is. */
export function nestSettings(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = typeof flat.reclens === 'object' && flat.reclens !== null ? { ...(flat.reclens as object) } : {};
  for (const [key, value] of Object.entries(flat)) {
    if (!key.startsWith('reclens.')) continue;
    const parts = key.slice('reclens.'.length).split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

/** The settings file the CLI uses by default: `.vscode/settings.json` in `dir` or the nearest parent that has one. */
export function findWorkspaceSettings(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, '.vscode', 'settings.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}
