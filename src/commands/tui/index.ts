/**
 * crm tui: the full-screen app. Ink and React load here, by dynamic import inside the action,
 * so no other command pays for them.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UsageError, UserError } from '../../errors.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import type { Board } from '../../domain/board.js';

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description('Full-screen terminal app: pipeline board, support queue, contacts, agenda, dashboard')
    .option('--screen <name>', 'screen to open first: board, queue, contacts, agenda, dashboard', 'board')
    .option('--pipeline <name>', 'pipeline shown on the board (default: the default pipeline)');
  examples(noun, ['crm tui', 'crm tui --screen queue', 'crm tui --pipeline Renewals', 'CRM_USER=sara crm tui --db team.db']);
  noun.action(async (opts: { screen: string; pipeline?: string }) => {
    const { isScreenName, SCREENS } = await import('../../tui/screen-names.js');
    if (!isScreenName(opts.screen)) throw new UsageError(`Unknown screen "${opts.screen}".`, `Use --screen ${SCREENS.join(', ')}.`);
    const stdin = ctx.io.stdin as (NodeJS.ReadStream & { isTTY?: boolean }) | undefined;
    if (!ctx.io.isStdoutTTY || !stdin?.isTTY) {
      throw new UserError(
        'crm tui needs an interactive terminal (stdin and stdout must be a TTY).',
        'In scripts use the --json commands instead: crm contact list --json, crm deal list --json, crm ticket list --json, crm agenda --json.',
        'not_a_terminal',
      );
    }
    // Ink renders nothing until exit when it believes it runs in CI (CI=true); with a terminal on
    // both ends a person is watching, so that guess is wrong here.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    const session = sessionOf(ctx);
    if (opts.pipeline !== undefined) {
      // A wrong name is an error here, with the list of pipelines, not an empty board.
      const { getPipeline } = await import('../../domain/pipelines.js');
      await getPipeline(session.db.kysely, opts.pipeline);
    }
    // Answer at once: the alternate screen and a first line before Ink and React load (~0.3–0.8 s).
    const { enterAltScreen } = await import('../../tui/terminal.js');
    const altScreen = enterAltScreen(process.stdout, 'crm — loading…');
    try {
      // The board's data first, while the screen already answers: the first frame Ink draws is
      // the board itself, not a loading frame followed by a second render (#16 item 6).
      let initialBoard: Board | undefined;
      if (opts.screen === 'board') {
        const { loadBoard } = await import('../../domain/board.js');
        initialBoard = await loadBoard(session, { pipeline: opts.pipeline, filter: [], cardsByStage: {} });
      }
      const { runTui } = await import('../../tui/run.js');
      await runTui({ session, color: ctx.io.color, screen: opts.screen, env: ctx.env, altScreen, pipeline: opts.pipeline, initialBoard });
    } finally {
      altScreen.leave();
    }
  });
}
