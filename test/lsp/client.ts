/**
 * A real LSP client for tests: spawns `dist/server.js --stdio` and talks
 * JSON-RPC to it over the child's pipes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ResponseError,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type Range,
  type ServerCapabilities,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { StatusNotification, type StatusParams } from '../../protocol/messages';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const serverPath = path.join(repoRoot, 'dist', 'server.js');

export interface TestClient {
  connection: ProtocolConnection;
  /** Open a document; resolves once its first diagnostics arrive. */
  open(uri: string, text: string, languageId?: string): Promise<Diagnostic[]>;
  /** Replace a document's text (a full-text change); resolves with the diagnostics of the new version. */
  change(uri: string, text: string): Promise<Diagnostic[]>;
  /** Apply ranged (incremental) edits, in order, as one new version; resolves with the diagnostics of that version. */
  changeRange(uri: string, edits: { range: Range; text: string }[]): Promise<Diagnostic[]>;
  /** Close a document; resolves with the diagnostics published for it afterwards (expected: none). */
  closeDocument(uri: string): Promise<Diagnostic[]>;
  /** Write one JSON-RPC message whose body is these exact bytes (for bodies that are not valid UTF-8). */
  writeRaw(body: Buffer): Promise<void>;
  /** What the server answered to `initialize`. */
  capabilities: ServerCapabilities;
  /** Whether the server process is still running. */
  alive(): boolean;
  /** Change settings (answered to the server's next `workspace/configuration` pull). */
  setSettings(settings: unknown): Promise<void>;
  /** Wait for the next diagnostics of `uri` (optionally of a given version). */
  nextDiagnostics(uri: string, version?: number): Promise<Diagnostic[]>;
  /** Server → client notifications (and `window/showMessageRequest` messages) received so far, by method. */
  notifications: Map<string, unknown[]>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Answered to `workspace/configuration` for section `reclens`; omit to act as a client that cannot be asked. */
  settings?: unknown;
  initializationOptions?: unknown;
  rootPath?: string;
}

/** Start the server and initialize it. */
export async function startClient(options: StartOptions = {}): Promise<TestClient> {
  // RECLENS_SERVER_NODE_ARGS (e.g. "--cpu-prof") profiles or debugs the server a test or benchmark talks to.
  const nodeArgs = (process.env.RECLENS_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let settings = options.settings;
  const canPull = 'settings' in options;
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((i) => (i.section === 'reclens' ? (settings ?? null) : null)));
  connection.onRequest('client/registerCapability', () => null);
  const notifications = new Map<string, unknown[]>();
  const waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  const record = (method: string, params: unknown): void => {
    if (!notifications.has(method)) notifications.set(method, []);
    notifications.get(method)!.push(params);
  };
  for (const method of [StatusNotification.method, 'window/showMessage', 'window/logMessage']) connection.onNotification(method, (params: unknown) => record(method, params));
  // Messages with (optional) actions arrive as a request; kept with the notifications so tests see every message shown.
  connection.onRequest('window/showMessageRequest', (params: unknown) => (record('window/showMessageRequest', params), null));
  connection.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
    record(PublishDiagnosticsNotification.method, p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
        waiters.splice(i, 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  connection.listen();
  const root = options.rootPath ?? repoRoot;
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-cache-'));
  const initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: path.basename(root) }],
    capabilities: {
      workspace: { configuration: canPull, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: { hover: { contentFormat: ['markdown'] }, documentSymbol: { hierarchicalDocumentSymbolSupport: true }, publishDiagnostics: { versionSupport: true } },
    },
    // Item indexes go to a folder of this client's own, never the user's cache.
    initializationOptions: { ...(options.initializationOptions as object | undefined), cacheDir },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();

  const nextDiagnostics = (uri: string, version?: number): Promise<Diagnostic[]> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within 20 s; server stderr:\n${stderr}`)), 20_000);
      waiters.push({ uri, version, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });

  return {
    connection,
    notifications,
    nextDiagnostics,
    capabilities: initialized.capabilities,
    alive: () => child.exitCode === null && child.signalCode === null,
    async open(uri, text, languageId = 'plaintext') {
      versions.set(uri, 1);
      const next = nextDiagnostics(uri, 1);
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
      return next;
    },
    async change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      const next = nextDiagnostics(uri, version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
      return next;
    },
    async changeRange(uri, edits) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      const next = nextDiagnostics(uri, version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: edits });
      return next;
    },
    async closeDocument(uri) {
      versions.delete(uri);
      const next = nextDiagnostics(uri);
      await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
      return next;
    },
    writeRaw(body) {
      const header = Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii');
      return new Promise<void>((resolve, reject) => child.stdin!.write(Buffer.concat([header, body]), (e) => (e ? reject(e) : resolve())));
    },
    async setSettings(value) {
      settings = value;
      await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: canPull ? null : { reclens: value } });
    },
    async close() {
      try {
        await connection.sendRequest(ShutdownRequest.type);
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // the server may already be gone
      }
      connection.dispose();
      fs.rmSync(cacheDir, { recursive: true, force: true });
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 3000);
          child.once('exit', () => (clearTimeout(timer), resolve()));
        });
      }
    },
  };
}

/** Position of the first occurrence of `needle` in `text` (plus `delta` characters), as an LSP position. */
export function positionOf(text: string, needle: string, delta = 0, from = 0): { line: number; character: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

/** The first `reclens/status` (from the `skip`-th on) that satisfies `accept`; by default one with items loaded. */
export async function waitForStatus(client: TestClient, accept: (s: StatusParams) => boolean = (s) => s.items > 0, skip = 0, ms = 10_000): Promise<StatusParams> {
  const until = Date.now() + ms;
  for (;;) {
    const all = (client.notifications.get(StatusNotification.method) ?? []) as StatusParams[];
    const found = all.slice(skip).find(accept);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no matching ${StatusNotification.method} within ${ms} ms; got ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The ResponseError a request rejected with (fails the test when it succeeded or failed otherwise). */
export async function responseError(p: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, `not a ResponseError: ${String(e)}`);
    return e;
  }
  return assert.fail('the request succeeded');
}
