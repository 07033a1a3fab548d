/** Turning report flags (--period/--week/--from/--to, --as-of, --owner, --team) into a ReportScope. */
import { sql } from 'kysely';
import { fold } from '../db/fold.js';
import { zonedMidnightUtc } from '../db/filter.js';
import { UsageError, UserError } from '../errors.js';
import type { ReportScope } from '../reports/scope.js';
import { periodFromFlags, parseDay, type PeriodFlags } from './period.js';
import type { Session } from './session.js';
import { currentUser, getUser } from './users.js';

export interface ScopeFlags extends PeriodFlags {
  owner?: string[];
  team?: string;
  asOf?: string;
}

/**
 * --as-of: an ISO instant (2026-10-31T18:00:00Z) is that instant; a bare date (2026-10-31) means
 * the end of that day in the user's zone, so everything that happened that day counts.
 */
export function parseAsOf(text: string, timeZone: string): Date {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const [y, m, d] = parseDay(t, '--as-of');
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return new Date(zonedMidnightUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone));
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const at = new Date(t);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new UsageError(`--as-of "${text}" is not a date or an instant.`, 'Use a date (2026-10-31, the end of that day in your zone) or an instant (2026-10-31T18:00:00Z).');
}

export async function resolveScope(s: Session, flags: ScopeFlags, fallback: 'week' | 'month' | 'quarter' | 'year'): Promise<ReportScope> {
  const now = s.now();
  const asOf = flags.asOf !== undefined ? parseAsOf(flags.asOf, s.timeZone) : now;
  const period = periodFromFlags(flags, asOf, s.timeZone, fallback);
  let ownerIds: number[] | null = null;
  let owners: string[] | null = null;
  if (flags.owner && flags.owner.length) {
    ownerIds = [];
    owners = [];
    for (const ref of flags.owner) {
      if (ref.toLowerCase() === 'me') {
        const me = await currentUser(s);
        if (!me) throw new UserError(`You (${s.actor}) are not a user here, so --owner me matches nothing.`, `Add yourself: crm user add ${s.actor} --name "…", or name an owner: crm user list`);
        ownerIds.push(me.id);
        owners.push(me.handle);
      } else {
        const u = await getUser(s, ref);
        ownerIds.push(u.id);
        owners.push(u.handle);
      }
    }
  }
  let team: string | null = null;
  if (flags.team !== undefined) {
    const members = await s.db.kysely
      .selectFrom('users')
      .select(['id', 'team'])
      .where(sql<string>`crm_fold(coalesce(team, ''))`, '=', fold(flags.team.trim()))
      .execute();
    if (members.length === 0) {
      const teams = await s.db.kysely.selectFrom('users').select('team').distinct().where('team', 'is not', null).orderBy('team').execute();
      throw new UserError(`No team "${flags.team}".`, teams.length ? `Teams: ${teams.map((t) => t.team).join(', ')}` : 'Set teams with: crm user edit HANDLE --team NAME');
    }
    team = members[0]!.team;
    const ids = members.map((m) => m.id);
    ownerIds = ownerIds ? ownerIds.filter((id) => ids.includes(id)) : ids;
  }
  return { period, asOf: asOf.toISOString(), historical: flags.asOf !== undefined, timeZone: s.timeZone, ownerIds, owners, team };
}
