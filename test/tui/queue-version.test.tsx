/**
 * The queue acts on the ticket as it showed it: reply, note, assign, pending and solve go to the
 * ticket the prompt (or the detail) was opened for, whatever the cursor is on by then, and pass
 * its version; a ticket changed by someone else since is refused (nothing written), explained
 * in the status line, and reloaded. A refused reply or note comes back in its form.
 */
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCompany, editCompany } from '../../src/domain/companies.js';
import { addContact } from '../../src/domain/contacts.js';
import type { Session } from '../../src/domain/session.js';
import { latestTicketState } from '../../src/domain/ticket-latest.js';
import { assignTicket, listTickets, messageOnTicket, noteOnTicket, openTicket, replyToTicket, setTicketStatus, showTicket } from '../../src/domain/tickets.js';
import { addUser } from '../../src/domain/users.js';
import { App } from '../../src/tui/app.js';
import { ticketStaleMessage } from '../../src/tui/screens/queue/conflict.js';
import { queueKeyToEvent } from '../../src/tui/screens/queue/input.js';
import { actionTarget, initialQueueState, queueReducer, selectedTicket, type QueueState } from '../../src/tui/screens/queue/state.js';
import { asOther, press, tick, tuiSession, waitForFrame } from './helpers.js';

const NOW = '2026-11-20T17:55:00Z';
let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession(NOW);
  await addUser(t.session, { handle: 'tester', name: 'Test Agent', role: 'agent' });
  await addUser(t.session, { handle: 'anna', name: 'Anna Keller', role: 'agent' });
  await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com' });
});
afterEach(() => t.cleanup());

/** Anna, on another connection to the same file (a colleague's terminal). */
const asAnna = <T,>(fn: (s: Session) => Promise<T>) => asOther(t.session, 'anna', fn);

/** Open a ticket as if at another moment (the SLA clock starts at creation). */
async function openAt(at: string, subject: string, priority: string, company?: string, s: Session = t.session) {
  return openTicket({ ...s, now: () => new Date(at) }, { subject, contact: 'bob@example.com', priority, company });
}

/** Printer on fire (#1, due soonest) above Manual please (#2). */
async function seed() {
  await openAt('2026-11-20T17:50:00Z', 'Printer on fire', 'urgent');
  await openAt('2026-11-20T17:00:00Z', 'Manual please', 'low');
}

async function loadedState(): Promise<QueueState> {
  return queueReducer(initialQueueState, { type: 'loaded', rows: (await listTickets(t.session, { sort: 'deadline' })).rows });
}

const kinds = async (id: number) => (await showTicket(t.session, id)).events.map((e) => `${e.kind} ${e.actor}${e.body && e.kind !== 'created' ? ` ${e.body}` : ''}`);

