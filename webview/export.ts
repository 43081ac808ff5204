/**
 * Export the whole graph (not just the visible part) as a self-contained SVG
 * — computed styles inlined, so VS Code's theme colours survive outside the
 * webview — or as a PNG drawn from that SVG on a canvas.
 */

/** Properties copied from computed style; enough for shapes and text to look as they do on screen. */
const PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'display', 'font-family', 'font-size', 'font-weight', 'font-style'];

/** Longest PNG side, in pixels (canvas limits). */
const MAX_PNG_SIDE = 8192;

/** Serializes `svg` with inlined styles, the viewport transform replaced by a view box around `bounds`. */
export function exportSvg(svg: SVGSVGElement, bounds: { x: number; y: number; width: number; height: number }): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = svg.querySelectorAll('*');
  const to = clone.querySelectorAll('*');
  for (let i = 0; i < from.length; i++) {
    const style = getComputedStyle(from[i]);
    const target = (to[i] as SVGElement).style;
    // CSSOM writes, not a style attribute: the webview's CSP forbids inline style attributes.
    for (const p of PROPS) target.setProperty(p, style.getPropertyValue(p));
    to[i].removeAttribute('tabindex');
  }
  clone.querySelector('.viewport')?.removeAttribute('transform');
  // The pinned headings follow the screen; the export has the headings inside the graph instead.
  clone.querySelector('.headings')?.remove();
  clone.querySelectorAll<SVGElement>('.bands text').forEach((t) => t.style.setProperty('visibility', 'visible'));
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('viewBox', `${bounds.x} ${bounds.y} ${bounds.width} ${bounds.height}`);
  clone.setAttribute('width', String(Math.ceil(bounds.width)));
  clone.setAttribute('height', String(Math.ceil(bounds.height)));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('x', String(bounds.x));
  background.setAttribute('y', String(bounds.y));
  background.setAttribute('width', String(bounds.width));
  background.setAttribute('height', String(bounds.height));
  background.style.setProperty('fill', getComputedStyle(document.body).backgroundColor);
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Draws serialized SVG on a canvas and returns a `data:image/png;base64,` URL (scaled down to fit canvas limits). */
export async function exportPng(svgText: string, bounds: { width: number; height: number }): Promise<string> {
  const scale = Math.min(2, MAX_PNG_SIDE / bounds.width, MAX_PNG_SIDE / bounds.height);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bounds.width * scale));
  canvas.height = Math.max(1, Math.round(bounds.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}
