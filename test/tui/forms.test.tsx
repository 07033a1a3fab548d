import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, listActivities } from '../../src/domain/activities.js';
import { addContact, showContact } from '../../src/domain/contacts.js';
import { addDeal, showDeal, listDeals } from '../../src/domain/deals.js';
import { listTickets, showTicket, openTicket } from '../../src/domain/tickets.js';
import { App } from '../../src/tui/app.js';
import { changedValues, formKey, formRefused, openForm } from '../../src/tui/form.js';
import type { ScreenName } from '../../src/tui/screen-names.js';
import { addBoardUsers, press, seedBoard, tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession();
  await addBoardUsers(t.session);
});
afterEach(() => t.cleanup());

const TAB = '\t';
const SAVE = '\x13'; // ctrl-s

function open(screen: ScreenName, size = { columns: 80, rows: 24 }) {
  return render(<App session={t.session} color={false} initialScreen={screen} size={size} pollMs={0} tickMs={0} />);
}

/** The status line (the last non-empty line of the frame). */
function statusLine(f: string): string {
  return f.trimEnd().split('\n').at(-1) ?? '';
}

describe('the form reducer', () => {
  const form = openForm('New deal', [
    { name: 'title', label: 'Title' },
    { name: 'amount', label: 'Amount', initial: '10 EUR' },
    { name: 'notes', label: 'Notes', multiline: true },
  ]);

  it('tab and shift-tab move between fields, enter goes on and saves on the last field', () => {
    const typed = formKey(form, 'Acme', {});
    expect(typed).toMatchObject({ type: 'editing', form: { values: { title: 'Acme' } } });
    const next = formKey(form, '', { tab: true });
    expect(next).toMatchObject({ form: { focus: 1 } });
    expect(formKey(form, '', { tab: true, shift: true })).toMatchObject({ form: { focus: 2 } });
    expect(formKey(form, '', { return: true })).toMatchObject({ form: { focus: 1 } });
    expect(formKey(form, 's', { ctrl: true })).toMatchObject({ type: 'save' });
    expect(formKey(form, '', { escape: true })).toEqual({ type: 'cancel' });
  });

  it('in a text area enter is a new line; an edit sends only what changed', () => {
    let f = { ...form, focus: 2 };
    for (const [input, key] of [['one', {}], ['', { return: true }], ['two', {}]] as const) f = (formKey(f, input, key) as { form: typeof f }).form;
    expect(f.values.notes).toBe('one\ntwo');
    expect(changedValues(f)).toEqual({ notes: 'one\ntwo' });
  });

  it('a refusal keeps what was typed and puts the cursor on the field it names', () => {
    const refused = formRefused({ ...form, busy: true }, 'A deal amount cannot be negative: "-5 EUR".');
    expect(refused).toMatchObject({ focus: 1, busy: false, error: 'A deal amount cannot be negative: "-5 EUR".' });
  });
});

