/**
 * The RecLens status bar item: the active model (folder name), where it
 * runs (the provider of the last run, else the setting) and the item pool
 * ("indexing…" while a build runs). Click: Select Model….
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StatusParams } from '../protocol/messages';
import type { InferenceRecord } from '../protocol/inference';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('reclens.status', vscode.StatusBarAlignment.Right, 100);
  private pool: StatusParams | undefined;
  private indexing = 0;
  /** The provider the last run used, and for which model and provider setting (a changed setting makes it stale). */
  private lastRun: { model: string; setting: string; provider: string; note?: string } | undefined;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.item.name = 'RecLens';
    this.item.command = 'reclens.selectModel';
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('reclens')) this.render();
    });
    this.render();
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  /** The server (re)loaded the item pool. */
  poolLoaded(status: StatusParams): void {
    this.pool = status;
    this.render();
  }

  /** Index builds running now. */
  setIndexing(running: number): void {
    this.indexing = running;
    this.render();
  }

  /** An inference finished: remember where it ran. */
  ran(record: InferenceRecord): void {
    this.lastRun = { model: record.model, setting: this.providerSetting(), provider: record.executionProvider, note: record.providerNote };
    this.render();
  }

  private providerSetting(): string {
    return vscode.workspace.getConfiguration('reclens').get<string>('model.executionProvider', 'auto');
  }

  private render(): void {
    const config = vscode.workspace.getConfiguration('reclens');
    const modelPath = config.get<string>('model.path', '');
    const model = modelPath ? path.basename(modelPath.replace(/[\\/]+$/, '')) : 'no model';
    const setting = this.providerSetting();
    const run = this.lastRun && path.basename(this.lastRun.model) === model && this.lastRun.setting === setting ? this.lastRun : undefined;
    const provider = run?.provider ?? setting;
    const items = this.indexing > 0 ? 'indexing…' : this.pool ? `${this.pool.items.toLocaleString('en')} items` : 'loading…';
    this.item.text = `${this.indexing > 0 ? '$(sync~spin)' : '$(beaker)'} ${model} · ${provider} · ${items}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown('**RecLens**\n\n');
    tip.appendMarkdown(`- Model: ${modelPath ? `\`${modelPath}\`` : 'none (set `reclens.model.path`)'}\n`);
    tip.appendMarkdown(`- Execution provider: ${run ? `${run.provider} (last run; setting: ${setting})` : `${setting} (setting; no run yet)`}\n`);
    if (run?.note) tip.appendMarkdown(`- ${escape(run.note)}\n`);
    if (this.pool) {
      tip.appendMarkdown(`- Item pool: ${this.pool.items.toLocaleString('en')} items from ${this.pool.tables.length ? this.pool.tables.map((t) => `\`${path.basename(t)}\``).join(', ') : 'no table (set `reclens.alignment.paths`)'}\n`);
      tip.appendMarkdown(`- Itemic tokens: ${escape(this.pool.grammar)}\n`);
      if (this.pool.problems.length) tip.appendMarkdown(`- ${this.pool.problems.length} problem(s) with the tables: see the RecLens log\n`);
    }
    if (this.indexing > 0) tip.appendMarkdown('- Indexing an item table…\n');
    tip.appendMarkdown('\nClick to select a model.');
    this.item.tooltip = tip;
  }
}

const escape = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
