/** Queue keys → reducer events, or commands the screen performs (assign, reply, solve…). */
import type { MutableRefObject } from 'react';
import { actionFor, QUEUE_KEYS, type KeyInfo } from '../../keymap.js';
import { useOrderedKeyHandler } from '../../key-router.js';
import { filterLineKey } from '../../line-edit.js';
import { isListAction } from '../../list.js';
import { openPrompt, promptKey } from '../../prompt.js';
import { actionTarget, type QueueEvent, type QueuePromptKind, type QueueState, type TicketTarget } from './state.js';

/** Commands carry the ticket as the queue showed it (id and version): see TicketTarget. */
export type QueueCommand = { type: 'status'; ticket: TicketTarget; to: 'pending' | 'solved' } | { type: 'submit'; ticket: TicketTarget; kind: QueuePromptKind; text: string };

/** Open a record form: a new ticket, or the ticket shown. */
export type QueueForm = { type: 'new-ticket' } | { type: 'edit-ticket'; ticket: TicketTarget };

export type QueueKeyResult = QueueEvent | QueueCommand | QueueForm | 'consume' | undefined;

/** The form for an action on ticket #id; `text` prefills it (a reply given back after a refusal). */
export function queuePrompt(kind: QueuePromptKind, id: number, subject: string, text = '') {
  const title = `#${id} ${subject}`;
  switch (kind) {
    case 'assign':
      return openPrompt(kind, `Assign ${title}`, [{ name: 'text', label: 'Assign to (user handle; empty = me)', optional: true, initial: text }]);
    case 'reply':
      return openPrompt(kind, `Public reply on ${title}`, [{ name: 'text', label: 'Reply', initial: text, multiline: true }]);
    case 'note':
      return openPrompt(kind, `Internal note on ${title}`, [{ name: 'text', label: 'Note', initial: text, multiline: true }]);
  }
}

export function queueKeyToEvent(s: QueueState, input: string, key: KeyInfo, listHeight: number): QueueKeyResult {
  if (s.prompt) {
    const out = promptKey(s.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    // The ticket the prompt was opened for, not whatever the cursor is on after a reload meanwhile.
    if (out.type === 'done') return s.promptFor ? { type: 'submit', ticket: s.promptFor, kind: out.kind, text: out.values.text ?? '' } : { type: 'prompt-close' };
    return { type: 'prompt-update', prompt: out.prompt };
  }
  if (s.editing !== null) return filterLineKey(s.editing, input, key);
  const action = actionFor(QUEUE_KEYS, input, key);
  if (isListAction(action)) return s.open === null ? { type: 'move', action, height: listHeight } : 'consume';
  // In the detail: the ticket it shows; in the list: the selected row.
  const target = actionTarget(s);
  switch (action) {
    case 'open':
      return target && s.open === null ? { type: 'open' } : 'consume';
    case 'back':
      if (s.open !== null) return { type: 'close' };
      return s.filter || s.mine ? { type: 'filter-clear' } : 'consume';
    case 'filter':
      return s.open === null ? { type: 'filter-start' } : 'consume';
    case 'mine':
      return { type: 'toggle-mine' };
    case 'assign':
    case 'reply':
    case 'note':
      return target ? { type: 'prompt-open', prompt: queuePrompt(action, target.id, target.subject), ticket: target } : 'consume';
    case 'pending':
      return target ? { type: 'status', ticket: target, to: 'pending' } : 'consume';
    case 'solve':
      return target ? { type: 'status', ticket: target, to: 'solved' } : 'consume';
    case 'new':
      return { type: 'new-ticket' };
    case 'edit':
      return target ? { type: 'edit-ticket', ticket: target } : 'consume';
  }
  return undefined;
}

export function useQueueInput(
  deps: { state: MutableRefObject<QueueState>; dispatch: (ev: QueueEvent) => void; listHeight: number; run: (cmd: QueueCommand) => Promise<void>; form: (f: QueueForm) => void },
  opts: { isActive: boolean },
): void {
  const read = (input: string, key: KeyInfo) => queueKeyToEvent(deps.state.current, input, key, deps.listHeight);
  useOrderedKeyHandler(
    (input, key) => {
      const out = read(input, key);
      if (out === undefined) return false;
      if (out === 'consume') return true;
      if (out.type === 'new-ticket' || out.type === 'edit-ticket') {
        deps.form(out);
        return true;
      }
      if (out.type === 'status' || out.type === 'submit') {
        if (out.type === 'submit') deps.dispatch({ type: 'prompt-close' });
        return deps.run(out);
      }
      deps.dispatch(out);
      return true;
    },
    (input, key) => read(input, key) !== undefined,
    opts,
  );
}
