/**
 * Which commands run on PostgreSQL today (issue #15 is ported command by command). One explicit
 * list, checked before a command runs, so nothing half-works silently on a server: every other
 * command exits 1 with one line saying so. Loads nothing of the driver.
 */
import { UserError } from '../../errors.js';

/** `noun verb` (or the noun alone, for nouns without verbs) of every command ported to PostgreSQL. */
export const POSTGRES_COMMANDS: ReadonlySet<string> = new Set([
  'db status',
  'db migrate',
  'user add',
  'user list',
  'user show',
  'user edit',
  'contact add',
  'contact list',
  'contact show',
  'contact edit',
  'contact find',
  'contact archive',
  'contact restore',
  'company add',
  'company list',
  'company show',
  'company edit',
  'company archive',
  'company restore',
  'history',
  'deal add',
  'deal list',
  'deal show',
  'deal edit',
  'deal move',
  'deal win',
  'deal lose',
  'deal reopen',
  'deal archive',
  'deal restore',
  'deal contact add',
  'deal contact remove',
  'deal milestone add',
  'deal milestone done',
  'deal milestone undo',
  'deal reasons',
  'deal reasons add',
  'deal reasons remove',
  'stage list',
  'stage add',
  'stage edit',
  'stage reorder',
  'stage archive',
  'pipeline',
  'pipeline add',
  'pipeline list',
  'activity list',
  'activity show',
  'activity edit',
  'activity delete',
  'log call',
  'log meeting',
  'log email',
  'log note',
  'log touch',
  'task add',
  'task list',
  'task show',
  'task done',
  'task reopen',
  'task edit',
  'task snooze',
  'task export',
  'agenda',
  'campaign add',
  'campaign list',
  'campaign show',
  'campaign edit',
  'quota set',
  'quota list',
  'quota remove',
  'template add',
  'template list',
  'template show',
  'template render',
  'template fields',
  'report pipeline',
  'report win-rate',
  'report cycle',
  'report forecast',
  'report quota',
  'report lost-reasons',
  'report untouched',
  'report activity',
  'report data-quality',
  'report sources',
  'ticket open',
  'ticket list',
  'ticket show',
  'ticket reply',
  'ticket note',
  'ticket message',
  'ticket pending',
  'ticket hold',
  'ticket solve',
  'ticket close',
  'ticket reopen',
  'ticket assign',
  'ticket priority',
  'ticket edit',
  'queue',
  'sla policy add',
  'sla policy list',
  'sla policy show',
  'sla policy edit',
  'sla policy reorder',
  'calendar add',
  'calendar list',
  'calendar show',
  'calendar edit',
  'calendar holiday add',
  'calendar holiday remove',
  'calendar holiday list',
  'report sla',
  'report tickets',
  'export',
  'db backup',
  'db restore',
  'db check',
  'demo',
  'rule add',
  'rule list',
  'rule show',
  'rule edit',
  'rule enable',
  'rule disable',
  'rule remove',
  'rule history',
  'rule apply',
  'rule export',
  'rule test',
  'automate run',
  'inbox',
  'inbox show',
  'inbox read',
]);

/** Commands that never open the database: they run whatever --db names. */
const NEEDS_NO_DATABASE: ReadonlySet<string> = new Set(['help']);

export function needsNoDatabase(command: string): boolean {
  return NEEDS_NO_DATABASE.has(command);
}

/** Commands that open the database without applying migrations first (they report or apply them). */
const OPENS_WITHOUT_MIGRATING: ReadonlySet<string> = new Set([
  'db migrate',
  'db check',
]);

export function opensWithoutMigrating(command: string): boolean {
  return OPENS_WITHOUT_MIGRATING.has(command);
}

export function runsOnPostgres(command: string): boolean {
  return POSTGRES_COMMANDS.has(command);
}

export function notOnPostgres(command: string): UserError {
  const name = command.startsWith('crm ') ? command : `crm ${command}`;
  return new UserError(
    `\`${name}\` does not run on PostgreSQL yet (issue #15).`,
    'Use a SQLite database for it (--db FILE), or see README "Running on PostgreSQL" for what runs today.',
    'not_on_postgres',
  );
}
