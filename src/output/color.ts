/**
 * Colour helpers bound to the IOStreams decision (NO_COLOR, FORCE_COLOR, --no-color, TTY).
 *
 * Six basic (16-colour) styles, written out rather than taken from chalk: importing chalk runs
 * its terminal detection and builds every style at start-up, for each command that prints
 * anything, JSON included. The strings are byte for byte what `new Chalk({ level: 1 })` gives,
 * nested styles and line breaks included (test/output/color.test.ts compares them with chalk).
 * The codes are `intended()` sequences: the writer of stdout/stderr lets them through to a
 * terminal, where it removes every escape that came with data.
 */
import type { IOStreams } from '../io.js';
import { hasIntended, intended } from './safe.js';

const identity = (s: string) => s;

export interface Colors {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
}

/** One SGR style as chalk applies it: re-open after an inner close, close and re-open around line breaks. */
function style(openCode: number, closeCode: number): (s: string) => string {
  const open = intended(`\u001B[${openCode}m`);
  const close = intended(`\u001B[${closeCode}m`);
  return (input) => {
    let s = '' + input;
    if (!s) return s;
    if (hasIntended(s)) s = s.split(close).join(close + open);
    if (s.includes('\n')) s = s.replace(/\r?\n/g, (lf) => close + lf + open);
    return open + s + close;
  };
}

const none: Colors = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };
const some: Colors = {
  bold: style(1, 22),
  dim: style(90, 39), // chalk's gray
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
};

export function colors(io: Pick<IOStreams, 'color'>): Colors {
  return io.color ? some : none;
}
