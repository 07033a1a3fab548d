/**
 * What every report is computed over: a period (half-open UTC range cut in the user's zone),
 * the instant it is computed as of, and an optional set of owners (--owner / --team) — and the
 * one resolver that turns the flags (--period/--week/--from/--to, --as-of, --owner, --team) into it.
 */
import { zonedDate, zonedDay, zonedMidnightUtc } from '../db/filter.js';
import { UsageError, UserError } from '../errors.js';
import { periodFromFlags, parseDay, type Period, type PeriodFlags } from '../domain/period.js';
import type { Session } from '../domain/session.js';
import type { FxConverter } from '../domain/fx.js';
import { currentUser, getUser } from '../domain/users.js';
import type { ReportScopeInfo } from './model.js';
import { teamMembers, teamNames } from './query.js';

export interface ReportScope {
  period: Period;
  /** The instant the report is computed as of (ISO UTC): now, or --as-of. */
  asOf: string;
  /** Whether --as-of was given: queries then rebuild state from history instead of current columns. */
  historical: boolean;
  timeZone: string;
  /** Whether the period was named (--period/--week/--from/--to) rather than the default. */
  periodGiven?: boolean;
  /** users.id to include; null = everyone. */
  ownerIds: number[] | null;
  /** Handles named by --owner (for the header). */
  owners: string[] | null;
  team: string | null;
  /** --in CUR: every amount converted into one currency at its own date (src/reports/fx.ts); null = per currency. */
  fx?: FxConverter | null;
}

export function scopeInfo(scope: ReportScope, withPeriod = true): ReportScopeInfo {
  return {
    period: withPeriod ? { label: scope.period.label, start: scope.period.start, end: scope.period.end } : null,
    asOf: scope.asOf,
    timeZone: scope.timeZone,
    owners: scope.owners,
    team: scope.team,
  };
}

/**
 * The exclusive end of the window that counts: the period's end, or just after the as-of instant
 * if that is earlier (so something that happened exactly at the as-of instant counts).
 */
export function effectiveEnd(scope: ReportScope, period: Period = scope.period): string {
  const justAfter = new Date(Date.parse(scope.asOf) + 1).toISOString();
  return period.end < justAfter ? period.end : justAfter;
}

/** "[2026-10-01 00:00, 2027-01-01 00:00) in Europe/Berlin" — for explanations. */
export function describePeriod(scope: ReportScope, period: Period = scope.period): string {
  return `${period.label}, from ${period.start} (inclusive) to ${period.end} (exclusive), UTC instants of midnight in ${scope.timeZone}`;
}

/** "sara, team East" — whom --owner/--team narrowed the report to; null when everyone. */
export function scopeOwners(scope: ReportScope): string | null {
  if (scope.ownerIds === null) return null;
  return [...(scope.owners ?? []), ...(scope.team ? [`team ${scope.team}`] : [])].join(', ');
}

export function describeScope(scope: ReportScope): string {
  const parts: string[] = [];
  parts.push(
    scope.historical
      ? `Computed as of ${scope.asOf}: only records that existed then, each deal in the stage it had then (from deal_stage_history), won/lost only if won_at/lost_at is at or before that instant. Amounts, owners and expected close dates are their current values.`
      : `Computed as of ${scope.asOf} (now) from the current state of each record.`,
  );
  if (scope.owners) parts.push(`Only records owned by ${scope.owners.join(', ')}.`);
  if (scope.team) parts.push(`Only records owned by members of team ${scope.team}.`);
  parts.push('Archived records are left out. Money is summed per currency in integer minor units; currencies are never mixed.');
  return parts.join('\n');
}

export interface ScopeFlags extends PeriodFlags {
  owner?: string[];
  team?: string;
  asOf?: string;
  /** --in CUR, or --in alone (true) for the home currency. */
  in?: string | true;
}

/**
 * --as-of: an ISO instant (2026-10-31T18:00:00Z) is that instant; a bare date (2026-10-31) means
 * the end of that day in the user's zone, so everything that happened that day counts.
 */
