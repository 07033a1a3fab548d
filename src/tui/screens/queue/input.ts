/** Queue keys → reducer events, or commands the screen performs (assign, reply, solve…). */
import type { MutableRefObject } from 'react';
import { actionFor, QUEUE_KEYS, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { filterLineKey } from '../../line-edit.js';
import { isListAction } from '../../list.js';
import { openPrompt, promptKey } from '../../prompt.js';
import { selectedTicket, type QueueEvent, type QueuePromptKind, type QueueState } from './state.js';

export type QueueCommand = { type: 'status'; ticketId: number; to: 'pending' | 'solved' } | { type: 'submit'; ticketId: number; kind: QueuePromptKind; text: string };

export type QueueKeyResult = QueueEvent | QueueCommand | 'consume' | undefined;

export function queuePrompt(kind: QueuePromptKind, id: number, subject: string) {
  const title = `#${id} ${subject}`;
  switch (kind) {
    case 'assign':
      return openPrompt(kind, `Assign ${title}`, [{ name: 'text', label: 'Assign to (user handle; empty = me)', optional: true }]);
    case 'reply':
      return openPrompt(kind, `Public reply on ${title}`, [{ name: 'text', label: 'Reply' }]);
    case 'note':
      return openPrompt(kind, `Internal note on ${title}`, [{ name: 'text', label: 'Note' }]);
  }
}

export function queueKeyToEvent(s: QueueState, input: string, key: KeyInfo, listHeight: number): QueueKeyResult {
  const ticket = selectedTicket(s);
  if (s.prompt) {
    const out = promptKey(s.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    if (out.type === 'done') return ticket ? { type: 'submit', ticketId: ticket.id, kind: out.kind, text: out.values.text ?? '' } : { type: 'prompt-close' };
    return { type: 'prompt-update', prompt: out.prompt };
  }
  if (s.editing !== null) return filterLineKey(s.editing, input, key);
  const action = actionFor(QUEUE_KEYS, input, key);
  if (isListAction(action)) return s.openId === null ? { type: 'move', action, height: listHeight } : 'consume';
  switch (action) {
    case 'open':
      return ticket && s.openId === null ? { type: 'open' } : 'consume';
    case 'back':
      if (s.openId !== null) return { type: 'close' };
      return s.filter || s.mine ? { type: 'filter-clear' } : 'consume';
    case 'filter':
      return s.openId === null ? { type: 'filter-start' } : 'consume';
    case 'mine':
      return { type: 'toggle-mine' };
    case 'assign':
    case 'reply':
    case 'note':
      return ticket ? { type: 'prompt-open', prompt: queuePrompt(action, ticket.id, ticket.subject) } : 'consume';
    case 'pending':
      return ticket ? { type: 'status', ticketId: ticket.id, to: 'pending' } : 'consume';
    case 'solve':
      return ticket ? { type: 'status', ticketId: ticket.id, to: 'solved' } : 'consume';
  }
  return undefined;
}

export function useQueueInput(deps: { state: MutableRefObject<QueueState>; dispatch: (ev: QueueEvent) => void; listHeight: number; run: (cmd: QueueCommand) => void }, opts: { isActive: boolean }): void {
  useKeyHandler((input, key) => {
    const out = queueKeyToEvent(deps.state.current, input, key, deps.listHeight);
    if (out === undefined) return false;
    if (out === 'consume') return true;
    if (out.type === 'status' || out.type === 'submit') {
      if (out.type === 'submit') deps.dispatch({ type: 'prompt-close' });
      deps.run(out);
    } else deps.dispatch(out);
    return true;
  }, opts);
}
