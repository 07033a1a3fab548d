/**
 * NO_COLOR: chalk (inside Ink) does not read NO_COLOR, so the theme must carry no colours at
 * all. Colour is forced on for this file (before Ink loads) so the check can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../../src/domain/contacts.js';
import { tuiSession, waitForFrame } from './helpers.js';

const COLOUR = /\x1b\[(3\d|9\d|4\d|10\d)(;\d+)*m/;

let t: ReturnType<typeof tuiSession>;
beforeAll(() => {
  process.env.FORCE_COLOR = '1';
  t = tuiSession();
});
afterAll(() => t.cleanup());

describe('colour', () => {
  it('uses colour when allowed and none under NO_COLOR (selection in inverse video)', async () => {
    const { render } = await import('ink-testing-library');
    const { App } = await import('../../src/tui/app.js');
    await addContact(t.session, { name: 'Sara Rahimi', email: 'sara@example.com' });
    const frameWith = async (color: boolean) => {
      const app = render(<App session={t.session} color={color} initialScreen="contacts" size={{ columns: 80, rows: 24 }} pollMs={0} tickMs={0} />);
      const f = await waitForFrame(app.lastFrame, (f) => f.includes('Sara'));
      app.unmount();
      return f;
    };
    expect(await frameWith(true)).toMatch(COLOUR);
    const plain = await frameWith(false);
    expect(plain).not.toMatch(COLOUR);
    expect(plain).toMatch(/\x1b\[7m.*Sara Rahimi/);
  });
});
