/**
 * `reclens render TRACE [--diff B]`: a standalone HTML page with the
 * reasoning graph of a trace (or the diff of two), drawn by the same webview
 * bundle as the editor's graph view, for sharing or for a browser.
 */
import * as fs from 'node:fs';
import type { GraphDiff, TraceGraph } from '../../protocol/graph';
import { diffGraphs } from '../graph/diff';
import { graphOfFile } from '../graph/file';
import { graphPage } from '../graph/page';
import { GraphError } from '../graph/select';
import { withTraceWorkspace } from './diff-command';
import type { WorkspaceFlags } from './workspace';

export interface RenderFlags {
  trace?: string;
  /** A second trace: render the diff of TRACE (A) and this one (B). */
  diff?: string;
  traceB?: string;
  /** Output file; `-` for stdout. Default `graph.html`, `diff.html` with `diff`. */
  out?: string;
}

export async function renderCommand(file: string, flags: RenderFlags, ws: WorkspaceFlags): Promise<number> {
  let payload: { graph: TraceGraph } | { diff: GraphDiff };
  try {
    payload = await withTraceWorkspace([file], ws, (context, env) => {
      const a = graphOfFile(file, flags.trace, context, env);
      return flags.diff ? { diff: diffGraphs(a, graphOfFile(flags.diff, flags.traceB, context, env)) } : { graph: a };
    });
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    process.stderr.write(`reclens render: ${e.message}\n`);
    return 1;
  }
  const title = 'graph' in payload ? `RecLens — ${payload.graph.title}` : `RecLens — ${payload.diff.a.title} vs ${payload.diff.b.title}`;
  let html: string;
  try {
    html = graphPage(payload, { title });
  } catch (e) {
    process.stderr.write(`reclens render: ${(e as Error).message}\n`);
    return 1;
  }
  const out = flags.out ?? (flags.diff ? 'diff.html' : 'graph.html');
  if (out === '-') {
    process.stdout.write(html);
    return 0;
  }
  try {
    fs.writeFileSync(out, html);
  } catch (e) {
    process.stderr.write(`reclens render: cannot write ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
    return 1;
  }
  const g = 'graph' in payload ? payload.graph : payload.diff;
  process.stderr.write(`wrote ${out} (${g.nodes.length} nodes, ${g.edges.length} edges)\n`);
  return 0;
}
