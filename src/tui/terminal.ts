/**
 * The alternate screen, without Ink: `crm tui` enters it (and shows a first line) before Ink and
 * React load, so the terminal answers at once; leaving is idempotent and also runs on process
 * exit as a last resort, so no exit path leaves the terminal in the alternate screen.
 */
export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

export interface AltScreen {
  leave(): void;
}

export function enterAltScreen(stdout: { write(s: string): unknown }, firstLine = ''): AltScreen {
  let inside = true;
  const leave = () => {
    if (!inside) return;
    inside = false;
    process.off('exit', leave);
    stdout.write(LEAVE_ALT_SCREEN);
  };
  process.on('exit', leave);
  stdout.write(ENTER_ALT_SCREEN + firstLine);
  return { leave };
}
