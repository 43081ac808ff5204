/** Conversions between RecLens's offset spans and LSP types. */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../items/types';
import type { Problem, Severity } from '../trace/model';

/** An LSP range for an offset span. */
export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** An LSP diagnostic for a problem (with the places that explain it, when given). */
export function toDiagnostic(doc: TextDocument, p: Problem, related?: DiagnosticRelatedInformation[]): Diagnostic {
  const d: Diagnostic = { range: toRange(doc, p.span), severity: severities[p.severity], code: p.code, source: 'reclens', message: p.message };
  if (related && related.length > 0) d.relatedInformation = related;
  return d;
}