describe('creating and editing records from the TUI', () => {
  it('creates a deal on the board; an invalid amount is refused with the domain’s message, in the form', async () => {
    await seedBoard(t.session);
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com' });
    const app = open('board');
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, 'l'); // the Qualification column
    await press(app, '+');
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('New deal'));
    expect(f).toMatch(/Stage\s+Qualification/);
    await press(app, 'Umbrella pumps');
    await press(app, TAB);
    await press(app, 'Umbrella Corp');
    await press(app, TAB);
    await press(app, 'sara@example.com');
    await press(app, TAB);
    await press(app, '-500 EUR');
    await press(app, SAVE);
    f = await waitForFrame(app.lastFrame, (f) => f.includes('cannot be negative'));
    expect(f).toContain('A deal amount cannot be negative: "-500 EUR".');
    expect(f).toMatch(/Title\s+Umbrella pumps/); // nothing typed is lost
    expect((await listDeals(t.session, { filter: ['umbrella'] })).total).toBe(0);
    // The cursor is on the amount: fix it there.
    await press(app, '\x15'); // ctrl-u
    await press(app, '500 EUR');
    await press(app, SAVE);
    f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Added deal #4 Umbrella pumps'));
    expect(statusLine(f)).toContain('(Qualification, €500.00)'.replace('€500.00', (await showDeal(t.session, '4')).amount.format()));
    const deal = await showDeal(t.session, '4');
    expect(deal).toMatchObject({ title: 'Umbrella pumps', company: { name: 'Umbrella Corp' }, stage: { name: 'Qualification' } });
    expect(deal.contact?.name).toBe('Sara Rahimi');
    await waitForFrame(app.lastFrame, (f) => f.includes('Umbrella pumps') && f.includes('Qualification (3)'));
    app.unmount();
  });

  it('refuses an unknown stage with the domain’s message, then edits a deal (only the changed field, with its version)', async () => {
    await seedBoard(t.session);
    const app = open('board');
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, '+');
    await waitForFrame(app.lastFrame, (f) => f.includes('New deal'));
    await press(app, 'X');
    for (let i = 0; i < 6; i++) await press(app, TAB);
    await press(app, '\x15'); // ctrl-u clears the stage
    await press(app, 'Nowhere');
    await press(app, SAVE);
    const refused = await waitForFrame(app.lastFrame, (f) => f.includes('Unknown stage "Nowhere" in pipeline'));
    expect(refused).toContain('New deal');
    await press(app, '\x1b');
    await waitForFrame(app.lastFrame, (f) => !f.includes('New deal') && f.includes('Acme renewal'));
    expect((await listDeals(t.session)).total).toBe(3);
    // e on the selected card: the form holds its values; change the amount only.
    await press(app, 'l');
    await press(app, 'e');
    const form = await waitForFrame(app.lastFrame, (f) => f.includes('Edit deal #1 Acme renewal'));
    expect(form).toMatch(/Amount\s+12500.50 EUR/);
    for (const k of [TAB, TAB, TAB]) await press(app, k);
    await press(app, '\x15');
    await press(app, '13000 EUR');
    await press(app, SAVE);
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Updated deal #1 Acme renewal.'));
    const d = await showDeal(t.session, '1');
    expect(d.amount.amount).toBe('13000.00');
    expect(d.company?.name).toBe('Acme Ltd');
    app.unmount();
  });

  it('opens a ticket from the queue with a description of several lines', async () => {
    await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com' });
    const app = open('queue');
    await waitForFrame(app.lastFrame, (f) => f.includes('No unsolved tickets'));
    await press(app, '+');
    await waitForFrame(app.lastFrame, (f) => f.includes('New ticket'));
    await press(app, 'Printer on fire');
    await press(app, TAB);
    await press(app, 'bob@example.com');
    await press(app, TAB);
    await press(app, '\x15');
    await press(app, 'urgentish');
    await press(app, SAVE);
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Unknown priority "urgentish".'));
    expect(f).toContain('New ticket');
    expect((await listTickets(t.session)).total).toBe(0);
    await press(app, '\x15');
    await press(app, 'urgent');
    await press(app, TAB);
    await press(app, TAB);
    await press(app, 'It smokes.');
    await press(app, '\r');
    await press(app, 'Third floor.');
    await press(app, SAVE);
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Opened ticket #1 Printer on fire (urgent).') && /#1 .*Printer on fire\s+Bob Smith/.test(f));
    const ticket = await showTicket(t.session, 1);
    expect(ticket).toMatchObject({ priority: 'urgent', description: 'It smokes.\nThird floor.', requester: { name: 'Bob Smith' } });
    // e edits it: the subject.
    await press(app, 'e');
    await waitForFrame(app.lastFrame, (f) => f.includes('Edit ticket #1 Printer on fire'));
    await press(app, ' again');
    await press(app, SAVE);
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Updated ticket #1 Printer on fire again.'));
    expect((await showTicket(t.session, 1)).subject).toBe('Printer on fire again');
    app.unmount();
  });

  it('adds a contact (a bad email refused in the form) and edits one', async () => {
    const app = open('contacts');
    await waitForFrame(app.lastFrame, (f) => f.includes('No contacts yet'));
    await press(app, '+');
    await waitForFrame(app.lastFrame, (f) => f.includes('New contact'));
    await press(app, 'Sara Rahimi');
    await press(app, TAB);
    await press(app, 'sara-at-example');
    await press(app, SAVE);
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('is not a valid email address'));
    expect(f).toContain('"sara-at-example" is not a valid email address.');
    await press(app, '\x15');
    await press(app, 'sara@example.com');
    await press(app, SAVE);
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Added contact #1 Sara Rahimi.') && f.includes('#1 Sara Rahimi'));
    await press(app, 'e');
    await waitForFrame(app.lastFrame, (f) => f.includes('Edit contact #1 Sara Rahimi'));
    for (const k of [TAB, TAB, TAB]) await press(app, k);
    await press(app, 'Acme Ltd');
    await press(app, SAVE);
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Updated contact #1 Sara Rahimi.'));
    expect((await showContact(t.session, '1')).company?.name).toBe('Acme Ltd');
    app.unmount();
  });
});

