/** The TUI shows who you are: the acting user and role, from the same principal the permission checks use. */
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { App } from '../../src/tui/app.js';
import { tuiSession, waitForFrame } from './helpers.js';

let t: ReturnType<typeof tuiSession>;
beforeEach(() => {
  t = tuiSession();
});
afterEach(() => t.cleanup());

it('the status line names the acting user and role', async () => {
  const session = { ...t.session, actor: 'sara', principal: { userId: 1, handle: 'sara', role: 'rep', team: 'East' } };
  const app = render(<App session={session} color={false} initialScreen="contacts" size={{ columns: 80, rows: 24 }} pollMs={0} tickMs={0} />);
  const f = await waitForFrame(app.lastFrame, (f) => f.includes('sara (rep)'));
  expect(f.split('\n')[0]).toContain('sara (rep)');
  app.unmount();
});

it('hides the keys of changes the acting user may not make, by the permission table: finance reads, a rep logs calls', async () => {
  const { addContact } = await import('../../src/domain/contacts.js');
  await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com' });
  const as = (role: string) => ({ ...t.session, actor: 'fin', principal: { userId: 1, handle: 'fin', role, team: null } });
  const finance = render(<App session={as('finance')} color={false} initialScreen="contacts" size={{ columns: 100, rows: 24 }} pollMs={0} tickMs={0} />);
  let f = await waitForFrame(finance.lastFrame, (f) => f.includes('Sara Rahimi'));
  const footer = (frame: string) => frame.split('\n').find((l) => l.includes('? keys')) ?? '';
  expect(footer(f)).toContain('/ search');
  expect(footer(f)).not.toContain('call');
  expect(footer(f)).not.toContain('+ new');
  finance.stdin.write('c'); // inert: no "log a call" form opens
  finance.stdin.write('?');
  f = await waitForFrame(finance.lastFrame, (f) => f.includes('Contacts keys'));
  expect(f).not.toContain('log a call');
  expect(f).toContain('open contact');
  finance.unmount();

  const rep = render(<App session={as('rep')} color={false} initialScreen="contacts" size={{ columns: 100, rows: 24 }} pollMs={0} tickMs={0} />);
  f = await waitForFrame(rep.lastFrame, (f) => f.includes('Sara Rahimi'));
  expect(footer(f)).toContain('c call');
  expect(footer(f)).toContain('+ new');
  rep.unmount();
});
