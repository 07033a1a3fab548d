/** Colour helpers bound to the IOStreams decision (NO_COLOR, FORCE_COLOR, --no-color, TTY). */
import { Chalk, type ChalkInstance } from 'chalk';
import type { IOStreams } from '../io.js';

const withColor = new Chalk({ level: 1 });
const identity = (s: string) => s;

export interface Colors {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
  chalk: ChalkInstance | null;
}

const none: Colors = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity, chalk: null };
const some: Colors = {
  bold: (s) => withColor.bold(s),
  dim: (s) => withColor.gray(s),
  red: (s) => withColor.red(s),
  green: (s) => withColor.green(s),
  yellow: (s) => withColor.yellow(s),
  cyan: (s) => withColor.cyan(s),
  chalk: withColor,
};

export function colors(io: Pick<IOStreams, 'color'>): Colors {
  return io.color ? some : none;
}
