/**
 * The text of a document a custom request names: as open in the client
 * (unsaved edits included), else read from disk for `file:` URIs. Errors
 * say what to do.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ResponseError } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** The document at `uri`, and whether it came from the client (else from disk). */
export async function readDocument(uri: unknown, open: (uri: string) => TextDocument | undefined): Promise<{ doc: TextDocument; open: boolean }> {
  if (typeof uri !== 'string' || !uri) throw new ResponseError(1, 'no document: the request needs the "uri" of a trace document');
  const doc = open(uri);
  if (doc) return { doc, open: true };
  if (!uri.startsWith('file:')) throw new ResponseError(1, `${uri} is not open in the editor and is not a file on disk: open it first`);
  let text: string;
  try {
    text = await fs.promises.readFile(fileURLToPath(uri), 'utf8');
  } catch (e) {
    throw new ResponseError(1, `cannot read ${fileURLToPath(uri)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { doc: TextDocument.create(uri, 'plaintext', 0, text), open: false };
}

/** A file's path, else the URI, for messages. */
export function nameOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
