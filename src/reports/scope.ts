/**
 * What every report is computed over: a period (half-open UTC range cut in the user's zone),
 * the instant it is computed as of, and an optional set of owners (--owner / --team).
 */
import type { Period } from '../domain/period.js';
import type { ReportScopeInfo } from './model.js';

export interface ReportScope {
  period: Period;
  /** The instant the report is computed as of (ISO UTC): now, or --as-of. */
  asOf: string;
  /** Whether --as-of was given: queries then rebuild state from history instead of current columns. */
  historical: boolean;
  timeZone: string;
  /** users.id to include; null = everyone. */
  ownerIds: number[] | null;
  /** Handles named by --owner (for the header). */
  owners: string[] | null;
  team: string | null;
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
