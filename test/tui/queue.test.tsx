import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/domain/session.js';
import { addContact } from '../../src/domain/contacts.js';
import { openTicket, showTicket, type TicketRecord } from '../../src/domain/tickets.js';
import { addUser } from '../../src/domain/users.js';
import { App } from '../../src/tui/app.js';
import { queueKeyToEvent } from '../../src/tui/screens/queue/input.js';
import { countdown, initialQueueState, queueReducer, slaMood } from '../../src/tui/screens/queue/state.js';
import { eventLine } from '../../src/tui/screens/queue/view.js';
import { press, tuiSession, waitForFrame } from './helpers.js';

const NOW = '2026-11-20T17:55:00Z';
let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession(NOW);
  await addUser(t.session, { handle: 'tester', name: 'Test Agent', role: 'agent' });
  await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com' });
});
afterEach(() => t.cleanup());

/** Open a ticket as if at another moment (the SLA clock starts at creation). */
async function openAt(at: string, subject: string, priority: string) {
  const s: Session = { ...t.session, now: () => new Date(at) };
  return openTicket(s, { subject, contact: 'bob@example.com', priority });
}

describe('queue state', () => {
  const base = { id: 1, status: 'open', breaching: false, nextDeadline: '2026-11-20T18:30:00Z', version: 3, priority: 'normal', assignee: null } as TicketRecord;
  it('says breached, due within the hour, paused, fine', () => {
    const now = new Date(NOW);
    expect(slaMood({ ...base, breaching: true }, now)).toBe('breached');
    expect(slaMood(base, now)).toBe('soon');
    expect(slaMood({ ...base, nextDeadline: '2026-11-20T20:00:00Z' }, now)).toBe('ok');
    expect(slaMood({ ...base, status: 'pending', nextDeadline: null }, now)).toBe('paused');
  });

  it('counts down to the second, and past the deadline', () => {
    expect(countdown('2026-11-20T18:30:07Z', new Date(NOW))).toBe('35m 07s');
    expect(countdown('2026-11-20T20:00:00Z', new Date(NOW))).toBe('2h 05m');
    expect(countdown('2026-11-20T17:00:00Z', new Date(NOW))).toBe('-55m 00s');
    expect(countdown('2026-11-23T18:00:00Z', new Date(NOW))).toBe('3d 0h');
  });

  it('p sets pending, s solves; inside a reply form every key is text', () => {
    const s = queueReducer(initialQueueState, { type: 'loaded', rows: [{ ...base, subject: 'x' }] });
    const shown = { id: 1, subject: 'x', version: 3, status: 'open', assignee: null, priority: 'normal' };
    expect(queueKeyToEvent(s, 'p', {}, 10)).toEqual({ type: 'status', ticket: shown, to: 'pending' });
    expect(queueKeyToEvent(s, 's', {}, 10)).toEqual({ type: 'status', ticket: shown, to: 'solved' });
    const reply = queueKeyToEvent(s, 'r', {}, 10);
    const inForm = queueReducer(s, reply as never);
    expect(queueKeyToEvent(inForm, 's', {}, 10)).toMatchObject({ type: 'prompt-update', prompt: { text: 's' } });
  });
});

