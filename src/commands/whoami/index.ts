/** `crm whoami`: who is acting (user, role, team, time zone, week start) and on which database. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { ensureIdentity } from '../identity.js';

interface WhoAmI {
  handle: string;
  name: string;
  role: string;
  team: string | null;
  login: string;
  /** The admin acting for this user (--as), else null. */
  actingAdmin: string | null;
  timeZone: string;
  weekStart: string;
  database: string;
}

export function register(noun: Command, ctx: CliContext): void {
  noun.description('who you are acting as: user, role, team, time zone and database');
  examples(noun, ['crm whoami', 'crm whoami --json', 'crm --as sara whoami   # admins: acting for sara']);
  noun.action(async () => {
    const id = await ensureIdentity(ctx);
    const { readDefaults } = await import('../../domain/settings.js');
    const defaults = await readDefaults({ db: ctx.anyDb() });
    const { WEEK_DAYS } = await import('../../domain/users.js');
    const record: WhoAmI = {
      handle: id.user.handle,
      name: id.user.name,
      role: id.user.role,
      team: id.user.team,
      login: ctx.login(),
      actingAdmin: id.principal.onBehalfBy ?? null,
      timeZone: ctx.timeZone,
      weekStart: id.user.week_start ? WEEK_DAYS[id.user.week_start - 1]! : (defaults.weekStart ?? 'monday'),
      database: ctx.anyDb().path,
    };
    printRecord(ctx.out, record, [
      { key: 'handle', label: 'User' },
      { key: 'name', label: 'Name' },
      { key: 'role', label: 'Role' },
      { key: 'team', label: 'Team' },
      { key: 'login', label: 'Login' },
      { key: 'actingAdmin', label: 'Acting admin' },
      { key: 'timeZone', label: 'Time zone' },
      { key: 'weekStart', label: 'Week starts' },
      { key: 'database', label: 'Database' },
    ]);
  });
}
