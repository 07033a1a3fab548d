/**
 * The contacts screen acts on the contact a form was opened for: a call, note or task goes to
 * that contact (by id) even when a live reload or a search has changed the list — and what is
 * under the cursor — while the form was open. The detail acts on the contact it shows. A contact
 * archived or merged away meanwhile gets the activity all the same, as `crm log` does, and the
 * status line says so.
 */
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logActivity } from '../../src/domain/activities.js';
import { contactStanding } from '../../src/domain/contact-standing.js';
import { mergeContacts } from '../../src/domain/contact-merge.js';
import { addContact, editContact, listContacts, setContactArchived } from '../../src/domain/contacts.js';
import type { Session } from '../../src/domain/session.js';
import { App } from '../../src/tui/app.js';
import { contactsKeyToEvent } from '../../src/tui/screens/contacts/input.js';
import { archivedContactNotice } from '../../src/tui/screens/contacts/screen.js';
import { contactsReducer, initialContactsState, selectedContact, type ContactsState } from '../../src/tui/screens/contacts/state.js';
import { asOther, press, tick, tuiSession, waitForFrame } from './helpers.js';

const NOW = '2026-11-20T17:55:00Z';
const SIZE = { columns: 160, rows: 30 };
let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession(NOW);
  await addContact(t.session, { name: 'Ann Smithers', email: 'ann@example.com' }); // #1
  await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com' }); // #2
});
afterEach(() => t.cleanup());

/** Sara, on another connection to the same file (a colleague's terminal). */
const asSara = <T,>(fn: (s: Session) => Promise<T>) => asOther(t.session, 'sara', fn);

/** What was logged, and on which contact: straight from the database. */
const activities = () => t.session.db.kysely.selectFrom('activities').select(['kind', 'subject', 'contact_id']).orderBy('id').execute();
const statusLine = (f: string) => f.split('\n').at(-1) ?? '';

async function loaded(query = ''): Promise<ContactsState> {
  const r = await listContacts(t.session, { text: query || undefined });
  return contactsReducer({ ...initialContactsState, query }, { type: 'loaded', query, rows: r.rows, total: r.total });
}

/** Search "smith" (Ann Smithers, Bob Smith), go down to Bob Smith and open the call form. */
async function callFormOnBob(pollMs: number) {
  const app = render(<App session={t.session} color={false} initialScreen="contacts" size={SIZE} pollMs={pollMs} tickMs={0} />);
  await waitForFrame(app.lastFrame, (f) => f.includes('Ann Smithers') && f.includes('Bob Smith'));
  await press(app, '/');
  app.stdin.write('smith');
  await waitForFrame(app.lastFrame, (f) => f.includes('Search: smith') && f.includes('2 contacts'));
  await press(app, '\r');
  await press(app, 'j');
  app.stdin.write('c');
  await waitForFrame(app.lastFrame, (f) => f.includes('Log a call with Bob Smith'));
  await press(app, 'Discussed pricing');
  app.stdin.write('\r'); // to the optional follow-up field
  await waitForFrame(app.lastFrame, (f) => f.includes('Follow-up task (optional)'));
  return app;
}

describe('contacts: the contact in the reducer and the submit', () => {
  it('a form submits for the contact it was opened for, whatever a reload put under the cursor', async () => {
    let s = await loaded('smith');
    s = contactsReducer(s, { type: 'move', action: 'down', height: 10 });
    expect(selectedContact(s)?.name).toBe('Bob Smith');
    s = contactsReducer(s, contactsKeyToEvent(s, 'n', {}, 10) as never);
    expect(s.promptFor).toEqual({ id: 2, name: 'Bob Smith' });
    for (const ch of 'Hi') s = contactsReducer(s, contactsKeyToEvent(s, ch, {}, 10) as never);
    // Bob no longer matches the search; someone else's contact takes his row.
    await editContact(t.session, '2', { name: 'Bob Jones' });
    await addContact(t.session, { name: 'Zed Smith', email: 'zed@example.com' });
    s = contactsReducer(s, { type: 'loaded', query: 'smith', rows: (await listContacts(t.session, { text: 'smith' })).rows, total: 2 });
    expect(selectedContact(s)?.name).toBe('Zed Smith');
    expect(contactsKeyToEvent(s, '', { return: true }, 10)).toEqual({ type: 'submit', kind: 'note', values: { subject: 'Hi' }, contact: { id: 2, name: 'Bob Smith' } });
    expect(contactsReducer(s, { type: 'prompt-close' }).promptFor).toBeNull();
  });

  it('in the detail, forms are for the contact it shows, listed or not', async () => {
    let s = contactsReducer(await loaded(), { type: 'move', action: 'down', height: 10 });
    s = contactsReducer(s, { type: 'open' });
    s = contactsReducer(s, { type: 'detail', contact: { id: 2, name: 'Robert Smith' } });
    s = contactsReducer(s, { type: 'detail', contact: { id: 1, name: 'Ann Smithers' } }); // not the open one
    s = contactsReducer(s, { type: 'loaded', query: '', rows: s.rows.filter((r) => r.id !== 2), total: 1 });
    s = contactsReducer(s, contactsKeyToEvent(s, 't', {}, 10) as never);
    expect(s.prompt?.title).toBe('Follow-up task for Robert Smith');
    expect(s.promptFor).toEqual({ id: 2, name: 'Robert Smith' });
    expect(contactsReducer(s, { type: 'close' })).toMatchObject({ open: null, prompt: null, promptFor: null });
  });

  it('archived or merged: the status line says so; logging goes on that contact, as crm log does', async () => {
    const bob = { id: 2, name: 'Bob Smith' };
    expect(archivedContactNotice('Logged call #1.', bob, await contactStanding(t.session, 2))).toBeNull();
    await setContactArchived(t.session, '2', true);
    expect(archivedContactNotice('Logged call #1.', bob, await contactStanding(t.session, 2))).toBe('Logged call #1 — Bob Smith (#2) is archived (logged there, as crm log does).');
    // crm log call 2 "…" (what the CLI runs) logs on the archived contact.
    expect((await logActivity(t.session, { kind: 'call', ref: '2', subject: 'From the CLI' })).activity).toMatchObject({ contact: { id: 2 } });
    await setContactArchived(t.session, '2', false);
    await mergeContacts(t.session, '1', '2');
    expect(archivedContactNotice('Added task #4 "Send quote".', bob, await contactStanding(t.session, 2))).toBe(
      'Added task #4 "Send quote" — Bob Smith (#2) is archived: merged into #1 Ann Smithers (logged there, as crm log does).',
    );
    expect((await logActivity(t.session, { kind: 'call', ref: '2', subject: 'After the merge' })).activity).toMatchObject({ contact: { id: 2 } });
    expect(await contactStanding(t.session, 99)).toBeNull();
  });
});

