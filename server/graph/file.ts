/** A trace file's graph, for the CLI: read, analyse, choose the trace, build. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TraceGraph } from '../../protocol/graph';
import { analyzeDocument, detectKind } from '../trace/analyze';
import type { AnalyzeContext } from '../trace/model';
import { buildGraph, type GraphEnv } from './build';
import { GraphError, selectTrace } from './select';

/** The graph of trace `trace` (default the first) of `file`; throws `GraphError` when the file cannot be read or has no such trace. */
export function graphOfFile(file: string, trace: string | undefined, context: AnalyzeContext, env: GraphEnv): TraceGraph {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new GraphError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const uri = pathToFileURL(path.resolve(file)).toString();
  const analysis = analyzeDocument(text, detectKind(uri, undefined, text), context);
  return buildGraph(analysis, text, selectTrace(analysis, { trace }, file), env, uri);
}
