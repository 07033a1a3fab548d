import type { CliContext } from '../context.js';
import type { Session } from '../domain/session.js';

/** The domain session of a command: opens the database on first call. */
export function sessionOf(ctx: CliContext): Session {
  return {
    db: ctx.anyDb(),
    now: () => ctx.clock.now(),
    actor: ctx.actor(),
    // Read when a day is cut or a time shown, not before (CliContext.timeZone).
    get timeZone() {
      return ctx.timeZone;
    },
    weekStart: ctx.weekStart,
    principal: ctx.identity?.principal,
  };
}
