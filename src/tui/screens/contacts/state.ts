/** Contacts screen state: a pure reducer, testable as a plain function. */
import type { ContactRecord } from '../../../domain/contacts.js';
import type { ListAction } from '../../keymap.js';
import { clampPosition, moveInList } from '../../list.js';

export type ContactPromptKind = 'call' | 'note' | 'task';

export interface ContactsState {
  query: string;
  /** The search field has the keyboard: every printable key is text. */
  searching: boolean;
  rows: ContactRecord[];
  total: number;
  loaded: boolean;
  cursor: number;
  scroll: number;
  /** Contact whose detail is open. */
  openId: number | null;
  prompt: { kind: ContactPromptKind; text: string } | null;
}

export const initialContactsState: ContactsState = {
  query: '',
  searching: false,
  rows: [],
  total: 0,
  loaded: false,
  cursor: 0,
  scroll: 0,
  openId: null,
  prompt: null,
};

export type ContactsEvent =
  | { type: 'search-start' }
  | { type: 'search-keep' }
  | { type: 'search-clear' }
  | { type: 'query'; text: string }
  | { type: 'loaded'; query: string; rows: ContactRecord[]; total: number }
  | { type: 'move'; action: ListAction; height: number }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'prompt-start'; kind: ContactPromptKind }
  | { type: 'prompt-text'; text: string }
  | { type: 'prompt-close' };

export function contactsReducer(state: ContactsState, ev: ContactsEvent): ContactsState {
  switch (ev.type) {
    case 'search-start':
      return { ...state, searching: true, openId: null };
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
      return row ? { ...state, openId: row.id, searching: false } : state;
    }
    case 'close':
      return { ...state, openId: null, prompt: null };
    case 'prompt-start':
      return state.rows[state.cursor] ? { ...state, prompt: { kind: ev.kind, text: '' } } : state;
    case 'prompt-text':
      return state.prompt ? { ...state, prompt: { ...state.prompt, text: ev.text } } : state;
    case 'prompt-close':
      return { ...state, prompt: null };
  }
}

/** The contact under the cursor (or the open one). */
export function selectedContact(state: ContactsState): ContactRecord | undefined {
  if (state.openId !== null) return state.rows.find((r) => r.id === state.openId);
  return state.rows[state.cursor];
}
