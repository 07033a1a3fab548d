import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, listActivities } from '../../src/domain/activities.js';
import { addContact } from '../../src/domain/contacts.js';
import { addUser } from '../../src/domain/users.js';
import { App } from '../../src/tui/app.js';
import { agendaReducer, initialAgendaState } from '../../src/tui/screens/agenda/state.js';
import { agendaKeyToEvent } from '../../src/tui/screens/agenda/input.js';
import { tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  // 2026-11-20 17:55 UTC
  t = tuiSession();
  await addUser(t.session, { handle: 'tester', name: 'Test User' });
});
afterEach(() => t.cleanup());

const item = (id: number, type: 'task' | 'meeting' = 'task') => ({ type, id, at: '2026-11-20T09:00:00.000Z', title: `item ${id}`, about: null, owner: null, durationMinutes: null });

describe('agenda reducer', () => {
  it('lists overdue first, then today, and keeps the cursor on the same item after a reload', () => {
    const agenda = { owner: 'tester', timeZone: 'UTC', now: '', days: 7, from: '', to: '', overdue: [item(1)], today: [item(2), item(3, 'meeting')], upcoming: [] };
    let s = agendaReducer(initialAgendaState, { type: 'loaded', agenda });
    expect(s.rows.map((r) => `${r.section}:${r.item.id}`)).toEqual(['overdue:1', 'today:2', 'today:3']);
    s = agendaReducer(s, { type: 'move', action: 'down', height: 10 });
    expect(agendaKeyToEvent(s, 'x', {}, 10)).toEqual({ type: 'done', taskId: 2 });
    s = agendaReducer(s, { type: 'loaded', agenda: { ...agenda, overdue: [] } });
    expect(s.rows[s.cursor]!.item.id).toBe(2);
    // A meeting cannot be marked done.
    s = agendaReducer(s, { type: 'move', action: 'last', height: 10 });
    expect(agendaKeyToEvent(s, 'x', {}, 10)).toBe('consume');
  });
});

describe('agenda screen', () => {
  it('shows overdue and today, and marks a task done', async () => {
    const c = await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com' });
    await addTask(t.session, { title: 'Send the quote', due: '2026-11-18 10:00', links: { contact: String(c.id) } });
    await addTask(t.session, { title: 'Call back Sara', due: '2026-11-20 16:00', links: { contact: String(c.id) } });
    const app = render(<App session={t.session} color={false} initialScreen="agenda" size={{ columns: 80, rows: 24 }} pollMs={0} tickMs={0} />);
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Call back Sara'));
    expect(f).toContain('1 overdue · 1 today');
    expect(f.indexOf('Overdue (1)')).toBeLessThan(f.indexOf('Send the quote'));
    expect(f.indexOf('Send the quote')).toBeLessThan(f.indexOf('Today (1)'));
    expect(f).toMatch(/! 2 days ago\s+Send the quote/);
    app.stdin.write('x');
    await waitForFrame(app.lastFrame, (f) => f.includes('Done: task #1 Send the quote') && f.includes('0 overdue'));
    const done = await listActivities(t.session, { scope: 'tasks', status: 'all' });
    expect(done.rows.find((r) => r.id === 1)?.status).toBe('done');
    app.unmount();
  });
});
