/** The decoding-mode picker: thinking, non-thinking or race, the last choice preselected. */
import * as vscode from 'vscode';
import { defaultDecoding, type InferenceMode } from '../protocol/inference';
import { choose } from './quick-pick';

const LAST_KEY = 'reclens.lastMode';

interface ModeItem extends vscode.QuickPickItem {
  mode: InferenceMode;
}

const MODES: ModeItem[] = [
  { mode: 'thinking', label: 'thinking', description: 'sample the reasoning until </think>, then beam-search codes after it' },
  { mode: 'non-thinking', label: 'non-thinking', description: 'beam-search codes right after the prompt (empty think block)' },
  { mode: 'race', label: 'race', description: 'both, as OneReason evaluates: the thinking half of the candidates first, then the non-thinking half' },
];

/** Asks for a mode; resolves undefined when dismissed. */
export async function pickMode(state: vscode.Memento, title: string): Promise<InferenceMode | undefined> {
  const last = state.get<InferenceMode>(LAST_KEY) ?? vscode.workspace.getConfiguration('reclens').get<InferenceMode>('inference.mode', defaultDecoding.mode);
  const pick = vscode.window.createQuickPick<ModeItem>();
  pick.title = title;
  pick.placeholder = 'Decoding mode';
  pick.items = MODES;
  pick.activeItems = MODES.filter((m) => m.mode === last);
  const chosen = (await choose(pick))?.mode;
  if (chosen) await state.update(LAST_KEY, chosen);
  return chosen;
}
