/**
 * The language server's graph requests: `reclens/graph` answers the
 * reasoning graph of one trace of a document, `reclens/diff` the diff of
 * two. Documents open in the client are read from the client's text and the
 * server's analysis of it; others from disk (`file:` URIs). Thin: the work
 * is in `server/graph/`.
 */
import { ResponseError, type Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TraceGraph } from '../../protocol/graph';
import { DiffRequest, GraphRequest } from '../../protocol/messages';
import { buildGraph, type GraphEnv } from '../graph/build';
import { diffGraphs } from '../graph/diff';
import { GraphError, selectTrace } from '../graph/select';
import { analyzeDocumentAsync, detectKind } from '../trace/analyze';
import type { ReasoningReport } from '../checks/types';
import type { Analysis, AnalyzeContext, TraceUnit } from '../trace/model';
import { nameOf, readDocument } from './read-document';

export interface GraphContext {
  /** The document as open in the client, if it is. */
  document(uri: string): TextDocument | undefined;
  /** The server's analysis of an open document. */
  analysis(doc: TextDocument): Promise<Analysis>;
  /** What analysing a document read from disk needs. */
  context(): AnalyzeContext;
  /** The grammar and the item pool, for titles and clusters. */
  env(): GraphEnv;
  /** The reasoning report of a trace (`open`: of a document open in the client), or undefined when the checks are off. */
  report?(doc: TextDocument, analysis: Analysis, trace: TraceUnit, open: boolean): ReasoningReport | undefined;
}

interface Loaded {
  doc: TextDocument;
  analysis: Analysis;
  name: string;
  open: boolean;
}

/** Answer `reclens/graph` and `reclens/diff` on the connection. */
export function registerGraph(connection: Connection, ctx: GraphContext): void {
  async function load(uri: string): Promise<Loaded> {
    const { doc, open } = await readDocument(uri, ctx.document);
    const analysis = open ? await ctx.analysis(doc) : await analyzeDocumentAsync(doc.getText(), detectKind(uri, undefined, doc.getText()), ctx.context());
    return { doc, analysis, name: nameOf(uri), open };
  }

  function graphOf(loaded: Loaded, trace: string | undefined, position?: { line: number; character: number }, checked = false): TraceGraph {
    try {
      const offset = position ? loaded.doc.offsetAt(position) : undefined;
      const unit = selectTrace(loaded.analysis, { trace, offset }, loaded.name);
      // A graph is drawn with its trace's report; a diff compares the reasoning itself.
      const report = checked ? ctx.report?.(loaded.doc, loaded.analysis, unit, loaded.open) : undefined;
      return buildGraph(loaded.analysis, loaded.doc.getText(), unit, ctx.env(), loaded.doc.uri, report ? { report } : undefined);
    } catch (e) {
      if (e instanceof GraphError) throw new ResponseError(1, e.message);
      throw e;
    }
  }

  connection.onRequest(GraphRequest, async (params) => graphOf(await load(params?.uri), params.trace, params.position, true));

  connection.onRequest(DiffRequest, async (params) => {
    if (!params?.a || !params?.b) throw new ResponseError(1, 'a diff needs two sides: {"a": {"uri": …}, "b": {"uri": …}}');
    const a = await load(params.a.uri);
    // Two traces of one document (thinking and non-thinking generations of a dump) read it once.
    const b = params.b.uri === params.a.uri ? a : await load(params.b.uri);
    return diffGraphs(graphOf(a, params.a.trace), graphOf(b, params.b.trace));
  });
}
