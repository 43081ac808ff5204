/** Small helpers for writing hover Markdown safely. */

/** Escape text so Markdown renders it literally. */
export function escapeMarkdown(text: string): string {
  // Inline syntax anywhere; block syntax (headings, lists) only where a line starts.
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/^(\s*)([#+-]|\d+\.)/gm, '$1\\$2');
}

/** Code spans that survive backticks inside the text. */
export function inlineCode(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`;
}

/** Shorten to `max` characters on a word boundary when possible, with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
