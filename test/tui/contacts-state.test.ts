import { describe, expect, it } from 'vitest';
import type { ContactRecord } from '../../src/domain/contacts.js';
import { contactsKeyToEvent } from '../../src/tui/screens/contacts/input.js';
import { contactsReducer, initialContactsState, selectedContact, type ContactsState } from '../../src/tui/screens/contacts/state.js';

const contact = (id: number, name: string) => ({ id, name }) as ContactRecord;
const rows = [contact(1, 'Sara Rahimi'), contact(2, 'Lin Wei'), contact(3, 'Ana Lima')];

function loaded(query = ''): ContactsState {
  return contactsReducer({ ...initialContactsState, query }, { type: 'loaded', query, rows, total: 3 });
}

describe('contacts reducer', () => {
  it('moves the cursor and opens the selected contact', () => {
    let s = loaded();
    s = contactsReducer(s, { type: 'move', action: 'down', height: 10 });
    expect(selectedContact(s)?.name).toBe('Lin Wei');
    s = contactsReducer(s, { type: 'open' });
    expect(s.open).toEqual({ id: 2, name: 'Lin Wei' });
    s = contactsReducer(s, { type: 'close' });
    expect(s.open).toBeNull();
  });

  it('ignores an answer to an older query', () => {
    const s = contactsReducer({ ...loaded(), query: 'lin' }, { type: 'loaded', query: 'l', rows: [contact(9, 'Stale')], total: 1 });
    expect(s.rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('keeps the cursor on the same contact when the list reloads', () => {
    let s = contactsReducer(loaded(), { type: 'move', action: 'last', height: 10 });
    s = contactsReducer(s, { type: 'loaded', query: '', rows: [contact(4, 'New One'), ...rows], total: 4 });
    expect(selectedContact(s)?.name).toBe('Ana Lima');
  });

  it('in the search field every printable key is text, q included', () => {
    let s = contactsReducer(loaded(), { type: 'search-start' });
    for (const ch of ['q', 'ر', '?']) {
      const ev = contactsKeyToEvent(s, ch, {}, 10);
      expect(ev).toMatchObject({ type: 'query' });
      s = contactsReducer(s, ev as never);
    }
    expect(s.query).toBe('qر?');
    expect(contactsKeyToEvent(s, '', { return: true }, 10)).toEqual({ type: 'search-keep' });
    expect(contactsKeyToEvent(s, '', { escape: true }, 10)).toEqual({ type: 'search-clear' });
    // Ctrl-C is never swallowed by the field: the app quits.
    expect(contactsKeyToEvent(s, 'c', { ctrl: true }, 10)).toBeUndefined();
  });

  it('outside the field, q and tab are left to the app', () => {
    const s = loaded();
    expect(contactsKeyToEvent(s, 'q', {}, 10)).toBeUndefined();
    expect(contactsKeyToEvent(s, '', { tab: true }, 10)).toBeUndefined();
    expect(contactsKeyToEvent(s, '/', {}, 10)).toEqual({ type: 'search-start' });
  });
});
