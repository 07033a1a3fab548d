/**
 * Psychological notes in the TUI's contact detail (issue 21): shown first, as on `crm contact
 * show`, newest first, with author and time; `p` appends one (through addPsychNote, as `crm
 * contact note --psych` does).
 */
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addContact } from '../../src/domain/contacts.js';
import { addPsychNote, psychNotesOf } from '../../src/domain/psych-notes.js';
import { App } from '../../src/tui/app.js';
import { press, tuiSession, waitForFrame } from './helpers.js';

const NOW = '2026-11-20T17:55:00Z';
const SIZE = { columns: 160, rows: 30 };
let t: ReturnType<typeof tuiSession>;
beforeEach(async () => {
  t = tuiSession(NOW);
  await addContact(t.session, { name: 'Ann Smithers', email: 'ann@example.com' }); // #1
  await addContact(t.session, { name: 'Bob Smith', email: 'bob@example.com', title: 'Buyer' }); // #2
  await addPsychNote(t.session, '2', 'Decides slowly; wants figures in writing');
});
afterEach(() => t.cleanup());

describe('contacts detail: psychological notes', () => {
  it('shows them first and appends one with p', async () => {
    const app = render(<App session={t.session} color={false} initialScreen="contacts" size={SIZE} pollMs={0} tickMs={0} />);
    await waitForFrame(app.lastFrame, (f) => f.includes('Bob Smith'));
    await press(app, 'j');
    await press(app, '\r');
    const detail = await waitForFrame(app.lastFrame, (f) => f.includes('Decides slowly'));
    const lines = detail.split('\n');
    const psych = lines.findIndex((l) => l.includes('Decides slowly; wants figures in writing'));
    expect(lines[psych]).toMatch(/^Psych\s+2026-11-20 17:55 \S+: Decides slowly/);
    // Before every other field of the record.
    expect(psych).toBeLessThan(lines.findIndex((l) => l.startsWith('Title')));
    app.stdin.write('p');
    await waitForFrame(app.lastFrame, (f) => f.includes('Psychological note on Bob Smith'));
    await press(app, 'Prefers calls before 10:00');
    app.stdin.write('\r');
    await waitForFrame(app.lastFrame, (f) => f.includes('Added psychological note #2.') && f.includes('Prefers calls before 10:00'));
    const notes = await psychNotesOf(t.session.db, 2);
    expect(notes.map((n) => n.body)).toEqual(['Prefers calls before 10:00', 'Decides slowly; wants figures in writing']);
    expect(notes[0]!.author).toBe(t.session.actor);
    // Newest first, both shown above the fields.
    const after = app.lastFrame()!.split('\n');
    expect(after.findIndex((l) => l.includes('Prefers calls'))).toBeLessThan(after.findIndex((l) => l.includes('Decides slowly')));
    app.unmount();
  });
});
