/** Contacts keys → reducer events (and side effects the screen performs). */
import type { MutableRefObject } from 'react';
import { actionFor, CONTACTS_KEYS, keyName, type KeyInfo } from '../../keymap.js';
import { useKeyHandler } from '../../key-router.js';
import { editLine } from '../../line-edit.js';
import { isListAction } from '../../list.js';
import { promptKey } from '../../prompt.js';
import { actionTarget, type ContactPromptKind, type ContactsEvent, type ContactsState, type ContactTarget } from './state.js';

export interface ContactsInputDeps {
  state: MutableRefObject<ContactsState>;
  dispatch: (ev: ContactsEvent) => void;
  listHeight: number;
  /** A form was completed: perform it (log the call, add the task…) on the contact it was opened for. */
  submit: (kind: ContactPromptKind, values: Record<string, string>, contact: ContactTarget) => void;
  /** Open a record form (new contact, edit this one). */
  form: (f: ContactsForm) => void;
}

export type ContactsSubmit = { type: 'submit'; kind: ContactPromptKind; values: Record<string, string>; contact: ContactTarget };
/** Open a record form: a new contact, or the contact shown (by id). */
export type ContactsForm = { type: 'new-contact' } | { type: 'edit-contact'; contact: ContactTarget };
export type ContactsKeyResult = ContactsEvent | 'consume' | ContactsSubmit | ContactsForm | undefined;

/** Pure: what a key press means in the given state (undefined: not ours). */
export function contactsKeyToEvent(state: ContactsState, input: string, key: KeyInfo, listHeight: number): ContactsKeyResult {
  if (state.prompt) {
    const out = promptKey(state.prompt, input, key);
    if (!out) return undefined;
    if (out.type === 'cancel') return { type: 'prompt-close' };
    // The contact the form was opened for, not whatever the cursor is on after a reload meanwhile.
    if (out.type === 'done') return state.promptFor ? { type: 'submit', kind: out.kind, values: out.values, contact: state.promptFor } : { type: 'prompt-close' };
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
  if (isListAction(action)) return state.open === null ? { type: 'move', action, height: listHeight } : 'consume';
  switch (action) {
    case 'search':
      return { type: 'search-start' };
    case 'open':
      return state.open === null ? { type: 'open' } : 'consume';
    case 'back':
      if (state.open !== null) return { type: 'close' };
      return state.query ? { type: 'search-clear' } : undefined;
    case 'log-call':
      return { type: 'prompt-start', kind: 'call' };
    case 'log-note':
      return { type: 'prompt-start', kind: 'note' };
    case 'add-task':
      return { type: 'prompt-start', kind: 'task' };
    case 'psych-note':
      return { type: 'prompt-start', kind: 'psych' };
    case 'new':
      return { type: 'new-contact' };
    case 'edit': {
      const c = actionTarget(state);
      return c ? { type: 'edit-contact', contact: c } : 'consume';
    }
  }
  return undefined;
}

export function useContactsInput({ state, dispatch, listHeight, submit, form }: ContactsInputDeps, opts: { isActive: boolean }): void {
  useKeyHandler((input, key) => {
    const ev = contactsKeyToEvent(state.current, input, key, listHeight);
    if (ev === undefined) return false;
    if (ev === 'consume') return true;
    if (ev.type === 'submit') {
      dispatch({ type: 'prompt-close' });
      submit(ev.kind, ev.values, ev.contact);
      return true;
    }
    if (ev.type === 'new-contact' || ev.type === 'edit-contact') {
      form(ev);
      return true;
    }
    dispatch(ev);
    return true;
  }, opts);
}
