import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite.js';
import { addContact } from '../../src/domain/contacts.js';
import { App, appReducer } from '../../src/tui/app.js';
import { press, tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(() => {
  t = tuiSession();
});
afterEach(() => t.cleanup());

const SIZE = { columns: 80, rows: 24 };

function open(screen: 'contacts' | 'board' | 'queue' | 'agenda' = 'contacts', opts: { color?: boolean; pollMs?: number; size?: { columns: number; rows: number } } = {}) {
  return render(<App session={t.session} color={opts.color ?? false} initialScreen={screen} size={opts.size ?? SIZE} pollMs={opts.pollMs ?? 0} tickMs={0} />);
}

describe('app shell', () => {
  it('app reducer cycles through the screens with tab and back with shift-tab', () => {
    let s = { screen: 'inbox' as const, visited: ['inbox' as const], help: false };
    const next = appReducer(s, { type: 'cycle', by: 1 });
    expect(next.screen).toBe('board');
    expect(next.visited).toEqual(['inbox', 'board']);
    expect(appReducer(next, { type: 'cycle', by: -1 }).screen).toBe('inbox');
  });

  it('fits 80×24: never more lines than the terminal, no line wider than it', async () => {
    for (let i = 0; i < 40; i++) await addContact(t.session, { name: `Person ${i} With A Rather Long Name`, email: `p${i}@very-long-company-domain.example` });
    const app = open();
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Person 0'));
    const lines = f.split('\n');
    expect(lines.length).toBeLessThan(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(f).toContain('40 contacts');
    app.unmount();
  });

  it('adapts to a resize', async () => {
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara.rahimi@a-rather-long-domain-name.example' });
    const app = open('contacts', { size: { columns: 60, rows: 12 } });
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('Sara'));
    expect(f.split('\n').length).toBeLessThan(12);
    expect(f).not.toContain('sara.rahimi@a-rather-long-domain-name.example');
    app.rerender(<App session={t.session} color={false} initialScreen="contacts" size={{ columns: 180, rows: 30 }} pollMs={0} tickMs={0} />);
    f = await waitForFrame(app.lastFrame, (f) => f.includes('sara.rahimi@a-rather-long-domain-name.example'));
    app.unmount();
  });

  it('tab switches screens and ? shows the keys of the current screen', async () => {
    const app = open();
    await waitForFrame(app.lastFrame, (f) => f.includes('No contacts yet'));
    app.stdin.write('?');
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('Contacts keys'));
    expect(f).toContain('search (type any script');
    expect(f).toContain('Everywhere');
    app.stdin.write('\x1b');
    await waitForFrame(app.lastFrame, (f) => !f.includes('Contacts keys'));
    app.stdin.write('\t');
    f = await waitForFrame(app.lastFrame, (f) => !f.includes('No contacts yet'));
    app.unmount();
  });

  it('shows changes made by another process without a restart', async () => {
    const app = open('contacts', { pollMs: 30 });
    await waitForFrame(app.lastFrame, (f) => f.includes('No contacts yet'));
    const other = openDatabase(t.db.path);
    try {
      await addContact({ ...t.session, db: other }, { name: 'Lin Wei', phone: '+86 10 5555 0199' });
    } finally {
      other.close();
    }
    await waitForFrame(app.lastFrame, (f) => f.includes('Lin Wei'));
    app.unmount();
  });
});

describe('contacts screen', () => {
  it('searches as you type, in any script', async () => {
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com' });
    await addContact(t.session, { name: 'سارا رحیمی', phone: '+98 21 5555 0101' });
    await addContact(t.session, { name: 'Lin Wei', phone: '+86 10 5555 0199' });
    const app = open();
    await waitForFrame(app.lastFrame, (f) => f.includes('Lin Wei') && f.includes('Sara Rahimi'));
    await press(app, '/');
    app.stdin.write('rah');
    let f = await waitForFrame(app.lastFrame, (f) => !f.includes('Lin Wei'));
    expect(f).toContain('Sara Rahimi');
    expect(f).toContain('Search: rah');
    app.stdin.write('\x1b');
    await waitForFrame(app.lastFrame, (f) => f.includes('Lin Wei'));
    await press(app, '/');
    app.stdin.write('رحيمي'); // Arabic yeh: folded to match the Persian spelling
    f = await waitForFrame(app.lastFrame, (f) => f.includes('1 contact') && !f.includes('Sara Rahimi'));
    expect(f).toContain('سارا رحیمی');
    app.unmount();
  });

  it('opens a contact and goes back', async () => {
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com', company: 'Acme Ltd', tags: ['vip'] });
    const app = open();
    await waitForFrame(app.lastFrame, (f) => f.includes('Sara Rahimi'));
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('#1 Sara Rahimi'));
    expect(f).toMatch(/Company\s+Acme Ltd/);
    expect(f).toMatch(/Tags\s+vip/);
    app.stdin.write('h');
    await waitForFrame(app.lastFrame, (f) => f.includes('Lifecycle') && !f.includes('#1 Sara'));
    app.unmount();
  });

  it('q quits from the list but is text inside the search field', async () => {
    await addContact(t.session, { name: 'Qasim Ali', email: 'qasim@example.com' });
    const app = open();
    await waitForFrame(app.lastFrame, (f) => f.includes('Qasim'));
    app.stdin.write('/q');
    await waitForFrame(app.lastFrame, (f) => f.includes('Search: q'));
    app.unmount();
  });
});

describe('contacts: logging from the keyboard', () => {
  it('logs a call with a follow-up task and shows both on the timeline', async () => {
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com' });
    const app = open();
    await waitForFrame(app.lastFrame, (f) => f.includes('Sara Rahimi'));
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Timeline: nothing yet'));
    app.stdin.write('c');
    await waitForFrame(app.lastFrame, (f) => f.includes('Log a call with Sara Rahimi'));
    await press(app, 'Discussed pricing');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Follow-up task (optional)'));
    await press(app, 'Send quote');
    app.stdin.write('\r');
    const f = await waitForFrame(app.lastFrame, (f) => f.includes('Logged call #1, follow-up task #2.') && f.includes('Send quote') && !f.includes('Log a call with'));
    expect(f).toMatch(/2026-11-20 17:55 ☎ call\s+Discussed pricing/);
    expect(f).toMatch(/2026-11-21 \d\d:\d\d ☐ task\s+Send quote/);
    app.unmount();
  });

  it('adds a follow-up task with a natural-language due date; esc cancels a form', async () => {
    await addContact(t.session, { name: 'Lin Wei', phone: '+86 10 5555 0199' });
    const app = open();
    await waitForFrame(app.lastFrame, (f) => f.includes('Lin Wei'));
    app.stdin.write('n');
    await waitForFrame(app.lastFrame, (f) => f.includes('Note on Lin Wei'));
    app.stdin.write('\x1b');
    await waitForFrame(app.lastFrame, (f) => !f.includes('Note on Lin Wei'));
    app.stdin.write('t');
    await waitForFrame(app.lastFrame, (f) => f.includes('Follow-up task for Lin Wei'));
    await press(app, 'Send catalogue');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Due: tomorrow'));
    await press(app, '\x15'); // ctrl-u clears the prefilled "tomorrow"
    await press(app, '2026-11-27 09:00');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => /Added task #1 "Send catalogue" due .*2026-11-27 09:00/.test(f));
    app.unmount();
  });
});
