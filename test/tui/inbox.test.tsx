/** The TUI's unread badge (on the Inbox tab) and the inbox screen, at 80×24. */
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addRule } from '../../src/automation/rules.js';
import { runAutomation } from '../../src/automation/engine.js';
import { addContact } from '../../src/domain/contacts.js';
import { addDeal } from '../../src/domain/deals.js';
import { addUser } from '../../src/domain/users.js';
import { App } from '../../src/tui/app.js';
import { press, tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(() => {
  t = tuiSession();
});
afterEach(() => t.cleanup());

const SIZE = { columns: 80, rows: 24 };

describe('inbox in the TUI', () => {
  it('the header counts unread notifications; Enter marks one read; a contact opens on the contacts screen', async () => {
    await addUser(t.session, { handle: 'tester', name: 'Tess Tester', role: 'manager' });
    await addRule(t.session, { name: 'new-deal', on: 'deal.created', actions: [{ notify: 'owner', message: '{{deal.title}} is yours' }], enabled: true });
    await addRule(t.session, { name: 'new-contact', on: 'contact.created', actions: [{ notify: 'owner' }], enabled: true });
    await addDeal(t.session, { title: 'Acme renewal', amount: '1200 EUR', owner: 'tester' });
    await addContact(t.session, { name: 'Lin Wei', email: 'lin@example.com', owner: 'tester' });
    expect((await runAutomation(t.session)).fired).toHaveLength(2);

    const app = render(<App session={t.session} color={false} initialScreen="inbox" size={SIZE} pollMs={0} tickMs={0} />);
    let f = await waitForFrame(app.lastFrame, (f) => f.includes('6 Inbox (2)') && f.includes('Inbox · 2 unread'));
    expect(f).toContain('new-deal: deal #1 Acme renewal');
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThan(24);
    // The newest (the contact) is first: Enter marks it read and opens the contact.
    await press(app, '\r');
    f = await waitForFrame(app.lastFrame, (f) => f.includes('6 Inbox (1)') && f.includes('Lin Wei'));
    await press(app, '6');
    await press(app, 'a');
    // The badge reloads after the list (both follow the write): wait for both.
    f = await waitForFrame(app.lastFrame, (f) => f.includes('Inbox · 0 unread') && !f.includes('Inbox ('));
    expect(f).toContain('6 Inbox ');
    app.unmount();
  });
});