describe('snoozing, replies of several lines, a deal’s contact and company', () => {
  it('z snoozes the selected task to the time typed', async () => {
    await addTask(t.session, { title: 'Call Sara back', due: '2026-11-20 15:00', owner: 'tester' });
    const app = open('agenda');
    await waitForFrame(app.lastFrame, (f) => f.includes('Call Sara back'));
    await press(app, 'z');
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('Snooze task #1 Call Sara back'));
    expect(f).toContain('tomorrow');
    await press(app, '\x15');
    await press(app, '2026-11-25 09:00');
    await press(app, '\r');
    f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Snoozed task #1 Call Sara back until'));
    const [task] = (await listActivities(t.session, { kind: 'task' } as never)).rows;
    expect(task!.dueAt).toBe('2026-11-25T09:00:00.000Z');
    app.unmount();
  });

  it('a reply of several lines: enter starts a line, ctrl-s sends', async () => {
    await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com' });
    await openTicket(t.session, { subject: 'Printer on fire', contact: 'bob@example.com' });
    const app = open('queue');
    await waitForFrame(app.lastFrame, (f) => f.includes('Printer on fire'));
    await press(app, 'r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Public reply on #1'));
    await press(app, 'Hello Bob,');
    await press(app, '\r');
    await press(app, 'we are on our way.');
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('ctrl+s send'));
    expect(f).toMatch(/Hello Bob,\s*│?\n│\s*we are on our way\./);
    await press(app, SAVE);
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Replied on ticket #1.'));
    expect((await showTicket(t.session, 1)).events.find((e) => e.kind === 'reply')?.body).toBe('Hello Bob,\nwe are on our way.');
    app.unmount();
  });

  it('from a deal, c opens its contact on the contacts screen and o its company', async () => {
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com', company: 'Acme Ltd' });
    await addDeal(t.session, { title: 'Acme renewal', company: 'Acme Ltd', contact: 'sara@example.com', amount: '12500 EUR', stage: 'Prospecting' });
    const app = open('board');
    await waitForFrame(app.lastFrame, (f) => f.includes('Acme renewal'));
    await press(app, '\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Deal #1 Acme renewal'));
    await press(app, 'o');
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('Company #1 Acme Ltd'));
    expect(f).toMatch(/People\s+Sara Rahimi/);
    expect(f).toMatch(/Deals\s+Acme renewal \(Prospecting/);
    await press(app, '\x1b');
    await waitForFrame(app.lastFrame, (f) => f.includes('Deal #1 Acme renewal'));
    await press(app, 'c');
    f = await waitForFrame(app.lastFrame, (f) => f.includes('#1 Sara Rahimi') && f.includes('sara@example.com'));
    expect(f).toMatch(/ 3 Contacts /); // on the contacts screen
    // Its keys act on that contact: a note.
    await press(app, 'n');
    await waitForFrame(app.lastFrame, (f) => f.includes('Note on Sara Rahimi'));
    app.unmount();
  });
});