describe('queue: the ticket and version in the reducer and commands', () => {
  it('rows carry their version; keys pass the ticket as shown, not as the database has it now', async () => {
    await seed();
    const s = await loadedState();
    expect(selectedTicket(s)).toMatchObject({ id: 1, version: 1 });
    await asAnna((x) => noteOnTicket(x, 1, 'Checked the toner'));
    expect(queueKeyToEvent(s, 's', {}, 10)).toEqual({ type: 'status', ticket: { id: 1, subject: 'Printer on fire', version: 1, status: 'new', assignee: null, priority: 'urgent' }, to: 'solved' });
    const reloaded = queueReducer(s, { type: 'loaded', rows: (await listTickets(t.session, { sort: 'deadline' })).rows });
    expect(queueKeyToEvent(reloaded, 's', {}, 10)).toMatchObject({ ticket: { id: 1, version: 2 } });
  });

  it('the reply prompt sends to the ticket it was opened for, even when a reload put the cursor on another', async () => {
    await seed();
    let s = await loadedState();
    const opened = queueKeyToEvent(s, 'r', {}, 10);
    expect(opened).toMatchObject({ type: 'prompt-open', ticket: { id: 1, version: 1 }, prompt: { title: 'Public reply on #1 Printer on fire' } });
    s = queueReducer(s, opened as never);
    for (const ch of 'On it') s = queueReducer(s, queueKeyToEvent(s, ch, {}, 10) as never);
    // A new, breached ticket sorts on top, and #1 drops out of the list.
    await asAnna((x) => openAt('2026-11-19T09:00:00Z', 'Server down', 'urgent', undefined, x));
    const rows = (await listTickets(t.session, { sort: 'deadline' })).rows;
    s = queueReducer(s, { type: 'loaded', rows: rows.filter((r) => r.id !== 1) });
    expect(selectedTicket(s)?.id).toBe(3);
    expect(queueKeyToEvent(s, 's', { ctrl: true }, 10)).toEqual({ type: 'submit', ticket: expect.objectContaining({ id: 1, version: 1 }), kind: 'reply', text: 'On it' });
    s = queueReducer(s, { type: 'prompt-close' });
    expect(s.promptFor).toBeNull();
  });

  it('in the detail, actions act on the ticket as the detail last loaded it, listed or not', async () => {
    await seed();
    let s = queueReducer(await loadedState(), { type: 'open' });
    expect(s.open).toMatchObject({ id: 1, version: 1 });
    s = queueReducer(s, { type: 'detail', ticket: { id: 1, subject: 'Printer on fire', version: 4, status: 'solved', assignee: 'anna', priority: 'urgent' } });
    s = queueReducer(s, { type: 'detail', ticket: { id: 2, subject: 'Manual please', version: 9, status: 'open', assignee: null, priority: 'low' } }); // not the open one
    s = queueReducer(s, { type: 'loaded', rows: s.rows.filter((r) => r.id !== 1) });
    expect(actionTarget(s)).toMatchObject({ id: 1, version: 4 });
    expect(queueKeyToEvent(s, 'p', {}, 10)).toMatchObject({ type: 'status', ticket: { id: 1, version: 4 }, to: 'pending' });
    expect(queueKeyToEvent(s, 'n', {}, 10)).toMatchObject({ type: 'prompt-open', ticket: { id: 1, version: 4 } });
    expect(queueReducer(s, { type: 'close' }).open).toBeNull();
  });

  it('after a refusal the next load puts the cursor on the refused ticket', async () => {
    await seed();
    let s = await loadedState();
    s = queueReducer(s, { type: 'focus', ticketId: 2 });
    s = queueReducer(s, { type: 'loaded', rows: s.rows });
    expect(selectedTicket(s)?.id).toBe(2);
    expect(s.focusId).toBeNull();
  });

  it('says what the ticket is now, who changed it, and what became of the action', async () => {
    await seed();
    const shown = { id: 1, subject: 'Printer on fire', version: 1, status: 'new' as const, assignee: null, priority: 'urgent' };
    const reachable = { reachable: true, kept: false };
    await asAnna((x) => replyToTicket(x, 1, 'Looking into it'));
    expect(ticketStaleMessage(shown, await latestTicketState(t.session, 1), 'solve', reachable)).toBe('Ticket #1 changed meanwhile (reply by anna, now open) — reloaded; press s again to solve it.');
    await asAnna((x) => setTicketStatus(x, 1, 'solved'));
    expect(ticketStaleMessage(shown, await latestTicketState(t.session, 1), 'reply', reachable)).toBe('Your reply was not sent: ticket #1 changed meanwhile (now solved, by anna) — reloaded; press r again to reply.');
    expect(ticketStaleMessage(shown, await latestTicketState(t.session, 1), 'note', { reachable: false, kept: true })).toBe('Your note was not sent: ticket #1 changed meanwhile (now solved, by anna) — it is back in the form.');
    expect(ticketStaleMessage(shown, await latestTicketState(t.session, 1), 'solve', { reachable: false, kept: false })).toBe('Ticket #1 changed meanwhile (now solved, by anna) — reloaded.');
    await asAnna((x) => messageOnTicket(x, 1, 'Still broken'));
    expect(ticketStaleMessage({ ...shown, status: 'solved' }, await latestTicketState(t.session, 1), 'pending', { reachable: false, kept: false })).toBe(
      'Ticket #1 changed meanwhile (new message from bob@example.com, now open) — reloaded; it is no longer in the list.',
    );
    await asAnna((x) => assignTicket(x, 2, 'anna'));
    const manual = { ...shown, id: 2, subject: 'Manual please', priority: 'low' };
    expect(ticketStaleMessage(manual, await latestTicketState(t.session, 2), 'assign', reachable)).toBe('Ticket #2 changed meanwhile (taken by anna) — reloaded; press a again to assign it.');
    await asAnna((x) => assignTicket(x, 2, 'tester'));
    expect(ticketStaleMessage(manual, await latestTicketState(t.session, 2), 'pending', reachable)).toBe('Ticket #2 changed meanwhile (now assigned to tester, by anna) — reloaded; press p again to set it pending.');
    await asAnna((x) => setTicketStatus(x, 2, 'solved').then(() => setTicketStatus(x, 2, 'closed')));
    expect(ticketStaleMessage(manual, await latestTicketState(t.session, 2), 'reply', reachable)).toBe('Your reply was not sent: ticket #2 changed meanwhile (now closed, by anna) — reloaded; closed tickets are final.');
    expect(ticketStaleMessage(manual, await latestTicketState(t.session, 2), 'solve', reachable)).toBe('Ticket #2 changed meanwhile (now closed, by anna) — reloaded.');
    expect(ticketStaleMessage(manual, null, 'solve', reachable)).toBe('Ticket #2 no longer exists — reloaded.');
    expect(ticketStaleMessage(manual, null, 'note', reachable)).toBe('Your note was not sent: ticket #2 no longer exists.');
    expect(await latestTicketState(t.session, 99)).toBeNull();
  });
});

