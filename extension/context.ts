/** What the commands share: handed to each command module explicitly, never kept in globals. */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Inference } from './inference';
import type { StatusBar } from './status-bar';

export interface RecLens {
  context: vscode.ExtensionContext;
  client: LanguageClient;
  /** The RecLens output channel: every command and error is logged here. */
  log: vscode.LogOutputChannel;
  status: StatusBar;
  inference: Inference;
}
