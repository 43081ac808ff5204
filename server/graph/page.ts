/**
 * A standalone HTML page with a reasoning graph or a checkpoint diff, drawn
 * by the same webview bundle as the editor's graph view (dist/webview/),
 * inlined so the page is one file that opens in any browser. Used by
 * `reclens render`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GraphDiff, TraceGraph } from '../../protocol/graph';

/**
 * VS Code's default Light+ and Dark+ colours for the theme variables the
 * webview's stylesheet reads; inside VS Code the editor provides them.
 */
export const THEME_VARIABLES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    'editor-background': '#ffffff',
    foreground: '#616161',
    descriptionForeground: '#717171',
    focusBorder: '#0090f1',
    'panel-border': '#80808059',
    'editorWidget-background': '#f3f3f3',
    'input-background': '#ffffff',
    'input-foreground': '#616161',
    'input-border': '#cecece',
    'button-secondaryBackground': '#5f6a79',
    'button-secondaryForeground': '#ffffff',
    'button-secondaryHoverBackground': '#4c5561',
    'editor-selectionBackground': '#add6ff',
    errorForeground: '#a1260d',
    'editorWarning-foreground': '#bf8803',
    'editorInfo-foreground': '#1a85ff',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'charts-lines': '#80808080',
  },
  dark: {
    'editor-background': '#1e1e1e',
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    focusBorder: '#007fd4',
    'panel-border': '#80808059',
    'editorWidget-background': '#252526',
    'input-background': '#3c3c3c',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'button-secondaryBackground': '#3a3d41',
    'button-secondaryForeground': '#ffffff',
    'button-secondaryHoverBackground': '#45494e',
    'editor-selectionBackground': '#264f78',
    errorForeground: '#f48771',
    'editorWarning-foreground': '#cca700',
    'editorInfo-foreground': '#3794ff',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'charts-lines': '#80808080',
  },
};

const FONTS = "--vscode-font-family: system-ui, 'Segoe UI', 'DejaVu Sans', sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: 'DejaVu Sans Mono', Consolas, monospace;";

/** CSS declarations setting the theme variables for one theme. */
export function themeDeclarations(theme: 'light' | 'dark'): string {
  return Object.entries(THEME_VARIABLES[theme])
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ');
}

/** Folders where the webview bundle may be: beside the running bundle (dist/), or the repo's dist/ when running from source. */
function bundleDirs(): string[] {
  return [path.join(__dirname, 'webview'), path.resolve(__dirname, '..', '..', 'dist', 'webview')];
}

function readBundle(): { js: string; css: string } {
  for (const dir of bundleDirs()) {
    const js = path.join(dir, 'graph.js');
    if (fs.existsSync(js)) {
      const css = path.join(dir, 'graph.css');
      return { js: fs.readFileSync(js, 'utf8'), css: fs.existsSync(css) ? fs.readFileSync(css, 'utf8') : '' };
    }
  }
  throw new Error(`the graph page needs the webview bundle (graph.js), which is not in ${bundleDirs().join(' or ')}: run npm run build`);
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The graph view's HTML document (shared by this page and the editor's webview panel): CSP, title, head elements, the mount point, body elements. */
export function graphDocument(parts: { csp: string; title: string; head: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${parts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
${parts.head}
</head>
<body>
<div id="reclens-graph"></div>
${parts.body}
</body>
</html>
`;
}

/** Inline script/style text that cannot end its element early (`</script`, `<!--`). */
function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return text
    .replace(/\n\/\/# sourceMappingURL=.*$/m, '')
    .replace(/\/\*# sourceMappingURL=.*?\*\//, '')
    .replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`)
    .replace(/<!--/g, '<\\u0021--');
}

/** Payload JSON for a `<script type="application/json">`: `<` escaped, so no string in it can close the element or open a comment. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The standalone page: bundle and payload inline, a CSP that allows only those inline blocks (by hash), theme colours from the reader's light/dark preference. */
export function graphPage(payload: { graph: TraceGraph } | { diff: GraphDiff }, options: { title: string }): string {
  const { js, css } = readBundle();
  const script = inlineSafe(js, 'script');
  const style = inlineSafe(css, 'style');
  const theme = `:root { color-scheme: light dark; ${FONTS} ${themeDeclarations('light')} }\n@media (prefers-color-scheme: dark) { :root { ${themeDeclarations('dark')} } }`;
  const csp = `default-src 'none'; img-src data: blob:; style-src ${sha256(theme)} ${sha256(style)}; script-src ${sha256(script)}`;
  return graphDocument({
    csp,
    title: options.title,
    head: `<style>${theme}</style>\n<style>${style}</style>`,
    body: `<script type="application/json" id="reclens-data">${embedJson(payload)}</script>\n<script>${script}</script>`,
  });
}