describe('queue screen', () => {
  it('orders by next SLA deadline, marks breached and due-soon tickets, and counts down live', async () => {
    await openAt('2026-11-20T17:50:00Z', 'Printer on fire', 'urgent');
    await openAt('2026-11-19T09:00:00Z', 'Invoice wrong', 'urgent');
    await openAt('2026-11-20T17:00:00Z', 'Manual please', 'low');
    let clock = new Date(NOW);
    const session: Session = { ...t.session, now: () => clock };
    const app = render(<App session={session} color={false} initialScreen="queue" size={{ columns: 100, rows: 24 }} pollMs={0} tickMs={20} />);
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Printer on fire') && f.includes('Manual please'));
    const order = ['Invoice wrong', 'Printer on fire', 'Manual please'].map((s) => f.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(f).toMatch(/!! #2 .*Invoice wrong/);
    expect(f).toMatch(/! {2}#1 .*55m 00s .*Printer on fire/);
    expect(f).toContain('3 unsolved · 1 breached · 1 due within the hour');
    clock = new Date(Date.parse(NOW) + 3000);
    await waitForFrame(app.lastFrame, (f) => f.includes('54m 57s'));
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    app.unmount();
  });

  it('assigns to me, replies, sets pending and solves from the keyboard', async () => {
    await openAt('2026-11-20T17:50:00Z', 'Printer on fire', 'urgent');
    const app = render(<App session={t.session} color={false} initialScreen="queue" size={{ columns: 100, rows: 24 }} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Printer on fire'));
    app.stdin.write('a');
    await waitForFrame(app.lastFrame, (f) => f.includes('Assign #1 Printer on fire'));
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Ticket #1 assigned to tester.') && /Printer on fire\s+Bob Smith\s+tester/.test(f));
    app.stdin.write('r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Public reply on #1'));
    await press(app, 'On our way');
    app.stdin.write('\x13');
    await waitForFrame(app.lastFrame, (f) => f.includes('Replied on ticket #1.'));
    app.stdin.write('p');
    await waitForFrame(app.lastFrame, (f) => f.includes('Ticket #1 is pending (SLA clock paused).') && /‖ {2}#1 .*paused/.test(f));
    app.stdin.write('\r');
    const d = await waitForFrame(app.lastFrame, (f) => f.includes('Ticket #1 Printer on fire') && f.includes('Events'));
    expect(d).toMatch(/First reply\s+met/);
    expect(d).toMatch(/Resolution\s+paused/);
    expect(d).toMatch(/reply\s+tester\s+On our way/);
    app.stdin.write('s');
    await waitForFrame(app.lastFrame, (f) => f.includes('Ticket #1 is solved.'));
    expect((await showTicket(t.session, 1)).status).toBe('solved');
    app.stdin.write('\x1b');
    await waitForFrame(app.lastFrame, (f) => f.includes('0 unsolved'));
    app.unmount();
  });
});

describe('queue detail event lines', () => {
  it('shows an edit as field: old → new, like crm ticket show', () => {
    const base = { id: 1, at: '2026-11-20T09:00:00.000Z', actor: 'anna' };
    const edit = eventLine({ ...base, kind: 'edit', body: 'subject', from: 'Printer  broken', to: 'Printer on fire' } as never, 120, 'UTC');
    expect(edit).toContain('subject: Printer broken → Printer on fire');
    const cleared = eventLine({ ...base, kind: 'edit', body: 'tags', from: 'vip, urgent', to: null } as never, 120, 'UTC');
    expect(cleared).toContain('tags: vip, urgent → —');
    expect(eventLine({ ...base, kind: 'status', body: null, from: 'open', to: 'solved' } as never, 120, 'UTC')).toContain('open → solved');
  });
});

describe('the queue after its own action', () => {
  it('takes the version its write left, so the next key is not refused as someone else’s change', () => {
    const row = { id: 1, subject: 'Printer on fire', version: 3, status: 'open', assignee: null, priority: 'urgent' } as unknown as TicketRecord;
    const other = { ...row, id: 2, subject: 'Other', version: 7 } as TicketRecord;
    let s = queueReducer(initialQueueState, { type: 'loaded', rows: [row, other] });
    s = queueReducer(s, { type: 'open' });
    const after = queueReducer(s, { type: 'acted', ticket: { ...row, version: 4, assignee: 'tester' } });
    expect(after.rows.map((r) => [r.id, r.version, r.assignee])).toEqual([
      [1, 4, 'tester'],
      [2, 7, null],
    ]);
    expect(after.open).toMatchObject({ id: 1, version: 4, assignee: 'tester' });
  });
});