describe('queue screen: the list changes while a prompt is open', () => {
  it('a reload that drops the ticket and puts a new one on top: the reply still goes to the ticket it was opened for', async () => {
    await addCompany(t.session, { name: 'Acme Ltd' });
    await addCompany(t.session, { name: 'Acme Widgets' });
    await openAt('2026-11-20T17:50:00Z', 'Printer on fire', 'urgent', 'Acme Widgets');
    await openAt('2026-11-20T17:00:00Z', 'Manual please', 'low', 'Acme Ltd');
    // Live reload on, as in a real terminal.
    const app = render(<App session={t.session} color={false} initialScreen="queue" size={{ columns: 120, rows: 30 }} pollMs={20} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Printer on fire') && f.includes('Manual please'));
    await press(app, '/');
    await press(app, 'company:acme');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Filter: company:acme'));
    app.stdin.write('r'); // on Printer on fire, the top row
    await waitForFrame(app.lastFrame, (f) => f.includes('Public reply on #1 Printer on fire'));
    await press(app, 'On our way');
    // Meanwhile: #1's company is renamed (so the filter drops #1, its version unchanged) and a
    // breached ticket arrives at the top. The live reload lands while the form is open.
    await asAnna(async (x) => {
      await editCompany(x, 'Acme Widgets', { name: 'Widgets Inc' });
      await openAt('2026-11-19T09:00:00Z', 'Server down', 'urgent', 'Acme Ltd', x);
    });
    await tick(300);
    app.stdin.write('\x13');
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Replied on ticket #1.') && f.includes('Server down'));
    expect(f).not.toContain('Printer on fire');
    expect(await kinds(1)).toContain('reply tester On our way');
    expect((await kinds(3)).filter((k) => k.startsWith('reply'))).toEqual([]);
    expect((await kinds(2)).filter((k) => k.startsWith('reply'))).toEqual([]);
    app.unmount();
  });
});

describe('queue screen: a ticket changed by someone else after the queue drew it', () => {
  // Wide enough for the whole status line; live reload off, so the queue keeps what it drew.
  const SIZE = { columns: 130, rows: 30 };
  const statusLine = (f: string) => f.split('\n').at(-1) ?? '';

  async function queue() {
    await seed();
    const app = render(<App session={t.session} color={false} initialScreen="queue" size={SIZE} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Printer on fire') && f.includes('Manual please'));
    return app;
  }

  it('s refuses, writes nothing, says so and reloads; s again solves it', async () => {
    const app = await queue();
    await asAnna((s) => replyToTicket(s, 1, 'Looking into it'));
    expect(app.lastFrame()).toMatch(/#1 .*new .*Printer on fire/); // still what it drew
    const before = await kinds(1);
    app.stdin.write('s');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && /#1 .*open .*Printer on fire .*anna/.test(f));
    expect(statusLine(f)).toContain('Ticket #1 changed meanwhile (reply by anna, now open) — reloaded; press s again to solve it.');
    expect(await kinds(1)).toEqual(before);
    expect((await showTicket(t.session, 1)).status).toBe('open');
    app.stdin.write('s');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Ticket #1 is solved.') && !f.includes('Printer on fire'));
    expect((await kinds(1)).at(-1)).toBe('status tester');
    app.unmount();
  });

  it('a reply refused because the ticket was solved meanwhile comes back in its form; ctrl-s then sends it', async () => {
    const app = await queue();
    app.stdin.write('r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Public reply on #1 Printer on fire'));
    await press(app, 'On our way');
    await asAnna((s) => setTicketStatus(s, 1, 'solved'));
    app.stdin.write('\x13');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && f.includes('Public reply on #1'));
    expect(statusLine(f)).toContain('Your reply was not sent: ticket #1 changed meanwhile (now solved, by anna) — it is back in the form.');
    expect(f).toMatch(/Reply:\s*│?\n│\s*On our way/);
    expect(f).toContain('Not sent: the ticket changed meanwhile. ctrl-s sends it now, esc drops it.');
    expect((await kinds(1)).filter((k) => k.startsWith('reply'))).toEqual([]);
    app.stdin.write('\x13');
    const sent = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Replied on ticket #1.'));
    expect(sent).not.toContain('Printer on fire'); // solved: no longer in the queue
    expect((await kinds(1)).filter((k) => k.startsWith('reply'))).toEqual(['reply tester On our way']);
    expect((await kinds(2)).filter((k) => k.startsWith('reply'))).toEqual([]);
    app.unmount();
  });

  it('esc drops a reply given back', async () => {
    const app = await queue();
    app.stdin.write('n');
    await waitForFrame(app.lastFrame, (f) => f.includes('Internal note on #1'));
    await press(app, 'Toner checked');
    await asAnna((s) => assignTicket(s, 1, 'anna'));
    app.stdin.write('\x13');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Your note was not sent: ticket #1 changed meanwhile (taken by anna) — it is back in the form.') && /Note:\s*│?\n│\s*Toner checked/.test(f));
    app.stdin.write('\x1b');
    await waitForFrame(app.lastFrame, (f) => /Printer on fire\s+Bob Smith\s+anna/.test(f));
    expect((await kinds(1)).filter((k) => k.startsWith('note'))).toEqual([]);
    app.unmount();
  });

  it('in the detail, p on a ticket taken meanwhile refuses and the detail shows it now; p again sets it pending', async () => {
    const app = await queue();
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Ticket #1 Printer on fire') && f.includes('unassigned'));
    await asAnna((s) => assignTicket(s, 1, 'anna'));
    app.stdin.write('p');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && f.includes('assigned to anna'));
    expect(statusLine(f)).toContain('Ticket #1 changed meanwhile (taken by anna) — reloaded; press p again to set it pending.');
    expect((await showTicket(t.session, 1)).status).toBe('new');
    app.stdin.write('p');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Ticket #1 is pending (SLA clock paused).'));
    expect((await showTicket(t.session, 1)).status).toBe('pending');
    app.unmount();
  });

  it('a ticket solved meanwhile: s refuses, the ticket leaves the list, and the message does not offer s again', async () => {
    const app = await queue();
    await press(app, 'j'); // Manual please
    await asAnna((s) => setTicketStatus(s, 2, 'solved'));
    app.stdin.write('s');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('changed meanwhile') && !f.includes('Manual please'));
    expect(statusLine(f)).toMatch(/Ticket #2 changed meanwhile \(now solved, by anna\) — reloaded\.\s*$/);
    expect((await kinds(2)).filter((k) => k.startsWith('status'))).toEqual(['status anna']);
    app.unmount();
  });

  it('p s typed at once: pending, then solved (the s waits for the p to be written)', async () => {
    const app = await queue();
    app.stdin.write('ps');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Ticket #1 is solved.') && !f.includes('Printer on fire'));
    expect(statusLine(app.lastFrame()!)).not.toContain('changed meanwhile');
    expect((await kinds(1)).filter((k) => k.startsWith('status'))).toEqual(['status tester', 'status tester']);
    expect((await showTicket(t.session, 1)).status).toBe('solved');
    app.unmount();
  });

  it('the normal path: a note from the detail goes on the ticket shown', async () => {
    const app = await queue();
    await press(app, 'j');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Ticket #2 Manual please') && f.includes('Events'));
    app.stdin.write('n');
    await waitForFrame(app.lastFrame, (f) => f.includes('Internal note on #2 Manual please'));
    await press(app, 'Sent the PDF');
    app.stdin.write('\x13');
    await waitForFrame(app.lastFrame, (f) => statusLine(f).includes('Internal note added to ticket #2.') && /note\s+tester\s+Sent the PDF/.test(f));
    expect((await kinds(2)).at(-1)).toBe('note tester Sent the PDF');
    expect((await kinds(1)).filter((k) => k.startsWith('note'))).toEqual([]);
    app.unmount();
  });

  it('keeps to one status line at 80 columns', async () => {
    await seed();
    const app = render(<App session={t.session} color={false} initialScreen="queue" size={{ columns: 80, rows: 24 }} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Printer on fire'));
    await asAnna((s) => messageOnTicket(s, 1, 'Any news?'));
    app.stdin.write('s');
    const f = await waitForFrame(app.lastFrame, (f) => statusLine(f).startsWith('Ticket #1 changed meanwhile (new message from bob@example.com)'));
    expect(f.split('\n').length).toBeLessThan(24);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    app.unmount();
  });
});