export function parseAsOf(text: string, timeZone: string): Date {
  const t = text.trim();
  if (isBareDate(t)) {
    const [y, m, d] = parseDay(t, '--as-of');
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return new Date(zonedMidnightUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone));
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const at = new Date(t);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new UsageError(`--as-of "${text}" is not a time (a date or an instant).`, 'Use a date (2026-10-31, the end of that day in your zone) or an instant (2026-10-31T18:00:00Z).');
}

function isBareDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
}

/**
 * --as-of as the resolver reads it: the strict forms of parseAsOf, else words such as
 * "yesterday", "last friday 18:00" or "2026-11-15 18:00" (wall-clock time in the zone; chrono and
 * luxon load only then). `day`: a day was named, and `at` is the end of it (the next midnight).
 */
export async function resolveAsOf(text: string, now: Date, timeZone: string): Promise<{ at: Date; day: boolean }> {
  try {
    return { at: parseAsOf(text, timeZone), day: isBareDate(text) };
  } catch (strict) {
    const { parseWhen } = await import('../domain/dates.js');
    const when = await parseWhen(text, { now, timeZone, what: '--as-of', defaultTime: { hour: 0, minute: 0 } }).catch(() => {
      throw strict;
    });
    if (when.hasTime) return { at: new Date(when.iso), day: false };
    const z = zonedDate(new Date(when.iso), timeZone);
    const next = new Date(Date.UTC(z.y, z.m - 1, z.d + 1));
    return { at: new Date(zonedMidnightUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone)), day: true };
  }
}

export type PeriodDefault = 'week' | 'month' | 'quarter' | 'year';

export async function resolveScope(s: Session, flags: ScopeFlags, fallback: PeriodDefault): Promise<ReportScope> {
  const now = s.now();
  const given = flags.asOf !== undefined ? await resolveAsOf(flags.asOf, now, s.timeZone) : null;
  const asOf = given?.at ?? now;
  // The period is picked around the as-of moment; a named day is the end of it (the next
  // midnight, exclusive), so --as-of 2026-12-31 picks 2026-12 / 2026-Q4 / 2026, never January.
  const reference = given?.day ? new Date(asOf.getTime() - 1) : asOf;
  const period = periodFromFlags(flags, reference, s.timeZone, fallback, s.weekStart);
  const periodGiven = [flags.period, flags.week, flags.from, flags.to].some((v) => v !== undefined);
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
    const members = await teamMembers(s, flags.team);
    if (members.length === 0) {
      const teams = await teamNames(s);
      throw new UserError(`No team "${flags.team}".`, teams.length ? `Teams: ${teams.join(', ')}` : 'Set teams with: crm user edit HANDLE --team NAME');
    }
    team = members[0]!.team;
    const ids = members.map((m) => m.id);
    ownerIds = ownerIds ? ownerIds.filter((id) => ids.includes(id)) : ids;
  }
  const fx = flags.in !== undefined ? await resolveFx(s, flags.in, asOf) : null;
  return { period, periodGiven, asOf: asOf.toISOString(), historical: flags.asOf !== undefined, timeZone: s.timeZone, ownerIds, owners, team, fx };
}

/** --in: the named currency, or the home currency (crm config set currency USD) for a bare --in. */
async function resolveFx(s: Session, flag: string | true, asOf: Date): Promise<FxConverter> {
  let target = flag;
  if (target === true) {
    const { readDefaults } = await import('../domain/settings.js');
    const home = (await readDefaults(s)).currency;
    if (!home) throw new UsageError('--in without a currency needs a home currency, and none is set.', 'Set one: crm config set currency USD — or name it: --in USD');
    target = home;
  }
  const { loadFxConverter } = await import('../domain/fx.js');
  return loadFxConverter(s, target, zonedDay(asOf.toISOString(), s.timeZone));
}

/**
 * The as-of day in the zone (YYYY-MM-DD), for records dated by day (orders, invoices, payments):
 * today, or the day --as-of names (a named day is the next midnight: the day that just ended).
 */
export function asOfDay(scope: ReportScope): string {
  return zonedDay(scope.historical ? new Date(Date.parse(scope.asOf) - 1).toISOString() : scope.asOf, scope.timeZone);
}
