/**
 * The LSP adapter: wires a connection to the pure language features in
 * `server/language/`. Settings are pulled with `workspace/configuration`
 * (section `reclens`) and fall back to `initializationOptions`, so any
 * LSP client can drive the server.
 */
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CompletionItemKind,
  DidChangeConfigurationNotification,
  DocumentSymbol,
  FoldingRange,
  InlayHint,
  MarkupKind,
  SemanticTokensBuilder,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
  type Location,
  type Range,
  type SymbolInformation,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RebuildIndexRequest, StatusNotification, type RebuildIndexResult, type StatusParams } from '../../protocol/messages';
import { analyzeContext, resolveSettings, type ResolvedSettings } from '../config/settings';
import { defaultCacheDir, resolveTables } from '../config/tables';
import { formatCode } from '../items/grammar';
import { emptyLookup } from '../items/memory-lookup';
import { ItemStore } from '../items/store';
import { anyCheckOn, checkSwitch, claimProblems, type RelatedRow } from '../language/check-diagnostics';
import { withChecks } from '../language/check-hover';
import { traceChecker, type CheckTrace } from '../language/check-trace';
import { completionsAt } from '../language/completion';
import { documentProblems } from '../language/diagnostics';
import { hoverAt, type ItemEnv } from '../language/hover';
import { inlayHints } from '../language/inlay';
import { definitionAt, referencesAt } from '../language/navigation';
import { semanticTokens, tokenModifiers, tokenTypes } from '../language/semantic';
import type { Analysis, OutlineNode, TraceUnit } from '../trace/model';
import { toDiagnostic, toRange } from './convert';
import { Tasks } from './tasks';
import { AnalysisCache } from './documents';
import { ReasoningChecks } from './checks';
import { registerGraph } from './graph';
import { registerInference } from './inference';
import { registerModels } from './models';
import { registerTraceHeader } from './trace-header';

/** Items listed for one workspace-symbol query (Ctrl+T). */
const MAX_WORKSPACE_SYMBOLS = 200;

/** The start of a 1-based line, as an LSP range (line 1 when unknown). */
const lineRange = (line: number | undefined): Range => {
  const l = Math.max(0, (line ?? 1) - 1);
  return { start: { line: l, character: 0 }, end: { line: l, character: 0 } };
};

/** A table row of a claim's evidence, as related information. */
const rowLocation = (row: RelatedRow) => ({ location: { uri: pathToFileURL(row.path).toString(), range: lineRange(row.line) }, message: row.message });

/** Diagnostics wait this long for the reasoning checks before the analysis's own problems go out alone. */
const CHECKS_WAIT_MS = 150;

/** Semantic tokens of documents bigger than this are served by range only. */
const FULL_TOKENS_LIMIT = 2_000_000;

const symbolKinds: Record<OutlineNode['kind'], SymbolKind> = {
  trace: SymbolKind.File,
  sample: SymbolKind.Object,
  section: SymbolKind.Namespace,
  layer: SymbolKind.Module,
  step: SymbolKind.Event,
  item: SymbolKind.EnumMember,
  field: SymbolKind.Field,
};

