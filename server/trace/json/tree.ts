/**
 * Reading the skeleton a `JsonScanner` keeps: keys, members, decoded string
 * values and document spans of nodes (which may sit in a decoded string).
 */
import type { Span } from '../../items/types';
import type { JsonDoc, JsonNode } from './scan';
import { decodeJsonString, stringValue } from './strings';

/** The decoded text of a string node (without its quotes). */
export function textOf(doc: JsonDoc, node: JsonNode): string {
  const end = node.closed ? node.end - 1 : node.end;
  return node.escaped ? stringValue(doc.text, node.start + 1, end) : doc.text.slice(node.start + 1, end);
}

/** A string node decoded, with offsets back to the document: what a model output is read from. */
export function decodedOf(doc: JsonDoc, node: JsonNode): { text: string; toDoc: (offset: number) => number } {
  const start = node.start + 1;
  const end = node.closed ? node.end - 1 : node.end;
  if (!node.escaped) {
    const map = doc.map;
    // Unescaped: the body is the text itself, shifted.
    return { text: doc.text.slice(start, end), toDoc: map ? (o) => map.toDoc(start + o) : (o) => start + o };
  }
  const d = decodeJsonString(doc.text, start, end, doc.map);
  return { text: d.text, toDoc: (o) => d.map.toDoc(o) };
}

/** The key of an object member, decoded. */
export function keyOf(doc: JsonDoc, node: JsonNode): string | undefined {
  return node.key ? textOf(doc, node.key) : undefined;
}

/** The member of an object node with this key (the last one when written twice, as `JSON.parse` does). */
export function member(doc: JsonDoc, node: JsonNode | undefined, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  if (node?.kind === 'object') for (const child of node.children ?? []) if (child.key && keyIs(doc, child.key, key)) found = child;
  return found;
}

/** Whether a key node spells `key`, compared in place when it has no escapes (no string is made). */
function keyIs(doc: JsonDoc, k: JsonNode, key: string): boolean {
  if (k.escaped) return textOf(doc, k) === key;
  const end = k.closed ? k.end - 1 : k.end;
  return end - (k.start + 1) === key.length && doc.text.startsWith(key, k.start + 1);
}

/** A node's span in document offsets. */
export function spanOf(doc: JsonDoc, node: JsonNode): Span {
  return doc.map ? { start: doc.map.toDoc(node.start), end: doc.map.toDoc(node.end) } : { start: node.start, end: node.end };
}

/** The span of a member's key (or the node itself when it has none), in document offsets. */
export function keySpanOf(doc: JsonDoc, node: JsonNode): Span {
  return spanOf(doc, node.key ?? node);
}
