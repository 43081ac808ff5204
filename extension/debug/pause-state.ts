/**
 * Whether a debug session is paused, read from the DAP messages passing
 * between VS Code and the adapter: a `stopped` event pauses it; a request
 * that resumes it (continue, the steps), a `continued` event or the end of
 * the session runs it. Pure.
 */

/** The fields of a DAP message read here. */
export interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
}

/** Requests after which the adapter runs until its next `stopped` event. */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame', 'restart', 'disconnect', 'terminate']);

/** Whether the session is paused after `message` went `from` the adapter or `to` it, having been `paused` before. */
export function pausedAfter(paused: boolean, message: DapMessage, direction: 'from' | 'to'): boolean {
  if (direction === 'from' && message.type === 'event') {
    if (message.event === 'stopped') return true;
    if (message.event === 'continued' || message.event === 'terminated' || message.event === 'exited') return false;
  }
  if (direction === 'to' && message.type === 'request' && message.command && RESUMING.has(message.command)) return false;
  return paused;
}