/** Start serving on a connection (stdio, IPC or a test's stream pair). */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let pullConfiguration = false;
  let inlayRefresh = false;
  let initOptions: unknown;
  let roots: string[] = [];
  let resolved: ResolvedSettings = resolveSettings(undefined);
  let store = new ItemStore(defaultCacheDir());
  const tasks = new Tasks(connection);
  let env: ItemEnv = { grammar: resolved.grammar, lookup: emptyLookup };

  // The pool and the settings of the moment: both change on reload.
  const checkTrace: CheckTrace = (analysis, text, trace) => traceChecker(env.lookup, resolved.settings.checks)(analysis, text, trace);
  const checks = new ReasoningChecks(checkTrace, () => checkSwitch(resolved.settings));
  const cache = new AnalysisCache(
    () => analyzeContext(resolved),
    (doc, analysis) => analysed(doc, analysis),
  );

  /** Check a fresh analysis, then publish its problems and the claims' (or the problems alone first, when the checks take a while). */
  function analysed(doc: TextDocument, analysis: Analysis): void {
    const version = doc.version;
    const current = () => documents.get(doc.uri) === doc && doc.version === version;
    const early = setTimeout(() => current() && publish(doc, analysis), CHECKS_WAIT_MS);
    const done = () => {
      clearTimeout(early);
      if (current()) publish(doc, analysis);
    };
    checks.analysed(doc, analysis).then(done, (e: unknown) => {
      connection.console.error(`RecLens: checking the reasoning of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
      done();
    });
  }

  function publish(doc: TextDocument, analysis: Analysis): void {
    const problems = documentProblems(analysis, env, { unknownCodes: resolved.settings.diagnostics.unknownCodes });
    const diagnostics = problems.map((p) => toDiagnostic(doc, p));
    for (const p of claimProblems(checks.known(doc), checkSwitch(resolved.settings))) diagnostics.push(toDiagnostic(doc, p, p.related.map(rowLocation)));
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  }

  /** A trace's report for a hover or a graph: a big document's trace looked at for the first time gets its claims published too (once for all the traces one request checks). */
  const republish = new Set<string>();
  function reportOf(doc: TextDocument, analysis: Analysis, trace: TraceUnit) {
    const got = checks.report(doc, analysis, trace);
    if (got?.fresh && !republish.has(doc.uri)) {
      republish.add(doc.uri);
      const version = doc.version;
      setImmediate(() => {
        republish.delete(doc.uri);
        if (documents.get(doc.uri) === doc && doc.version === version) publish(doc, analysis);
      });
    }
    return got?.report;
  }

  async function reloadSettings(): Promise<void> {
    let raw: unknown = unwrapOptions(initOptions);
    if (pullConfiguration) {
      const pulled: unknown = await connection.workspace.getConfiguration({ section: 'reclens' });
      raw = mergeSettings(raw, pulled);
    }
    resolved = resolveSettings(raw);
    inference.settingsChanged();
    await reloadTables();
  }

  let reloads = 0;
  /** Loads the configured tables into the pool; resolves with the status sent and the tables indexed anew, or undefined when a newer reload superseded this one. */
  async function reloadTables(): Promise<{ status: StatusParams; built: string[] } | undefined> {
    const seq = ++reloads;
    const tables = resolveTables(resolved.settings.alignment.paths, roots[0] ?? process.cwd());
    if (tables.length > 0 && env.lookup.size === 0) env = { ...env, poolNote: 'The item tables are being indexed.' };
    const result = await store.load(tables, resolved.grammar, { onChange: () => void reloadTables(), progress: (title) => tasks.start(title) });
    // Reloads asked for meanwhile (a client sends its settings several times at start-up) report once, the last.
    if (seq !== reloads) return undefined;
    const poolNote = tables.length > 0 && result.lookup.size === 0 ? 'No configured item table could be indexed (see the RecLens warnings: a table failed or its indexing was cancelled); edit the table or reclens.alignment.paths to index again.' : undefined;
    env = { grammar: resolved.grammar, lookup: result.lookup, poolNote };
    // Hints asked for before the pool changed would otherwise stay as they were.
    if (inlayRefresh) void connection.languages.inlayHint.refresh();
    const problems = [...resolved.errors, ...result.problems];
    for (const p of problems.slice(0, 3)) void connection.window.showWarningMessage(`RecLens: ${p}`);
    const status: StatusParams = { items: result.lookup.size, tables: result.lookup.sources, grammar: resolved.grammar.spec.name, problems };
    void connection.sendNotification(StatusNotification, status);
    cache.clear();
    checks.clear();
    for (const doc of documents.all()) cache.schedule(doc);
    return { status, built: result.built };
  }

  /** Rebuild Item Index: close and delete the pool's index files (a cached index is otherwise reused), then load the tables, which builds them again. */
  async function rebuildIndexes(): Promise<RebuildIndexResult> {
    // A load in progress would be joined rather than redone: let it finish, then drop what it opened.
    await reloadTables();
    const files = store.indexes.map((i) => i.file);
    store.dispose();
    env = { ...env, lookup: emptyLookup, poolNote: 'The item tables are being indexed.' };
    for (const file of files) fs.rmSync(file, { force: true });
    const loaded = await reloadTables();
    return { items: env.lookup.size, tables: env.lookup.sources, built: loaded?.built ?? [], problems: loaded?.status.problems ?? [] };
  }

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    inlayRefresh = !!params.capabilities.workspace?.inlayHint?.refreshSupport;
    initOptions = params.initializationOptions;
    // VS Code passes its global storage; other clients get the user's cache folder.
    const cacheDir = (initOptions as { cacheDir?: unknown } | undefined)?.cacheDir;
    if (typeof cacheDir === 'string' && cacheDir) store = new ItemStore(cacheDir);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    resolved = resolveSettings(unwrapOptions(initOptions));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        documentSymbolProvider: { label: 'RecLens' },
        foldingRangeProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: ['<', '_', '>', ',', ' '] },
        inlayHintProvider: true,
        workspaceSymbolProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...tokenTypes], tokenModifiers: [...tokenModifiers] }, full: true, range: true },
      },
      serverInfo: { name: 'reclens', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'reclens' });
    void reloadSettings();
  });
  connection.onRequest(RebuildIndexRequest, () => rebuildIndexes());
  connection.onDidChangeConfiguration((change) => {
    // Clients that cannot be asked push their settings here.
    if (!pullConfiguration && change.settings) initOptions = unwrapOptions(change.settings) ?? initOptions;
    void reloadSettings();
  });
  const inference = registerInference(connection, {
    settings: () => resolved,
    base: () => roots[0] ?? process.cwd(),
    lookup: () => env.lookup,
    indexFiles: () => store.indexes.map((i) => i.file),
    log: (message) => connection.console.info(message),
  });
  registerGraph(connection, {
    document: (uri) => documents.get(uri),
    analysis: (doc) => cache.get(doc),
    context: () => analyzeContext(resolved),
    env: () => env,
    // A document read from disk is checked once, for this graph.
    report: (doc, analysis, trace, open) => (open ? reportOf(doc, analysis, trace) : anyCheckOn(checkSwitch(resolved.settings)) ? checkTrace(analysis, doc.getText(), trace) : undefined),
  });
  registerTraceHeader(connection, (uri) => documents.get(uri));
  registerModels(connection, { roots: () => roots, base: () => roots[0] ?? process.cwd(), settings: () => resolved.settings });
  connection.onShutdown(() => {
    inference.dispose();
    store.dispose();
  });

  documents.onDidOpen((e) => cache.schedule(e.document));
  documents.onDidChangeContent((e) => cache.schedule(e.document));
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    checks.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const offset = doc.offsetAt(position);
    const analysis = cache.getOrScan(doc, offset);
    const hover = withChecks(hoverAt(analysis, offset, env), analysis, offset, doc.getText(), (trace) => reportOf(doc, analysis, trace), checkSwitch(resolved.settings));
    return hover ? { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: toRange(doc, hover.span) } : null;
  });

  connection.onDocumentSymbol(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const convert = (n: OutlineNode): DocumentSymbol =>
      DocumentSymbol.create(n.name || '(unnamed)', n.detail, symbolKinds[n.kind], toRange(doc, n.span), toRange(doc, n.selectionSpan), n.children.map(convert));
    return (await cache.get(doc)).outline.map(convert);
  });

  connection.onFoldingRanges(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const ranges: FoldingRange[] = [];
    for (const f of (await cache.get(doc)).folds) {
      const start = doc.positionAt(f.start).line;
      const end = doc.positionAt(f.end).line;
      if (end > start) ranges.push(FoldingRange.create(start, end));
    }
    return ranges;
  });

  connection.onDefinition(async ({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const offset = doc.offsetAt(position);
    return definitionAt(await cache.get(doc), offset, env).map(
      (t): Location =>
        'span' in t
          ? { uri: doc.uri, range: toRange(doc, t.span) }
          : { uri: pathToFileURL(t.path).toString(), range: lineRange(t.line + 1) },
    );
  });

  connection.onReferences(async ({ textDocument, position, context }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    return referencesAt(await cache.get(doc), doc.offsetAt(position), context.includeDeclaration).map((span) => ({ uri: doc.uri, range: toRange(doc, span) }));
  });

  connection.onCompletion(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const offset = doc.offsetAt(position);
    const result = completionsAt(cache.getOrScan(doc, offset), doc.getText(), offset, env);
    if (!result) return null;
    const range = toRange(doc, result.replace);
    return {
      isIncomplete: result.incomplete,
      items: result.items.map((i) => ({
        label: i.label,
        kind: i.kind === 'step' ? CompletionItemKind.Reference : i.kind === 'end' ? CompletionItemKind.Keyword : CompletionItemKind.EnumMember,
        detail: i.detail,
        documentation: i.documentation,
        sortText: i.sortText,
        filterText: i.label,
        textEdit: { range, newText: i.label },
      })),
    };
  });

  connection.onWorkspaceSymbol(({ query }) => {
    if (!query.trim()) return [];
    return env.lookup.search(query.trim(), MAX_WORKSPACE_SYMBOLS).map(
      (item): SymbolInformation => ({
        name: item.title ?? item.caption ?? item.id,
        kind: SymbolKind.EnumMember,
        containerName: `${formatCode(env.grammar, item.levels, { domain: item.domain, beginEnd: false })} · ${item.id}`,
        location: { uri: pathToFileURL(item.source.path).toString(), range: lineRange(item.source.line) },
      }),
    );
  });

  connection.languages.inlayHint.on(async ({ textDocument, range }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc || !resolved.settings.inlayHints.enabled) return [];
    const span = { start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) };
    return inlayHints(await cache.get(doc), span, env, resolved.settings.inlayHints.maxLength).map((h) => {
      const hint = InlayHint.create(doc.positionAt(h.offset), ` ${h.label}`);
      hint.tooltip = h.tooltip;
      hint.paddingLeft = true;
      return hint;
    });
  });

  const encodeTokens = (doc: TextDocument, analysis: Analysis, from = 0, to = Number.MAX_SAFE_INTEGER) => {
    const builder = new SemanticTokensBuilder();
    for (const t of semanticTokens(analysis, { start: from, end: to })) {
      if (t.span.end < from || t.span.start > to) continue;
      const start = doc.positionAt(t.span.start);
      const end = doc.positionAt(t.span.end);
      if (end.line !== start.line) continue; // tokens may not span lines
      builder.push(start.line, start.character, end.character - start.character, tokenTypes.indexOf(t.type), t.declaration ? 1 : 0);
    }
    return builder.build();
  };
  connection.languages.semanticTokens.on(async ({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc || doc.getText().length > FULL_TOKENS_LIMIT) return { data: [] };
    return encodeTokens(doc, await cache.get(doc));
  });
  connection.languages.semanticTokens.onRange(async ({ textDocument, range }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return { data: [] };
    return encodeTokens(doc, await cache.get(doc), doc.offsetAt(range.start), doc.offsetAt(range.end));
  });

  documents.listen(connection);
  connection.listen();
}

/** `initializationOptions` may be the `reclens` object itself or `{ reclens: {...} }`. */
function unwrapOptions(options: unknown): unknown {
  if (options && typeof options === 'object' && 'reclens' in options) return (options as { reclens: unknown }).reclens;
  return options;
}

/** Pulled settings win, key by key, over the initialization options. */
function mergeSettings(base: unknown, over: unknown): unknown {
  if (!isPlain(base)) return over ?? base;
  if (!isPlain(over)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined && v !== null) out[k] = isPlain(v) && isPlain(out[k]) ? mergeSettings(out[k], v) : v;
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

