/** `reclens check FILE…`: the language server's diagnostics, in the terminal. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { documentProblems } from '../language/diagnostics';
import type { ItemEnv } from '../language/hover';
import { analyzeDocument, detectKind } from '../trace/analyze';
import type { Analysis, AnalyzeContext, Problem, Severity } from '../trace/model';

export interface CheckedProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
  /** Reasoning checks (`--reasoning`): the claim's verdict and the table rows of its evidence. */
  verdict?: 'partly' | 'contradicts';
  related?: { path: string; line?: number; message: string }[];
}

/** A file read and analysed, or the problem that it cannot be read. */
export type ReadFile = { file: string; doc: TextDocument; analysis: Analysis } | { file: string; unreadable: CheckedProblem };

/** Read and analyse one file. */
export function readFile(file: string, context: AnalyzeContext): ReadFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { file, unreadable: { file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'file/unreadable', message: `cannot read the file (${reason})` } };
  }
  const uri = `file://${path.resolve(file)}`;
  return { file, doc: TextDocument.create(uri, 'plaintext', 0, text), analysis: analyzeDocument(text, detectKind(uri, undefined, text), context) };
}

/** Problems of a file read, with 1-based lines and columns. */
export function fileProblems(read: ReadFile, env: ItemEnv, unknownCodes: boolean): CheckedProblem[] {
  if ('unreadable' in read) return [read.unreadable];
  return documentProblems(read.analysis, env, { unknownCodes, limit: Infinity }).map((p: Problem) => checkedProblem(read.file, read.doc, p));
}

/** A problem with 1-based lines and columns. */
export function checkedProblem(file: string, doc: TextDocument, p: Problem): CheckedProblem {
  const start = doc.positionAt(p.span.start);
  const end = doc.positionAt(p.span.end);
  return { file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, severity: p.severity, code: p.code, message: p.message };
}

/** `file:line:col: severity: message` (the format editors and CI logs link). */
export function formatProblem(p: CheckedProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.verdict ? `${p.verdict}: ` : ''}${p.message} [${p.code}]`;
}
