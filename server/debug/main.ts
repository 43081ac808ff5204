/** `node dist/debugAdapter.js`: the RecLens debug adapter speaking DAP over stdin/stdout. */
import { DebugSession } from '@vscode/debugadapter';
import { ReclensDebugSession } from './adapter';

DebugSession.run(ReclensDebugSession);
