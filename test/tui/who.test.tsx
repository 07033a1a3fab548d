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
