/**
 * Entry of `crm tui`: alternate screen in, Ink app, alternate screen out — on every exit path.
 * Ink 6 has no alternate-screen option, so we write the escape sequences ourselves (terminal.ts):
 * enter before the first frame; leave (and show the cursor) on q, Ctrl-C, SIGTERM/SIGHUP, a
 * crash, and, as a last resort, on process exit.
 */
import { render } from 'ink';
import { basename } from 'node:path';
import type { Session } from '../domain/session.js';
import type { Board } from '../domain/board.js';
import { UserError } from '../errors.js';
import { App, isScreenName } from './app.js';
import { enterAltScreen, type AltScreen } from './terminal.js';

export interface RunTuiOptions {
  session: Session;
  color: boolean;
  screen: string;
  env: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  pipeline?: string;
  /** Already entered by the caller (before Ink loaded); else entered here. */
  altScreen?: AltScreen;
  /** The board read before Ink loaded: the first frame shows it. */
  initialBoard?: Board;
}

export async function runTui(opts: RunTuiOptions): Promise<void> {
  if (!isScreenName(opts.screen)) {
    throw new UserError(`Unknown screen "${opts.screen}".`, 'Use --screen board, queue, contacts, agenda or dashboard.', 'usage');
  }
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const alt = opts.altScreen ?? enterAltScreen(stdout);

  let signal: NodeJS.Signals | undefined;
  let crash: unknown;
  const instance = render(<App session={opts.session} color={opts.color} initialScreen={opts.screen} label={opts.session.db.path === ':memory:' ? 'memory' : basename(opts.session.db.path)} pipeline={opts.pipeline} initialBoard={opts.initialBoard} />, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    // Not incrementalRendering: in Ink 6.8 it starts its redraw one line too low after a frame
    // ending in a newline (ours do), leaving stale lines. The standard writer redraws the frame
    // inside synchronized-update sequences, which terminals show without flicker.
    incrementalRendering: false,
    maxFps: 60,
  });
  const onSignal = (sig: NodeJS.Signals) => {
    signal = sig;
    instance.unmount();
  };
  const onCrash = (err: unknown) => {
    crash = err;
    instance.unmount();
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    instance.cleanup();
    alt.leave();
  }
  if (crash) throw crash;
  if (signal) throw new UserError(`crm tui stopped by ${signal}.`, undefined, 'terminated');
}
