/** The samples of a dump or chat JSONL (id and key line), from the server's document symbols: the extension parses nothing itself. */
import type * as vscode from 'vscode';
import { DocumentSymbolRequest, SymbolKind, type DocumentSymbol, type LanguageClient, type SymbolInformation } from 'vscode-languageclient/node';

/** Languages of documents that can hold traces: `.rtrace`, benchmark dumps, chat JSONL. */
export const traceLanguages: readonly string[] = ['rtrace', 'json', 'jsonc', 'jsonl'];

export interface SampleSymbol {
  /** The sample id, as `reclens/graph` and `reclens/diff` take it. */
  id: string;
  /** Zero-based line of its key. */
  line: number;
}

/** Samples are the Object symbols of the outline (the server's `sample` nodes) that hold something (a prompt, generations, chat turns): a plain JSON record of a table has none. */
export async function samplesOf(client: LanguageClient, uri: vscode.Uri, max = Infinity): Promise<SampleSymbol[]> {
  const symbols = await client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri.toString() } });
  const out: SampleSymbol[] = [];
  const walk = (list: DocumentSymbol[]): void => {
    for (const s of list) {
      if (out.length >= max) return;
      if (s.kind === SymbolKind.Object) {
        if (s.children?.length) out.push({ id: s.name, line: s.selectionRange.start.line });
      }
      else if (s.children) walk(s.children);
    }
  };
  // The server answers with a hierarchy (DocumentSymbol); a flat list has no samples.
  walk((symbols ?? []).filter((s: DocumentSymbol | SymbolInformation): s is DocumentSymbol => 'selectionRange' in s));
  return out;
}
