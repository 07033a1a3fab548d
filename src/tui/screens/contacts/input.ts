/** Contacts keys → reducer events (and side effects the screen performs). */
import type { MutableRefObject } from 'react';
import { actionFor, CONTACTS_KEYS, keyName, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { editLine } from '../../line-edit.js';
import { isListAction } from '../../list.js';
import { promptKey } from '../../prompt.js';
import type { ContactPromptKind, ContactsEvent, ContactsState } from './state.js';

export interface ContactsInputDeps {
  state: MutableRefObject<ContactsState>;
  dispatch: (ev: ContactsEvent) => void;
  listHeight: number;
  /** A form was completed: perform it (log the call, add the task…). */
  submit: (kind: ContactPromptKind, values: Record<string, string>, contactId: number) => void;
}

export type ContactsKeyResult = ContactsEvent | 'consume' | { type: 'submit'; kind: ContactPromptKind; values: Record<string, string> } | undefined;

/** Pure: what a key press means in the given state (undefined: not ours). */
export function contactsKeyToEvent(state: ContactsState, input: string, key: KeyInfo, listHeight: number): ContactsKeyResult {
  if (state.prompt) {
    const out = promptKey(state.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    if (out.type === 'done') return { type: 'submit', kind: out.kind, values: out.values };
    return { type: 'prompt-update', prompt: out.prompt };
  }
  if (state.searching) {
    const name = keyName(input, key);
    if (name === 'ctrl+c') return undefined;
    if (name === 'enter') return { type: 'search-keep' };
    if (name === 'escape') return { type: 'search-clear' };
    if (name === 'down' || name === 'up') return { type: 'move', action: name, height: listHeight };
    const text = editLine(state.query, input, key);
    return text === undefined ? 'consume' : { type: 'query', text };
  }
  const action = actionFor(CONTACTS_KEYS, input, key);
  if (isListAction(action)) return state.openId === null ? { type: 'move', action, height: listHeight } : 'consume';
  switch (action) {
    case 'search':
      return { type: 'search-start' };
    case 'open':
      return state.openId === null ? { type: 'open' } : 'consume';
    case 'back':
      if (state.openId !== null) return { type: 'close' };
      return state.query ? { type: 'search-clear' } : undefined;
    case 'log-call':
      return { type: 'prompt-start', kind: 'call' };
    case 'log-note':
      return { type: 'prompt-start', kind: 'note' };
    case 'add-task':
      return { type: 'prompt-start', kind: 'task' };
  }
  return undefined;
}

export function useContactsInput({ state, dispatch, listHeight, submit }: ContactsInputDeps, opts: { isActive: boolean }): void {
  useKeyHandler((input, key) => {
    const ev = contactsKeyToEvent(state.current, input, key, listHeight);
    if (ev === undefined) return false;
    if (ev === 'consume') return true;
    if (ev.type === 'submit') {
      const contact = state.current.openId ?? state.current.rows[state.current.cursor]?.id;
      dispatch({ type: 'prompt-close' });
      if (contact !== undefined) submit(ev.kind, ev.values, contact);
      return true;
    }
    dispatch(ev);
    return true;
  }, opts);
}
