// Types for scripts/code-server.mjs (plain ESM so it runs before any build), used by test/e2e.

export declare const CODE_SERVER_VERSION: string;
export declare const APT_PACKAGES: string[];

export type Log = (line: string) => void;

/** A setup failure with a message the user can act on. */
export declare class SetupError extends Error {}

export declare function codeServerDir(): string;
export declare function codeServerEntry(dir?: string): string;
export declare function isCodeServerInstalled(dir?: string): boolean;
export declare function ensureCodeServer(options?: { log?: Log; dir?: string }): Promise<string>;
export declare function ensureAptPackages(log?: Log): void;
export declare function readVersion(dir?: string): string;
export declare function freePort(): Promise<number>;
export declare function linkExtension(extensionDir: string, extensionsDir: string): string;
export declare function bundleExternals(distDir: string): string[];

export interface LaunchOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /** Extension folder linked into the extensions dir; defaults to the repo, `null` for none. */
  extensionDir?: string | null;
  /** Written to `<user-data>/User/settings.json`. */
  userSettings?: Record<string, unknown>;
  port?: number;
  log?: Log;
  /** entry.js to run; installs code-server when omitted. */
  entry?: string;
  extraArgs?: string[];
  timeoutMs?: number;
}

export interface CodeServerHandle {
  /** `http://127.0.0.1:PORT/?folder=<workspace>` */
  url: string;
  port: number;
  pid: number;
  tmpDir: string;
  /** Recent stdout/stderr of code-server. */
  output(): string;
  /** Resolves when the code-server process exits. */
  exited: Promise<void>;
  /** Kills the process group and removes the temp folder. */
  stop(): Promise<void>;
}

export declare function launchCodeServer(options: LaunchOptions): Promise<CodeServerHandle>;