describe('contacts screen: the list changes while a form is open', () => {
  it('a live reload drops the contact from the search and puts another under the cursor: the call still goes on the contact the form was opened for', async () => {
    const app = await callFormOnBob(20);
    // Meanwhile, in a colleague's terminal: Bob is renamed (no longer matches "smith") and a new
    // Smith arrives. The live reload lands while the form is open.
    await asSara(async (s) => {
      await editContact(s, 'bob@example.com', { name: 'Bob Jones' });
      await addContact(s, { name: 'Zed Smith', email: 'zed@example.com' });
    });
    await tick(300);
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Logged call #1.') && f.includes('Zed Smith'));
    expect(f).not.toContain('Bob');
    expect(await activities()).toEqual([{ kind: 'call', subject: 'Discussed pricing', contact_id: 2 }]);
    app.unmount();
  });

  it('a contact archived meanwhile: the call goes on it (as crm log does) and the status line says so', async () => {
    const app = await callFormOnBob(20);
    await asSara((s) => setContactArchived(s, 'bob@example.com', true));
    await tick(300);
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('is archived'));
    expect(statusLine(f)).toContain('Logged call #1 — Bob Smith (#2) is archived (logged there, as crm log does).');
    expect(await activities()).toEqual([{ kind: 'call', subject: 'Discussed pricing', contact_id: 2 }]);
    app.unmount();
  });

  it('a contact merged into another meanwhile: the status line names the one it was merged into', async () => {
    const app = await callFormOnBob(20);
    await asSara((s) => mergeContacts(s, 'ann@example.com', 'bob@example.com'));
    await tick(300);
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('is archived'));
    expect(statusLine(f)).toContain('Logged call #1 — Bob Smith (#2) is archived: merged into #1 Ann Smithers (logged there');
    expect(await activities()).toEqual([{ kind: 'call', subject: 'Discussed pricing', contact_id: 2 }]);
    app.unmount();
  });

  it('the detail acts on the contact it shows, even after a reload dropped it from the search', async () => {
    const app = render(<App session={t.session} color={false} initialScreen="contacts" size={SIZE} pollMs={20} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Bob Smith'));
    await press(app, '/');
    app.stdin.write('smith');
    await waitForFrame(app.lastFrame, (f) => f.includes('2 contacts'));
    await press(app, '\r');
    await press(app, 'j');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('#2 Bob Smith') && f.includes('Timeline: nothing yet'));
    await asSara((s) => editContact(s, 'bob@example.com', { name: 'Bob Jones' }));
    await waitForFrame(app.lastFrame, (f) => f.includes('#2 Bob Jones'));
    app.stdin.write('n');
    await waitForFrame(app.lastFrame, (f) => f.includes('Note on Bob Jones'));
    await press(app, 'Prefers email');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Logged note #1.') && /✎ note\s+Prefers email/.test(f));
    expect(await activities()).toEqual([{ kind: 'note', subject: 'Prefers email', contact_id: 2 }]);
    app.unmount();
  });

  it('the normal path: a call from the list goes on the selected contact', async () => {
    const app = await callFormOnBob(0);
    await press(app, 'Send quote');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Logged call #1, follow-up task #2.'));
    expect(await activities()).toEqual([
      { kind: 'call', subject: 'Discussed pricing', contact_id: 2 },
      { kind: 'task', subject: 'Send quote', contact_id: 2 },
    ]);
    app.unmount();
  });
});
