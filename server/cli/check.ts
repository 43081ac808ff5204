/** `reclens check FILE…`: the language server's diagnostics, in the terminal. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { documentProblems } from '../language/diagnostics';
import type { ItemEnv } from '../language/hover';
import { analyzeDocument, detectKind } from '../trace/analyze';
import type { AnalyzeContext, Problem, Severity } from '../trace/model';

export interface CheckedProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

/** Problems of one file, with 1-based lines and columns. */
export function checkFile(file: string, context: AnalyzeContext, env: ItemEnv, unknownCodes: boolean): CheckedProblem[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return [{ file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'file/unreadable', message: `cannot read the file (${reason})` }];
  }
  const uri = `file://${path.resolve(file)}`;
  const analysis = analyzeDocument(text, detectKind(uri, undefined, text), context);
  const doc = TextDocument.create(uri, 'plaintext', 0, text);
  return documentProblems(analysis, env, { unknownCodes, limit: Infinity }).map((p: Problem) => {
    const start = doc.positionAt(p.span.start);
    const end = doc.positionAt(p.span.end);
    return { file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: p.severity, code: p.code, message: p.message };
  });
}

/** `file:line:col: severity: message` (the format editors and CI logs link). */
export function formatProblem(p: CheckedProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]`;
}
