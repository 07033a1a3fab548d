/** Contacts screen state: a pure reducer, testable as a plain function. */
import type { ContactRecord } from '../../../domain/contacts.js';
import type { ListAction } from '../../keymap.js';
import { clampPosition, moveInList } from '../../list.js';
import { openPrompt, type PromptState } from '../../prompt.js';

export type ContactPromptKind = 'call' | 'note' | 'task' | 'psych';

/**
 * A contact as the screen showed it (in the list or the open detail). A form remembers the one it
 * was opened for and acts on exactly that contact, whatever a live reload or a new search has put
 * under the cursor by the time it is submitted.
 */
export interface ContactTarget {
  id: number;
  name: string;
}

export function contactTarget(c: Pick<ContactRecord, 'id' | 'name'>): ContactTarget {
  return { id: c.id, name: c.name };
}

export interface ContactsState {
  query: string;
  /** The search field has the keyboard: every printable key is text. */
  searching: boolean;
  rows: ContactRecord[];
  total: number;
  loaded: boolean;
  cursor: number;
  scroll: number;
  /** The contact whose detail is open (as last shown: the row, then the loaded detail). */
  open: ContactTarget | null;
  prompt: PromptState<ContactPromptKind> | null;
  /** The contact the open prompt is for, as it was when the prompt opened. */
  promptFor: ContactTarget | null;
}

export const initialContactsState: ContactsState = {
  query: '',
  searching: false,
  rows: [],
  total: 0,
  loaded: false,
  cursor: 0,
  scroll: 0,
  open: null,
  prompt: null,
  promptFor: null,
};

export type ContactsEvent =
  | { type: 'search-start' }
  | { type: 'search-keep' }
  | { type: 'search-clear' }
  | { type: 'query'; text: string }
  | { type: 'loaded'; query: string; rows: ContactRecord[]; total: number }
  | { type: 'move'; action: ListAction; height: number }
  | { type: 'open' }
  /** Open this contact's detail, listed or not (sent here from a deal on the board). */
  | { type: 'open-contact'; contact: ContactTarget }
  | { type: 'close' }
  | { type: 'detail'; contact: ContactTarget }
  | { type: 'prompt-start'; kind: ContactPromptKind }
  | { type: 'prompt-update'; prompt: PromptState<ContactPromptKind> }
  | { type: 'prompt-close' };

export function contactsReducer(state: ContactsState, ev: ContactsEvent): ContactsState {
  switch (ev.type) {
    case 'search-start':
      return { ...state, searching: true, open: null };
    case 'search-keep':
      return { ...state, searching: false };
    case 'search-clear':
      return { ...state, searching: false, query: '', cursor: 0, scroll: 0 };
    case 'query':
      return { ...state, query: ev.text, cursor: 0, scroll: 0 };
    case 'loaded': {
      // A slow answer to an older query must not replace a newer one.
      if (ev.query !== state.query) return state;
      const keepId = state.rows[state.cursor]?.id;
      const idx = keepId === undefined ? -1 : ev.rows.findIndex((r) => r.id === keepId);
      const cursor = idx >= 0 ? idx : state.cursor;
      return { ...state, rows: ev.rows, total: ev.total, loaded: true, ...clampPosition({ cursor, scroll: state.scroll }, ev.rows.length, Number.MAX_SAFE_INTEGER) };
    }
    case 'move':
      return { ...state, ...moveInList(state, ev.action, state.rows.length, ev.height) };
    case 'open': {
      const row = state.rows[state.cursor];
      return row ? { ...state, open: contactTarget(row), searching: false } : state;
    }
    case 'open-contact':
      return { ...state, open: ev.contact, searching: false, prompt: null, promptFor: null };
    case 'close':
      return { ...state, open: null, prompt: null, promptFor: null };
    case 'detail':
      // The detail (re)loaded: its forms name the contact as the detail now shows it.
      return state.open?.id === ev.contact.id ? { ...state, open: ev.contact } : state;
    case 'prompt-start': {
      const c = actionTarget(state);
      return c ? { ...state, searching: false, prompt: contactPrompt(ev.kind, c.name), promptFor: c } : state;
    }
    case 'prompt-update':
      return state.prompt ? { ...state, prompt: ev.prompt } : state;
    case 'prompt-close':
      return { ...state, prompt: null, promptFor: null };
  }
}

/** The contact under the cursor in the list. */
export function selectedContact(state: ContactsState): ContactRecord | undefined {
  return state.rows[state.cursor];
}

/** What a new form is for: the contact the open detail shows (listed or not), else the selected row. */
export function actionTarget(state: ContactsState): ContactTarget | undefined {
  if (state.open) return state.open;
  const row = selectedContact(state);
  return row ? contactTarget(row) : undefined;
}

export function contactPrompt(kind: ContactPromptKind, name: string): PromptState<ContactPromptKind> {
  switch (kind) {
    case 'call':
      return openPrompt(kind, `Log a call with ${name}`, [
        { name: 'subject', label: 'What was said' },
        { name: 'next', label: 'Follow-up task (optional)', optional: true },
      ]);
    case 'note':
      return openPrompt(kind, `Note on ${name}`, [{ name: 'subject', label: 'Note' }]);
    case 'psych':
      return openPrompt(kind, `Psychological note on ${name}`, [{ name: 'body', label: 'How to deal with them' }]);
    case 'task':
      return openPrompt(kind, `Follow-up task for ${name}`, [
        { name: 'title', label: 'Task' },
        { name: 'due', label: 'Due', initial: 'tomorrow' },
      ]);
  }
}
